// The one request policy: after an attempt on a member, what happens next. Every place that
// used to decide a retry (the transport's retry on a new connection, the lb's failover to
// another member, fail_on_status, the exit of the lb loop) asks decide() instead.
//
// The inputs are what the attempt left behind: how it failed, how far the request got
// (nothing sent, sent, the backend's headers received, bytes at the client), whether its body
// can be sent again, the method, and the member's recovery_options. The answer is the next
// step, the verdict on the member's health, the HTTP status the client gets if the request
// stops here, and the log code. kPolicyRules lists the rules in the order decide() applies
// them; the README's retry table is rendered from it (policy_docs.cpp) and a unit test walks
// the whole product of the inputs through decide().
//
// mod_jk's semantics, with three deliberate differences (README "Retries and failover"):
// - A reply timeout is retried elsewhere only for a method that is safe to run twice (the
//   backend may still be executing the first one); mod_jk re-sends any method. The same
//   holds for a member found hung (hung_check.hpp), which mod_jk does not look for.
// - After the backend's headers arrived, only an idempotent method is re-sent; mod_jk has
//   already passed the headers to the client at that point and cannot re-send anything
//   sensibly, ajpgate still holds them.
// - A timeout, a protocol error or a fail_on_status answer moves to another member at once
//   (mod_jk first asks the same member `retries` times).
// Bits 8 and 16 each lift bit 1 for their method (mod_jk checks 16 only without 8).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "log/log.hpp"

namespace ajpgate::balancer {

// What an attempt says about the member's health (health.hpp applies it).
enum class Outcome : std::uint8_t {
    success,
    connect_failed,       // could not connect (every transport attempt)
    cping_failed,         // CPING unanswered or wrong
    protocol_error,       // bad packet, unexpected message from the backend
    closed,               // backend closed or reset the connection mid-exchange
    reply_timeout,        // reply_timeout expired between two packets
    client_error,         // the client went away or sent a broken body: not the member's fault
    status_fail_member,   // status in fail_on_status (positive code)
    status_fail_request,  // status in fail_on_status as a negative code
    member_full,          // its connector took no new connection but answered others: not charged
};

// recovery_options, bit by bit (mod_jk's meanings).
struct RecoveryOptions {
    bool no_replay_once_sent = false;       // 1: never re-send once the backend received the request
    bool no_replay_after_headers = false;   // 2: never re-send once the backend's headers arrived
    bool hard_close_on_client_error = false;  // 4: reset the backend connection when the client fails
    bool always_replay_head = false;        // 8: HEAD may be re-sent despite bit 1
    bool always_replay_get = false;         // 16: GET may be re-sent despite bit 1

