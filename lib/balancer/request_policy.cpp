// decide(): the rules of request_policy.hpp, applied in kPolicyRules order.
#include "balancer/request_policy.hpp"

#include <array>

namespace ajpgate::balancer {

RecoveryOptions RecoveryOptions::from_bits(unsigned bits) noexcept {
    RecoveryOptions o;
    o.no_replay_once_sent = (bits & 1u) != 0;
    o.no_replay_after_headers = (bits & 2u) != 0;
    o.hard_close_on_client_error = (bits & 4u) != 0;
    o.always_replay_head = (bits & 8u) != 0;
    o.always_replay_get = (bits & 16u) != 0;
    return o;
}

MethodKind method_kind(std::string_view method) noexcept {
    // Methods are case-sensitive (RFC 9110 9.1): "get" is not GET.
    if (method == "GET") return MethodKind::get;
    if (method == "HEAD") return MethodKind::head;
    if (method == "OPTIONS" || method == "TRACE" || method == "PUT" || method == "DELETE") {
        return MethodKind::idempotent;
    }
    return MethodKind::other;
}

namespace {

// What a failure costs the member and the client, before any rule looks at progress.
struct FailureTraits {
    Outcome health;
    int status;
    log::Level level;
    log::Code code;
};

constexpr std::array<FailureTraits, kFailureCount> kTraits{{
    {Outcome::success, 200, log::Level::debug, {""}},                                        // none
    {Outcome::connect_failed, 503, log::Level::error, codes::connect_failed},                // unresolved
    {Outcome::client_error, 503, log::Level::error, codes::busy},                            // busy
    {Outcome::connect_failed, 503, log::Level::error, codes::connect_failed},                // connect_failed
    {Outcome::cping_failed, 503, log::Level::error, codes::connect_failed},                  // cping_failed
    {Outcome::closed, 502, log::Level::error, codes::backend_closed},                        // send_failed
    {Outcome::closed, 502, log::Level::error, codes::backend_closed},                        // backend_closed
    {Outcome::reply_timeout, 504, log::Level::error, codes::reply_timeout},                  // reply_timeout
    {Outcome::cping_failed, 504, log::Level::error, codes::backend_hung},                    // backend_hung
    {Outcome::protocol_error, 502, log::Level::error, codes::protocol_error},                // protocol_error
    {Outcome::status_fail_member, 503, log::Level::error, codes::failed_status},             // status_fail_member
    {Outcome::status_fail_request, 503, log::Level::error, codes::failed_status},            // status_fail_request
    {Outcome::client_error, 413, log::Level::error, codes::too_large},                       // request_too_large
    {Outcome::client_error, 400, log::Level::info, codes::client_read},                      // bad_request
    {Outcome::client_error, 400, log::Level::info, codes::client_read},                      // client_read_failed
    {Outcome::client_error, 400, log::Level::info, codes::client_gone},                      // client_write_failed
    {Outcome::member_full, 503, log::Level::warn, codes::busy},                              // member_full
}};

bool client_side(Failure f) noexcept {
    return f == Failure::request_too_large || f == Failure::bad_request || f == Failure::client_read_failed ||
           f == Failure::client_write_failed;
}

bool safe_to_repeat(MethodKind m) noexcept { return m != MethodKind::other; }

// Bits 8 and 16 lift bit 1 for HEAD and GET.
bool bit1_applies(const PolicyInput& in) noexcept {
    if (!in.recovery.no_replay_once_sent) return false;
    if (in.method == MethodKind::head && in.recovery.always_replay_head) return false;
    if (in.method == MethodKind::get && in.recovery.always_replay_get) return false;
    return true;
}

Decision with(Decision d, NextStep step, Rule rule) noexcept {
    d.step = step;
    d.rule = rule;
    return d;
}

}  // namespace

Decision decide(const PolicyInput& in) noexcept {
    // Nearly every attempt ends here: answered, nothing to look up.
    if (in.failure == Failure::none) return Decision{};
    const FailureTraits& t = kTraits[static_cast<std::size_t>(in.failure)];
    Decision d;
    d.health = t.health;
    d.http_status = t.status;
    d.level = t.level;
    d.code = t.code;
    const Failure f = in.failure;
    if (client_side(f)) {
        const bool client_io = f == Failure::client_read_failed || f == Failure::client_write_failed;
        d.hard_close_backend = client_io && in.recovery.hard_close_on_client_error;
        d.abort_client = f == Failure::client_write_failed;
        return with(d, NextStep::stop, Rule::client_side);
    }
    if (in.progress == Progress::response_under_way) {
        d.abort_client = true;
        return with(d, NextStep::stop, Rule::under_way);
    }
    if (in.body == BodyState::consumed) return with(d, NextStep::stop, Rule::body_consumed);
    if (in.progress == Progress::nothing_sent) {
        // A refused or stale connection says little about the member: its own retries first.
        const bool same = f == Failure::connect_failed || f == Failure::cping_failed || f == Failure::send_failed ||
                          f == Failure::backend_closed;
        return with(d, same ? NextStep::retry_same : NextStep::try_other, Rule::before_sending);
    }
    if (f == Failure::status_fail_member || f == Failure::status_fail_request) {
        return with(d, NextStep::try_other, Rule::status_listed);
    }
    if (in.progress == Progress::headers_received) {
        if (in.recovery.no_replay_after_headers || !safe_to_repeat(in.method)) {
            return with(d, NextStep::stop, Rule::after_headers);
        }
        return with(d, NextStep::try_other, Rule::after_headers);
    }
    if (bit1_applies(in)) return with(d, NextStep::stop, Rule::sent_bit1);
    const bool timed_out = f == Failure::reply_timeout || f == Failure::backend_hung;
    if (timed_out && !safe_to_repeat(in.method)) return with(d, NextStep::stop, Rule::timeout_unsafe);
    // A pooled connection the backend closed just as the request went: the member again first.
    const NextStep step = f == Failure::backend_closed ? NextStep::retry_same : NextStep::try_other;
    return with(d, step, Rule::sent_replayable);
}

std::string_view to_string(Failure failure) noexcept {
    static constexpr std::array<std::string_view, kFailureCount> names{
        "none", "unresolved", "busy", "connect_failed", "cping_failed", "send_failed", "backend_closed",
        "reply_timeout", "backend_hung", "protocol_error", "status_fail_member", "status_fail_request", "request_too_large",
        "bad_request", "client_read_failed", "client_write_failed", "member_full"};
    return names[static_cast<std::size_t>(failure)];
}

std::string_view to_string(Progress progress) noexcept {
    static constexpr std::array<std::string_view, kProgressCount> names{"nothing_sent", "request_sent",
                                                                        "headers_received", "response_under_way"};
    return names[static_cast<std::size_t>(progress)];
}

std::string_view to_string(BodyState body) noexcept {
    static constexpr std::array<std::string_view, kBodyStateCount> names{"none", "replayable", "consumed"};
    return names[static_cast<std::size_t>(body)];
}

std::string_view to_string(MethodKind method) noexcept {
    static constexpr std::array<std::string_view, kMethodKindCount> names{"GET", "HEAD", "idempotent", "other"};
    return names[static_cast<std::size_t>(method)];
}

std::string_view to_string(NextStep step) noexcept {
    switch (step) {
    case NextStep::done: return "done";
    case NextStep::retry_same: return "retry_same";
    case NextStep::try_other: return "try_other";
    case NextStep::stop: return "stop";
    }
    return "?";
}

std::string_view to_string(Rule rule) noexcept {
    static constexpr std::array<std::string_view, kRuleCount> names{
        "answered",      "client_side",   "under_way", "body_consumed",  "before_sending",
        "status_listed", "after_headers", "sent_bit1", "timeout_unsafe", "sent_replayable"};
    return names[static_cast<std::size_t>(rule)];
}

}  // namespace ajpgate::balancer
