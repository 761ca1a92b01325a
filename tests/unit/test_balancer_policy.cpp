// The request policy (balancer/request_policy.hpp): every combination of its inputs walked
// through decide() against the invariants it promises, mod_jk's documented cases one by one,
// and the README's rule table against the rules decide() really applies.
#include <array>
#include <string>

#include "balancer/request_policy.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate::balancer;

template <typename E> E nth(std::size_t i) { return static_cast<E>(i); }

bool client_side(Failure f) {
    return f == Failure::request_too_large || f == Failure::bad_request || f == Failure::client_read_failed ||
           f == Failure::client_write_failed;
}

bool lifted_for(MethodKind m, const RecoveryOptions& r) {
    return (m == MethodKind::head && r.always_replay_head) || (m == MethodKind::get && r.always_replay_get);
}

std::string describe(const PolicyInput& in, unsigned bits) {
    return std::string(to_string(in.failure)) + "/" + std::string(to_string(in.progress)) + "/" +
           std::string(to_string(in.body)) + "/" + std::string(to_string(in.method)) + "/bits " + std::to_string(bits);
}

// Expected health verdict and status per failure, written out once more on purpose.
struct Expected {
    Outcome health;
    int status;
};
Expected expected_for(Failure f) {
    switch (f) {
    case Failure::none: return {Outcome::success, 200};
    case Failure::unresolved: return {Outcome::connect_failed, 503};
    case Failure::busy: return {Outcome::client_error, 503};
    case Failure::connect_failed: return {Outcome::connect_failed, 503};
    case Failure::cping_failed: return {Outcome::cping_failed, 503};
    case Failure::send_failed: return {Outcome::closed, 502};
    case Failure::backend_closed: return {Outcome::closed, 502};
    case Failure::reply_timeout: return {Outcome::reply_timeout, 504};
    case Failure::backend_hung: return {Outcome::cping_failed, 504};
    case Failure::protocol_error: return {Outcome::protocol_error, 502};
    case Failure::status_fail_member: return {Outcome::status_fail_member, 503};
    case Failure::status_fail_request: return {Outcome::status_fail_request, 503};
    case Failure::request_too_large: return {Outcome::client_error, 413};
    case Failure::bad_request: return {Outcome::client_error, 400};
    case Failure::client_read_failed: return {Outcome::client_error, 400};
    case Failure::client_write_failed: return {Outcome::client_error, 400};
    case Failure::member_full: return {Outcome::member_full, 503};  // never charged, never the client's
    }
    return {Outcome::success, 0};
}