    static RecoveryOptions from_bits(unsigned bits) noexcept;
};

// How an attempt ended.
enum class Failure : std::uint8_t {
    none,                 // the backend answered and the answer passed fail_on_status
    unresolved,           // the member's host name has no address (yet)
    busy,                 // no free connection within connection_acquire_timeout
    connect_failed,       // no connection could be opened
    cping_failed,         // a connection opened but did not answer its CPING
    send_failed,          // the request could not be written whole
    backend_closed,       // the backend closed the connection before the end of its answer
    reply_timeout,        // no packet within reply_timeout
    backend_hung,         // no first packet, and the member's probe got no CPONG (hung_check.hpp)
    protocol_error,       // a malformed or unexpected packet from the backend
    status_fail_member,   // the status is in fail_on_status
    status_fail_request,  // the status is in fail_on_status as -code
    request_too_large,    // the request does not fit in one AJP packet
    bad_request,          // the request cannot be forwarded as it is (bad Content-Length)
    client_read_failed,   // the client's body could not be read
    client_write_failed,  // the client went away during the answer
    // lb only (journey.cpp): no connection opened within socket_connect_timeout, though the
    // member answered other requests meanwhile: its accept queue is full, it is not dead.
    member_full,
};
inline constexpr std::size_t kFailureCount = 17;

// How far the request got on this attempt.
enum class Progress : std::uint8_t {
    nothing_sent,        // the backend cannot have seen the request
    request_sent,        // the backend received it; nothing came back
    headers_received,    // the backend's headers arrived, the client has seen nothing yet
    response_under_way,  // bytes of the answer reached the client
};
inline constexpr std::size_t kProgressCount = 4;

// The request body, as far as another attempt is concerned.
enum class BodyState : std::uint8_t {
    none,        // no body, or none consumed yet
    replayable,  // all that was read from the client went in the first packet, which is kept
    consumed,    // more was read than is kept: the body cannot be sent again
};
inline constexpr std::size_t kBodyStateCount = 3;

enum class MethodKind : std::uint8_t {
    get,
    head,
    idempotent,  // OPTIONS, TRACE, PUT, DELETE (RFC 9110 9.2.2)
    other,       // POST, PATCH, anything else
};
inline constexpr std::size_t kMethodKindCount = 4;
MethodKind method_kind(std::string_view method) noexcept;

struct PolicyInput {
    Failure failure = Failure::none;
    Progress progress = Progress::nothing_sent;
    BodyState body = BodyState::none;
    MethodKind method = MethodKind::get;
    RecoveryOptions recovery;
};

enum class NextStep : std::uint8_t {
    done,        // the answer went to the client
    retry_same,  // the connection failed, not necessarily the member: the member again on a new
                 // connection while its retries last, then another member
    try_other,   // another member may take the request
    stop,        // the client gets `status` (or a cut connection)
};

// Which rule decided (kPolicyRules order): the log line and the README say why.
enum class Rule : std::uint8_t {
    answered,         // the answer went to the client
    client_side,      // the client's own failure: never another attempt
    under_way,        // bytes already at the client: cut the connection
    body_consumed,    // the body cannot be sent twice
    before_sending,   // nothing reached the backend: always safe to try again
    status_listed,    // fail_on_status: another member
    after_headers,    // the backend answered in part: idempotent methods only, not with bit 2
    sent_bit1,        // bit 1, not lifted by bit 8/16
    timeout_unsafe,   // a timeout with a method that must not run twice
    sent_replayable,  // the backend had it and failed without a word: send it again
};
inline constexpr std::size_t kRuleCount = 10;

// The default is the answered request's decision (rule 1).
struct Decision {
    NextStep step = NextStep::done;
    Outcome health = Outcome::success;
    int http_status = 200;          // when the request stops here (with abort_client: what the log records)
    bool abort_client = false;      // the answer was under way: cut it off
    bool hard_close_backend = false;  // bit 4: reset the backend connection
    Rule rule = Rule::answered;
    log::Level level = log::Level::debug;
    log::Code code{""};
};

Decision decide(const PolicyInput& in) noexcept;

std::string_view to_string(Failure failure) noexcept;
std::string_view to_string(Progress progress) noexcept;
std::string_view to_string(BodyState body) noexcept;
std::string_view to_string(MethodKind method) noexcept;
std::string_view to_string(NextStep step) noexcept;
std::string_view to_string(Rule rule) noexcept;

// One rule of the policy in words, for the README table (checked against decide() by a test).
struct PolicyRuleDoc {
    Rule rule;
    std::string_view when;
    std::string_view then;
    std::string_view mod_jk;
};
std::span<const PolicyRuleDoc> policy_rule_docs() noexcept;
// The README table (scripts/update-docs.sh writes it between the "policy" markers).
std::string render_policy_markdown();

// Log codes of a failed attempt (modules/messages.hpp lists them with the others).
namespace codes {
inline constexpr log::Code connect_failed{"AJPG0110"};
inline constexpr log::Code busy{"AJPG0111"};
inline constexpr log::Code protocol_error{"AJPG0112"};
inline constexpr log::Code reply_timeout{"AJPG0113"};
inline constexpr log::Code backend_hung{"AJPG0122"};
inline constexpr log::Code backend_closed{"AJPG0114"};
inline constexpr log::Code too_large{"AJPG0115"};
inline constexpr log::Code client_read{"AJPG0116"};
inline constexpr log::Code client_gone{"AJPG0117"};
inline constexpr log::Code failed_status{"AJPG0118"};
}  // namespace codes

}  // namespace ajpgate::balancer
