// The one declarative table of workers.properties: every property of ajp13, lb
// and status workers and the global keys, with type, default, unit, scope,
// validator, one-line doc and deprecation. The parser, the validator, the
// README reference and conf/workers.properties.sample are all driven by it;
// code refers to properties by PropertyId, never by spelling their name.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/property_value.hpp"

namespace ajpgate::config {

enum class PropertyId : std::uint8_t {
    // global: worker.<name>
    list, maintain,
    // every worker type
    type, reference, mount,
    // ajp13 and lb
    secret, retries, retry_interval,
    // ajp13
    host, port, source, prefer_ipv6, socket_timeout, socket_connect_timeout, socket_keepalive,
    socket_buffer, ping_mode, ping_timeout, connect_timeout, prepost_timeout,
    connection_ping_interval, connection_pool_size, connection_pool_minsize,
    connection_pool_timeout, connection_acquire_timeout, recovery_options, reply_timeout,
    fail_on_status, busy_limit, max_packet_size,
    // ajp13 as an lb member
    lbfactor, distance, route, domain, redirect, activation,
    // lb
    balance_workers, sticky_session, sticky_session_force, session_cookie, session_path,
    set_session_cookie, session_cookie_path, method, lock, lb_retries, recover_time,
    error_escalation_time, max_reply_timeouts,
    // status
    read_only, user, user_case_insensitive, good, bad, prefix, ns, xmlns, doctype, css,
    // deprecated names
    cachesize, cache_timeout, recycle_timeout, balanced_workers, jvm_route, disabled, stopped,
    local_worker, local_worker_only,
    // names of removed worker types (jni, ajp14) that mod_jk still accepts and ignores
    jni_sysprops, jni_stdout, jni_stderr, jni_mx, jni_ms, jni_class_path, jni_bridge, jni_jvm_lib,
    jni_ld_path, jni_cmd_line, jni_native_lib, ajp14_secretkey,
    count_
};

inline constexpr std::size_t property_count = static_cast<std::size_t>(PropertyId::count_);

enum class ValueType : std::uint8_t {
    text,          // free string
    integer,       // with k/M suffixes
    boolean,
    seconds,       // integer, unit in the type
    milliseconds,  // integer, unit in the type
    list,          // comma/blank separated, repeats concatenate
    status_codes,  // list of HTTP status codes, '-' prefix allowed
    ping_flags,    // C, P, I, A
    activation,    // A, D, S by first letter
    lb_method,     // R, T, B, S, N by first letter
    lb_lock,       // O, P by first letter
    worker_type,   // ajp13, lb, status (ajp12/ajp14/jni rejected)
    reference,     // worker.<name>
};

// Which worker types accept a property (bits may be combined).
enum Scope : unsigned {
    scope_global = 1u,
    scope_ajp13 = 2u,
    scope_lb = 4u,
    scope_status = 8u,
};

// How a deprecated name maps onto its successor.
enum class Deprecation : std::uint8_t {
    none,
    rename,             // same value, successor's name
    true_to_disabled,   // boolean; true means activation=D
    true_to_stopped,    // boolean; true means activation=S
    no_effect,          // accepted and ignored
    obsolete,           // a removed worker type's property: ignored, a compatibility warning
};

// What a validator says about a parsed value (it may also normalise it).
struct CheckResult {
    enum class Kind { ok, warning, error } kind = Kind::ok;
    std::string message;
};
using CheckFn = CheckResult (*)(PropertyValue& value);

struct PropertySpec {
    PropertyId id;
    std::string_view name;
    ValueType type;
    std::string_view default_text;  // in workers.properties syntax, or a rule (below)
    bool default_is_rule;           // default derived from other settings: text describes it
    std::string_view unit;          // "s", "ms", "bytes" or empty
    unsigned scope;                 // Scope bits
    std::int64_t min;               // numeric range, inclusive
    std::int64_t max;
    CheckFn check;                  // extra validation, may be null
    std::string_view doc;
    Deprecation deprecation;
    PropertyId successor;           // meaningful when deprecation != none
    // mod_jk joins a repeated line of this property with '*' and reads the value up to it,
    // so the first line wins (the others: the last line wins, lists concatenate).
    bool first_line_wins = false;
};

// The table, indexed by PropertyId.
std::span<const PropertySpec> property_table() noexcept;
const PropertySpec& property_spec(PropertyId id) noexcept;

// Looks a property up by its name in workers.properties (the part after worker.<name>.).
const PropertySpec* find_property(std::string_view name) noexcept;

// The closest property name accepted in `scope`, for "did you mean" hints; empty if none is close.
std::string_view suggest_property(std::string_view name, unsigned scope);

bool is_list_type(ValueType type) noexcept;
const char* to_string(ValueType type) noexcept;

// Documentation generated from the table: a Markdown reference (one section per
// scope) and a commented workers.properties sample.
std::string render_properties_markdown();
std::string render_properties_sample();

}  // namespace ajpgate::config