// The product of every input: 17 failures x 4 progresses x 3 body states x 4 methods x 32
// recovery_options values, each checked against the promises of request_policy.hpp.
void test_every_input_keeps_the_promises(void**) {
    std::array<int, kRuleCount> reached{};
    int checked = 0;
    for (std::size_t f = 0; f < kFailureCount; ++f)
    for (std::size_t p = 0; p < kProgressCount; ++p)
    for (std::size_t b = 0; b < kBodyStateCount; ++b)
    for (std::size_t m = 0; m < kMethodKindCount; ++m)
    for (unsigned bits = 0; bits < 32; ++bits) {
        PolicyInput in{nth<Failure>(f), nth<Progress>(p), nth<BodyState>(b), nth<MethodKind>(m),
                       RecoveryOptions::from_bits(bits)};
        const Decision d = decide(in);
        const std::string what = describe(in, bits);
        ++reached[static_cast<std::size_t>(d.rule)];
        ++checked;
        const Expected e = expected_for(in.failure);
        if (d.health != e.health || d.http_status != e.status) fail_msg("health/status wrong for %s", what.c_str());
        const bool again = d.step == NextStep::retry_same || d.step == NextStep::try_other;
        // Answered exactly when nothing failed.
        if ((d.step == NextStep::done) != (in.failure == Failure::none)) fail_msg("done wrong for %s", what.c_str());
        // The client's own failures never go anywhere else, and only they may reset the backend.
        if (client_side(in.failure) && again) fail_msg("client failure retried: %s", what.c_str());
        const bool client_io = in.failure == Failure::client_read_failed || in.failure == Failure::client_write_failed;
        if (d.hard_close_backend != (client_io && (bits & 4u))) fail_msg("bit 4 wrong for %s", what.c_str());
        if (in.failure == Failure::none) continue;
        const bool status_failure = in.failure == Failure::status_fail_member || in.failure == Failure::status_fail_request;
        // Bytes at the client: cut, never repeated.
        if (in.progress == Progress::response_under_way && !client_side(in.failure) && (!d.abort_client || again)) {
            fail_msg("under way not cut: %s", what.c_str());
        }
        if (d.abort_client && in.progress != Progress::response_under_way && in.failure != Failure::client_write_failed) {
            fail_msg("abort without bytes at the client: %s", what.c_str());
        }
        // A body that cannot be sent twice is never sent twice.
        if (in.body == BodyState::consumed && again) fail_msg("consumed body replayed: %s", what.c_str());
        // Nothing sent: always another chance (unless the client failed).
        if (in.progress == Progress::nothing_sent && !client_side(in.failure) && in.body != BodyState::consumed && !again) {
            fail_msg("nothing sent but stopped: %s", what.c_str());
        }
        // The same member again only while the backend has not answered.
        if (d.step == NextStep::retry_same &&
            (in.progress == Progress::headers_received || in.progress == Progress::response_under_way)) {
            fail_msg("retry_same after an answer began: %s", what.c_str());
        }
        // After the backend's headers: idempotent methods only, never with bit 2.
        if (in.progress == Progress::headers_received && !status_failure && again &&
            (in.method == MethodKind::other || (bits & 2u))) {
            fail_msg("non-idempotent or bit 2 repeated after headers: %s", what.c_str());
        }
        // Bit 1 once sent, unless bit 8 (HEAD) / 16 (GET) lifts it (fail_on_status is not a failure it covers).
        if (in.progress == Progress::request_sent && (bits & 1u) && !lifted_for(in.method, in.recovery) && again &&
            !status_failure) {
            fail_msg("bit 1 ignored: %s", what.c_str());
        }
        // A timeout after sending: only methods safe to run twice go elsewhere.
        const bool timed_out = in.failure == Failure::reply_timeout || in.failure == Failure::backend_hung;
        if (timed_out && in.progress != Progress::nothing_sent &&
            in.method == MethodKind::other && again) {
            fail_msg("unsafe method repeated after a timeout: %s", what.c_str());
        }
        // fail_on_status always moves on when the body allows (mod_jk).
        if (status_failure && in.progress != Progress::response_under_way && in.body != BodyState::consumed &&
            d.step != NextStep::try_other) {
            fail_msg("fail_on_status not failed over: %s", what.c_str());
        }
        if (d.code.id.empty()) fail_msg("no log code: %s", what.c_str());
    }
    assert_int_equal(checked, 17 * 4 * 3 * 4 * 32);
    for (std::size_t r = 0; r < kRuleCount; ++r) {
        if (reached[r] == 0) fail_msg("rule %s is never applied", std::string(to_string(nth<Rule>(r))).c_str());
    }
}

struct Case {
    const char* what;
    PolicyInput in;
    unsigned bits;
    NextStep step;
    Rule rule;
};

