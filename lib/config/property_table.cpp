// The property table itself. Defaults are mod_jk 1.2.x's (see
// reference/mod_jk-features.md §2-§4, §8); where mod_jk derives a default from
// other settings the entry is a rule, resolved by the worker builder.
#include "config/property_table.hpp"

#include "config/property_checks.hpp"

namespace ajpgate::config {

namespace {

using enum PropertyId;
using T = ValueType;
using Dep = Deprecation;

constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
constexpr unsigned kAll = scope_ajp13 | scope_lb | scope_status;
constexpr unsigned kAjpLb = scope_ajp13 | scope_lb;
constexpr unsigned kAjp = scope_ajp13;
constexpr unsigned kLb = scope_lb;
constexpr unsigned kStatus = scope_status;

// A property with a literal default.
constexpr PropertySpec prop(PropertyId id, std::string_view name, ValueType type,
                            std::string_view def, std::string_view unit, unsigned scope,
                            std::int64_t min, std::int64_t max, CheckFn check,
                            std::string_view doc) {
    return {id, name, type, def, false, unit, scope, min, max, check, doc, Dep::none, id, false};
}

// A property whose default is derived from other settings; `rule` says how.
constexpr PropertySpec ruled(PropertyId id, std::string_view name, ValueType type,
                             std::string_view rule, std::string_view unit, unsigned scope,
                             std::int64_t min, std::int64_t max, std::string_view doc) {
    return {id, name, type, rule, true, unit, scope, min, max, nullptr, doc, Dep::none, id, false};
}

// A deprecated name, honoured with a warning.
constexpr PropertySpec old(PropertyId id, std::string_view name, ValueType type,
                           std::string_view unit, unsigned scope, std::int64_t min,
                           Dep how, PropertyId successor, std::string_view doc) {
    return {id, name, type, "", false, unit, scope, min, kMax, nullptr, doc, how, successor, false};
}

// A property whose repeats mod_jk joins with '*' (see PropertySpec::first_line_wins).
constexpr PropertySpec first_wins(PropertySpec spec) {
    spec.first_line_wins = true;
    return spec;
}

// A property of a worker type mod_jk no longer has; it still accepts (and ignores) the name.
constexpr PropertySpec gone(PropertyId id, std::string_view name,
                            std::string_view doc = "Obsolete (jni workers, removed): ignored") {
    return {id, name, T::text, "", false, "", kAll, 0, 0, nullptr, doc, Dep::obsolete, id, false};
}

constexpr std::array<PropertySpec, property_count> kTable{{
    prop(list, "list", T::list, "", "", scope_global, 0, 0, check_worker_names,
         "Workers that can be mapped with JkMount; required, repeats concatenate"),
    first_wins(prop(maintain, "maintain", T::seconds, "60", "s", scope_global, 0, kMax, nullptr,
                    "Interval of pool recycling and lb maintenance (load decay, recovery)")),

    prop(type, "type", T::worker_type, "ajp13", "", kAll, 0, 0, nullptr,
         "Worker type: ajp13, lb or status"),
    prop(reference, "reference", T::reference, "", "", kAll, 0, 0, nullptr,
         "worker.<name> whose properties this worker copies unless set here"),
    prop(mount, "mount", T::list, "", "", kAll, 0, 0, nullptr,
         "URI patterns mapped to this worker (lowest precedence of the map sources)"),

    prop(secret, "secret", T::text, "", "", kAjpLb, 0, 0, nullptr,
         "Shared secret sent to Tomcat (AJP attribute 0x0C); on an lb, inherited by members"),
    prop(retries, "retries", T::integer, "2", "", kAjpLb, 1, kMax, nullptr,
         "ajp13: attempts on communication errors (a connect that timed out is not repeated); lb: rounds over the members"),
    prop(retry_interval, "retry_interval", T::milliseconds, "100", "ms", kAjpLb, 0, kMax, nullptr,
         "Sleep before a retry (ajp13) or between rounds (lb; while members are only at busy_limit, slept in 10 ms looks)"),

    prop(host, "host", T::text, "localhost", "", kAjp, 0, 0, check_host,
         "Backend host name or address; may embed :port"),
    prop(port, "port", T::integer, "8009", "", kAjp, 0, 65535, nullptr,
         "Backend AJP port; 0 means the member starts stopped"),
    prop(source, "source", T::text, "", "", kAjp, 0, 0, nullptr,
         "Local address to bind outgoing connections to"),
    prop(prefer_ipv6, "prefer_ipv6", T::boolean, "false", "", kAjp, 0, 0, nullptr,
         "Prefer an IPv6 address when the host resolves to both families"),
    prop(socket_timeout, "socket_timeout", T::seconds, "0", "s", kAjp, 0, kMax, nullptr,
         "Timeout of every socket operation; 0 means none"),
    ruled(socket_connect_timeout, "socket_connect_timeout", T::milliseconds,
          "socket_timeout*1000; 3000 when socket_timeout is 0", "ms", kAjp, 0, kMax,
          "Timeout of the TCP connect (ajpgate: 3 s instead of the OS's minutes, so a dead host fails fast)"),
    prop(socket_keepalive, "socket_keepalive", T::boolean, "false", "", kAjp, 0, 0, nullptr,
         "Set SO_KEEPALIVE, against firewalls dropping idle connections"),
    prop(socket_buffer, "socket_buffer", T::integer, "0", "bytes", kAjp, 0, kMax, nullptr,
         "Socket send/receive buffer size; 0 keeps the system's"),
    prop(ping_mode, "ping_mode", T::ping_flags, "N", "", kAjp, 0, 0, nullptr,
         "CPing probes: C after connect, P before each request, I on idle connections, A all, N none "
         "(a backend that accepts but does not answer is found by JkHungBackendCheck instead, off the request's path)"),
    prop(ping_timeout, "ping_timeout", T::milliseconds, "10000", "ms", kAjp, 0, kMax, nullptr,
         "Wait for CPONG when no mode-specific timeout is set"),
    prop(connect_timeout, "connect_timeout", T::milliseconds, "0", "ms", kAjp, 0, kMax, nullptr,
         "CPONG wait after connect; > 0 enables ping_mode C (legacy)"),
    prop(prepost_timeout, "prepost_timeout", T::milliseconds, "0", "ms", kAjp, 0, kMax, nullptr,
         "CPONG wait before each request; > 0 enables ping_mode P (legacy)"),
    ruled(connection_ping_interval, "connection_ping_interval", T::seconds,
          "0; (ping_timeout/1000)*10 with ping_mode I", "s", kAjp, 0, kMax,
          "Idle time after which a pooled connection is probed"),
    ruled(connection_pool_size, "connection_pool_size", T::integer, "auto (ThreadsPerChild)", "",
          kAjp, 1, kMax, "Connections kept per httpd child process"),
    ruled(connection_pool_minsize, "connection_pool_minsize", T::integer,
          "(connection_pool_size+1)/2", "", kAjp, 0, kMax,
          "Connections kept open when idle ones are closed"),
    prop(connection_pool_timeout, "connection_pool_timeout", T::seconds, "300", "s", kAjp, 0, kMax,
         nullptr, "Close pooled connections idle this long; 0 never (keep below Tomcat's; ajpgate "
         "default 300 s, so connections a firewall dropped silently are not kept for ever)"),
    ruled(connection_acquire_timeout, "connection_acquire_timeout", T::milliseconds,
          "retries*retry_interval", "ms", kAjp, 0, kMax,
          "Wait for a free pooled connection before answering busy"),
    prop(recovery_options, "recovery_options", T::integer, "0", "", kAjp, 0, 255,
         check_recovery_options,
         "Bits: 1 no retry once sent, 2 no retry after headers, 4 close on client error, "
         "8 retry HEAD, 16 retry GET"),
    prop(reply_timeout, "reply_timeout", T::milliseconds, "0", "ms", kAjp, 0, kMax, nullptr,
         "Longest wait between two packets of a response; 0 means none"),
    prop(fail_on_status, "fail_on_status", T::status_codes, "", "", kAjp, 0, 0, check_status_codes,
         "HTTP codes that fail the request (503); -code fails it without marking the member"),
    prop(busy_limit, "busy_limit", T::integer, "0", "", kAjp, 0, kMax, nullptr,
         "Skip the member at this many concurrent requests, counted across every httpd child; 0 means no limit"),
    prop(max_packet_size, "max_packet_size", T::integer, "8192", "bytes", kAjp, 8192, 65536,
         check_max_packet_size, "AJP packet size, must equal Tomcat's packetSize"),

    prop(lbfactor, "lbfactor", T::integer, "1", "", kAjp, 1, kMax, nullptr,
         "Relative share of the load for this member"),
    first_wins(prop(distance, "distance", T::integer, "0", "", kAjp, 0, kMax, nullptr,
                    "Members of higher distance get traffic only when all lower ones are "
                    "unusable")),
    ruled(route, "route", T::text, "the worker name", "", kAjp, 0, 0,
          "Session route, equal to Tomcat's jvmRoute"),
    ruled(domain, "domain", T::text, "route before its first '.', else empty", "", kAjp, 0, 0,
          "Members of one domain share sessions (replication group)"),
    prop(redirect, "redirect", T::text, "", "", kAjp, 0, 0, nullptr,
         "Route of the member taking this one's sessions when it is unusable"),
    prop(activation, "activation", T::activation, "A", "", kAjp, 0, 0, nullptr,
         "A active, D disabled (sticky requests only), S stopped"),

    prop(balance_workers, "balance_workers", T::list, "", "", kLb, 0, 0,
         check_worker_names, "Members of this lb (ajp13 workers); required, repeats concatenate"),
    prop(sticky_session, "sticky_session", T::boolean, "true", "", kLb, 0, 0, nullptr,
         "Send requests with a session route to that route's member"),
    prop(sticky_session_force, "sticky_session_force", T::boolean, "false", "", kLb, 0, 0, nullptr,
         "Fail (503) instead of failing over when the sticky member is unusable"),
    prop(session_cookie, "session_cookie", T::text, "JSESSIONID", "", kLb, 0, 0, nullptr,
         "Cookie carrying the session id"),
    prop(session_path, "session_path", T::text, ";jsessionid", "", kLb, 0, 0, nullptr,
         "Path parameter carrying the session id"),
    prop(set_session_cookie, "set_session_cookie", T::boolean, "false", "", kLb, 0, 0, nullptr,
         "Add a route-only session cookie when a request is not sticky"),
    prop(session_cookie_path, "session_cookie_path", T::text, "", "", kLb, 0, 0, nullptr,
         "Path attribute of the cookie set by set_session_cookie; empty means none"),
    prop(method, "method", T::lb_method, "R", "", kLb, 0, 0, nullptr,
         "Balancing by R requests, T traffic, B busyness, S sessions, N next"),
    prop(lock, "lock", T::lb_lock, "O", "", kLb, 0, 0, nullptr,
         "Shared state locking: O optimistic, P pessimistic"),
    prop(lb_retries, "lb_retries", T::integer, "2", "", kLb, 1, kMax, nullptr,
         "Members tried per round"),
    prop(recover_time, "recover_time", T::seconds, "60", "s", kLb, 1, kMax, nullptr,
         "Time a member in error waits before it is tried again"),
    ruled(error_escalation_time, "error_escalation_time", T::seconds, "recover_time/2", "s", kLb, 0,
          kMax, "Local errors escalate to a global error without a success within this"),
    prop(max_reply_timeouts, "max_reply_timeouts", T::integer, "0", "", kLb, 0, kMax, nullptr,
         "Reply timeouts tolerated before a member goes into error"),

    prop(read_only, "read_only", T::boolean, "false", "", kStatus, 0, 0, nullptr,
         "Forbid edit, update, reset and recover"),
    prop(user, "user", T::list, "", "", kStatus, 0, 0, nullptr,
         "Users allowed to use this status worker; empty means anyone"),
    prop(user_case_insensitive, "user_case_insensitive", T::boolean, "false", "", kStatus, 0, 0,
         nullptr, "Compare user names case-insensitively"),
    prop(good, "good", T::list, "a.o,a.i,a.b,a.r", "", kStatus, 0, 0, check_ratings,
         "Member states rated good: activation.state letters, list means or"),
    prop(bad, "bad", T::list, "s,e", "", kStatus, 0, 0, check_ratings,
         "Member states rated bad: activation.state letters, list means or"),
    prop(prefix, "prefix", T::text, "worker", "", kStatus, 0, 0, nullptr,
         "Key prefix of the properties output"),
    prop(ns, "ns", T::text, "jk:", "", kStatus, 0, 0, nullptr,
         "XML namespace prefix; '-' for none"),
    prop(xmlns, "xmlns", T::text, "xmlns:jk=\"http://tomcat.apache.org\"", "", kStatus, 0, 0,
         nullptr, "XML namespace declaration; '-' for none"),
    prop(doctype, "doctype", T::text, "", "", kStatus, 0, 0, nullptr,
         "DOCTYPE line of the XML output"),
    prop(css, "css", T::text, "", "", kStatus, 0, 0, nullptr,
         "Stylesheet URL of the HTML output"),

    old(cachesize, "cachesize", T::integer, "", kAjp, 1, Dep::rename, connection_pool_size,
        "Deprecated: use connection_pool_size"),
    old(cache_timeout, "cache_timeout", T::seconds, "s", kAjp, 0, Dep::rename,
        connection_pool_timeout, "Deprecated: use connection_pool_timeout"),
    old(recycle_timeout, "recycle_timeout", T::seconds, "s", kAjp, 0, Dep::rename,
        connection_pool_timeout, "Deprecated: use connection_pool_timeout"),
    old(balanced_workers, "balanced_workers", T::list, "", kLb, 0, Dep::rename,
        balance_workers, "Deprecated: use balance_workers"),
    old(jvm_route, "jvm_route", T::text, "", kAjp, 0, Dep::rename, route,
        "Deprecated: use route"),
    old(disabled, "disabled", T::boolean, "", kAjp, 0, Dep::true_to_disabled, activation,
        "Deprecated: use activation=D"),
    old(stopped, "stopped", T::boolean, "", kAjp, 0, Dep::true_to_stopped, activation,
        "Deprecated: use activation=S"),
    old(local_worker, "local_worker", T::boolean, "", kAjp, 0, Dep::no_effect, local_worker,
        "Deprecated: no effect (use distance or activation)"),
    old(local_worker_only, "local_worker_only", T::boolean, "", kLb, 0, Dep::no_effect,
        local_worker_only, "Deprecated: no effect (use sticky_session_force)"),

    gone(jni_sysprops, "sysprops"),
    gone(jni_stdout, "stdout"),
    gone(jni_stderr, "stderr"),
    gone(jni_mx, "mx"),
    gone(jni_ms, "ms"),
    gone(jni_class_path, "class_path"),
    gone(jni_bridge, "bridge"),
    gone(jni_jvm_lib, "jvm_lib"),
    gone(jni_ld_path, "ld_path"),
    gone(jni_cmd_line, "cmd_line"),
    gone(jni_native_lib, "native_lib"),
    gone(ajp14_secretkey, "secretkey", "Obsolete (ajp14 workers, not supported): ignored"),
}};

constexpr bool table_is_indexed_by_id() {
    for (std::size_t i = 0; i < kTable.size(); ++i) {
        if (static_cast<std::size_t>(kTable[i].id) != i) return false;
    }
    return true;
}
static_assert(table_is_indexed_by_id(), "kTable must list properties in PropertyId order");

}  // namespace

std::span<const PropertySpec> property_table() noexcept { return kTable; }

const PropertySpec& property_spec(PropertyId id) noexcept {
    return kTable[static_cast<std::size_t>(id)];
}

const PropertySpec* find_property(std::string_view name) noexcept {
    for (const auto& spec : kTable) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

bool is_list_type(ValueType type) noexcept {
    return type == ValueType::list || type == ValueType::status_codes;
}

const char* to_string(ValueType type) noexcept {
    switch (type) {
        case ValueType::text: return "string";
        case ValueType::integer: return "integer";
        case ValueType::boolean: return "boolean";
        case ValueType::seconds: return "seconds";
        case ValueType::milliseconds: return "milliseconds";
        case ValueType::list: return "list";
        case ValueType::status_codes: return "status code list";
        case ValueType::ping_flags: return "flags C,P,I,A";
        case ValueType::activation: return "A, D or S";
        case ValueType::lb_method: return "R, T, B, S or N";
        case ValueType::lb_lock: return "O or P";
        case ValueType::worker_type: return "ajp13, lb or status";
        case ValueType::reference: return "worker.<name>";
    }
    return "?";
}

}  // namespace ajpgate::config