// The cases of mod_jk's recovery_options documentation, and ajpgate's stated differences.
void test_documented_cases(void**) {
    const auto at = [](Failure f, Progress p, MethodKind m, BodyState b = BodyState::none) {
        return PolicyInput{f, p, b, m, {}};
    };
    using F = Failure;
    using P = Progress;
    using M = MethodKind;
    const Case cases[] = {
        {"dead node, bits 0", at(F::connect_failed, P::nothing_sent, M::other), 0, NextStep::retry_same, Rule::before_sending},
        {"dead node, bit 1 changes nothing", at(F::connect_failed, P::nothing_sent, M::other), 1, NextStep::retry_same,
         Rule::before_sending},
        {"unresolved host: another member", at(F::unresolved, P::nothing_sent, M::get), 0, NextStep::try_other,
         Rule::before_sending},
        {"Tomcat died with the request (POST, no body)", at(F::backend_closed, P::request_sent, M::other), 0,
         NextStep::retry_same, Rule::sent_replayable},
        {"bit 1: not again once sent", at(F::backend_closed, P::request_sent, M::other), 1, NextStep::stop, Rule::sent_bit1},
        {"bit 1 + 8: HEAD again", at(F::backend_closed, P::request_sent, M::head), 1 | 8, NextStep::retry_same,
         Rule::sent_replayable},
        {"bit 1 + 8: GET not lifted", at(F::backend_closed, P::request_sent, M::get), 1 | 8, NextStep::stop, Rule::sent_bit1},
        {"bit 1 + 16: GET again", at(F::reply_timeout, P::request_sent, M::get), 1 | 16, NextStep::try_other,
         Rule::sent_replayable},
        {"bit 1 + 8 + 16: GET again too", at(F::reply_timeout, P::request_sent, M::get), 1 | 8 | 16, NextStep::try_other,
         Rule::sent_replayable},
        {"bit 1 + 16: POST not lifted", at(F::reply_timeout, P::request_sent, M::other), 1 | 16, NextStep::stop,
         Rule::sent_bit1},
        {"hung node, GET: elsewhere", at(F::reply_timeout, P::request_sent, M::get), 0, NextStep::try_other,
         Rule::sent_replayable},
        {"hung node, POST: 504", at(F::reply_timeout, P::request_sent, M::other), 0, NextStep::stop, Rule::timeout_unsafe},
        {"hung member (no CPONG), GET: elsewhere", at(F::backend_hung, P::request_sent, M::get), 0, NextStep::try_other,
         Rule::sent_replayable},
        {"hung member (no CPONG), POST: 504", at(F::backend_hung, P::request_sent, M::other), 0, NextStep::stop,
         Rule::timeout_unsafe},
        {"hung node, PUT is idempotent", at(F::reply_timeout, P::request_sent, M::idempotent), 0, NextStep::try_other,
         Rule::sent_replayable},
        {"garbage from the backend", at(F::protocol_error, P::request_sent, M::other), 0, NextStep::try_other,
         Rule::sent_replayable},
        {"closed after headers, GET", at(F::backend_closed, P::headers_received, M::get), 0, NextStep::try_other,
         Rule::after_headers},
        {"closed after headers, bit 2", at(F::backend_closed, P::headers_received, M::get), 2, NextStep::stop,
         Rule::after_headers},
        {"closed after headers, POST", at(F::backend_closed, P::headers_received, M::other), 0, NextStep::stop,
         Rule::after_headers},
        {"closed with bytes at the client", at(F::backend_closed, P::response_under_way, M::get), 0, NextStep::stop,
         Rule::under_way},
        {"first body packet kept", at(F::backend_closed, P::request_sent, M::other, BodyState::replayable), 0,
         NextStep::retry_same, Rule::sent_replayable},
        {"body streamed", at(F::backend_closed, P::request_sent, M::other, BodyState::consumed), 0, NextStep::stop,
         Rule::body_consumed},
        {"fail_on_status", at(F::status_fail_member, P::headers_received, M::other), 3, NextStep::try_other,
         Rule::status_listed},
        {"fail_on_status -code", at(F::status_fail_request, P::headers_received, M::get), 0, NextStep::try_other,
         Rule::status_listed},
        {"client gone", at(F::client_write_failed, P::response_under_way, M::get), 4, NextStep::stop, Rule::client_side},
    };
    for (const Case& c : cases) {
        PolicyInput in = c.in;
        in.recovery = RecoveryOptions::from_bits(c.bits);
        const Decision d = decide(in);
        if (d.step != c.step || d.rule != c.rule) {
            fail_msg("%s: got %s by %s", c.what, std::string(to_string(d.step)).c_str(),
                     std::string(to_string(d.rule)).c_str());
        }
    }
    // Bit 4 resets the backend connection on the client's failure, and only then.
    PolicyInput gone{Failure::client_write_failed, Progress::response_under_way, BodyState::none, MethodKind::get,
                     RecoveryOptions::from_bits(4)};
    assert_true(decide(gone).hard_close_backend);
    assert_true(decide(gone).abort_client);
    gone.recovery = RecoveryOptions::from_bits(0);
    assert_false(decide(gone).hard_close_backend);
}

void test_method_kinds(void**) {
    assert_int_equal(static_cast<int>(method_kind("GET")), static_cast<int>(MethodKind::get));
    assert_int_equal(static_cast<int>(method_kind("HEAD")), static_cast<int>(MethodKind::head));
    for (const char* m : {"OPTIONS", "TRACE", "PUT", "DELETE"}) {
        assert_int_equal(static_cast<int>(method_kind(m)), static_cast<int>(MethodKind::idempotent));
    }
    for (const char* m : {"POST", "PATCH", "get", "PROPFIND", ""}) {
        assert_int_equal(static_cast<int>(method_kind(m)), static_cast<int>(MethodKind::other));
    }
}

// The README's table lists every rule once, in the order decide() applies them.
void test_rule_docs_follow_the_rules(void**) {
    const auto docs = policy_rule_docs();
    assert_int_equal(docs.size(), kRuleCount);
    for (std::size_t i = 0; i < docs.size(); ++i) {
        assert_int_equal(static_cast<int>(docs[i].rule), static_cast<int>(i));
        assert_false(docs[i].when.empty());
        assert_false(docs[i].then.empty());
    }
    const std::string table = render_policy_markdown();
    for (std::size_t r = 0; r < kRuleCount; ++r) {
        const std::string name = "`" + std::string(to_string(nth<Rule>(r))) + "`";
        if (table.find(name) == std::string::npos) fail_msg("rule %s missing from the table", name.c_str());
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_input_keeps_the_promises),
        cmocka_unit_test(test_documented_cases),
        cmocka_unit_test(test_method_kinds),
        cmocka_unit_test(test_rule_docs_follow_the_rules),
    };
    return cmocka_run_group_tests_name("balancer_policy", tests, nullptr, nullptr);
}
