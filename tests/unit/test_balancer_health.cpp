// lib/balancer health: shared state layout and placement, outcomes, recovery timing with a
// fake clock, probes, escalation, reply timeouts, decay.
#include <cstring>
#include <thread>
#include <string>
#include <type_traits>
#include <vector>

#include "balancer/retry.hpp"
#include "balancer/snapshot.hpp"
#include "test_balancer_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

#include "test_balancer_pick.hpp"

using namespace balancer_test;
using balancer::HealthChange;
using balancer::MemberState;
using balancer::Outcome;

namespace {

constexpr auto kMaintain = std::chrono::seconds(60);

HealthChange attempt(const Setup& s, const StateBuffer& b, std::size_t member, Outcome outcome, long long second) {
    balancer::begin_request(b.view, member);
    return balancer::end_request(s.lb, b.view, member, outcome, {}, at_seconds(second));
}

void test_layout_and_placement(void**) {
    static_assert(std::is_trivially_copyable_v<balancer::MemberSlot>);
    static_assert(std::is_trivially_copyable_v<balancer::LbHeader>);
    static_assert(std::is_trivially_destructible_v<balancer::MemberSlot>);
    static_assert(std::is_standard_layout_v<balancer::MemberSlot> && std::is_standard_layout_v<balancer::LbHeader>);
    assert_int_equal(balancer::lb_state_bytes(0), 0);
    assert_int_equal(balancer::lb_state_bytes(3), sizeof(balancer::LbHeader) + 3 * sizeof(balancer::MemberSlot));
    assert_int_equal(balancer::lb_state_bytes(balancer::kMaxMembers + 1), 0);

    Setup s({{"a", 2}, {"b", 3, 0, "", "", config::Activation::disabled, 7}});
    std::vector<std::uint64_t> words(balancer::lb_state_bytes(2) / 8 + 8, ~0ULL);
    auto bytes = std::as_writable_bytes(std::span(words));
    const std::size_t need = balancer::lb_state_bytes(s.lb);
    assert_false(balancer::init_lb_state(bytes.first(need - 1), s.lb, s.ajp13).valid());  // too small
    assert_false(balancer::init_lb_state(bytes.subspan(4, need), s.lb, s.ajp13).valid());  // misaligned
    assert_false(balancer::attach_lb_state(bytes, 2).valid());  // nothing initialised yet
    const balancer::LbStateView view = balancer::init_lb_state(bytes.first(need), s.lb, s.ajp13);
    assert_true(view.valid());
    assert_int_equal(view.size(), 2);
    assert_int_equal(view.member(0).lb_mult, 3);
    assert_int_equal(view.member(1).lb_mult, 2);
    assert_int_equal(view.member(1).busy_limit, 7);
    assert_int_equal(view.member(0).lb_value, 0);
    assert_true(balancer::member_activation(view.member(1)) == balancer::RuntimeActivation::disabled);
    assert_true(balancer::to_string(balancer::member_activation(view.member(1))) == "DIS");
    assert_false(balancer::attach_lb_state(bytes, 3).valid());  // another lb's shape
    assert_int_equal(words[need / 8], ~0ULL);                   // nothing written past the state

    // Trivially copyable: a byte copy is a faithful snapshot.
    std::vector<std::uint64_t> copy(words);
    const balancer::LbStateView copied = balancer::attach_lb_state(std::as_writable_bytes(std::span(copy)), 2);
    assert_true(copied.valid());
    assert_int_equal(copied.member(1).lbfactor, 3);
}

// Two "processes": each has its own view of the same bytes, as with shared memory.
void test_two_processes_share_health(void**) {
    Setup s({{"a"}, {"b"}, {"c"}});
    StateBuffer b(s);
    const balancer::LbStateView first = b.view;
    const balancer::LbStateView second = balancer::attach_lb_state(b.bytes(), 3);
    assert_true(second.valid());
    balancer::begin_request(first, 1);
    balancer::end_request(s.lb, first, 1, Outcome::connect_failed, {}, at_seconds(0));
    for (int k = 0; k < 1000; ++k) {
        balancer::RequestContext request;
        const balancer::Selection sel = balancer::select_member(s.lb, second, request);
        assert_true(sel.member.has_value());
        assert_int_not_equal(*sel.member, 1);
    }
    assert_int_equal(first.member(0).elected + first.member(2).elected, 1000);
    assert_true(balancer::display_state(second.member(1)) == "ERR");
}

void test_recovery_follows_the_clock(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(0));
    assert_true(attempt(s, b, 0, Outcome::connect_failed, 10) == HealthChange::marked_error);
    // a second failure of a member already in error changes nothing worth reporting
    assert_true(attempt(s, b, 0, Outcome::connect_failed, 11) == HealthChange::none);
    for (int k = 0; k < 20; ++k) assert_int_equal(pick_fresh(s, b), 1);
    // Maintenance at 60 s: only 50 s in error.
    balancer::MaintainReport report = balancer::maintain(s.lb, b.view, kMaintain, at_seconds(60));
    assert_true(report.ran);
    assert_int_equal(report.to_recovering, 0);
    assert_true(state_of(b, 0) == MemberState::error);
    // Maintenance at 120 s: 110 s > recover_time: ERR/REC, still no new sessions.
    report = balancer::maintain(s.lb, b.view, kMaintain, at_seconds(120));
    assert_int_equal(report.to_recovering, 1);
    assert_true(state_of(b, 0) == MemberState::recovering);
    assert_true(balancer::display_state(b.view.member(0)) == "ERR/REC");
    for (int k = 0; k < 20; ++k) assert_int_equal(pick_fresh(s, b), 1);
    // A sticky request may try it.
    balancer::RequestContext sticky = request_with_cookie("JSESSIONID=s.a");
    assert_int_equal(*balancer::select_member(s.lb, b.view, sticky).member, 0);
    // The probe: one claimer only; success puts it back at the highest load.
    assert_true(balancer::claim_probe(b.view, 0, at_seconds(121)));
    assert_false(balancer::claim_probe(b.view, 0, at_seconds(121)));
    assert_true(balancer::display_state(b.view.member(0)) == "ERR/PRB");
    const std::uint64_t highest = b.view.member(1).lb_value;
    assert_true(highest > 0);
    assert_true(balancer::probe_result(b.view, 0, true, at_seconds(122)) == HealthChange::recovered);
    assert_true(state_of(b, 0) == MemberState::ok);
    assert_int_equal(b.view.member(0).lb_value, highest);
    assert_true(balancer::probe_result(b.view, 0, true, at_seconds(122)) == HealthChange::none);  // stale
    // Not flooded: the next picks alternate.
    int to_a = 0;
    for (int k = 0; k < 10; ++k) to_a += pick_fresh(s, b) == 0 ? 1 : 0;
    assert_int_equal(to_a, 5);
}

void test_failed_probe_waits_again(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    attempt(s, b, 0, Outcome::cping_failed, 0);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(61));
    assert_true(balancer::claim_probe(b.view, 0, at_seconds(61)));
    assert_true(balancer::probe_result(b.view, 0, false, at_seconds(62)) == HealthChange::marked_error);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(122));  // 60 s after the failed probe
    assert_true(state_of(b, 0) == MemberState::error);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(183));
    assert_true(state_of(b, 0) == MemberState::recovering);
    // A prober that never reports: the claim expires after recover_time.
    assert_true(balancer::claim_probe(b.view, 0, at_seconds(183)));
    balancer::MaintainReport report = balancer::maintain(s.lb, b.view, kMaintain, at_seconds(244));
    assert_int_equal(report.probes_expired, 1);
    assert_true(state_of(b, 0) == MemberState::recovering);
    assert_false(balancer::claim_probe(b.view, 1, at_seconds(244)));  // b is OK: nothing to probe
}

// Failures injected at random into a simulation: a member in error is never picked.
void test_error_member_never_picked(void**) {
    Setup s({{"a"}, {"b", 2}, {"c", 3}});
    StateBuffer b(s);
    std::uint32_t random = 7;
    long long now = 0;
    for (int k = 0; k < 10000; ++k) {
        random = random * 1103515245u + 12345u;
        now += 1;
        balancer::RequestContext request;
        const balancer::Selection sel = balancer::select_member(s.lb, b.view, request);
        if (!sel.member) fail_msg("request %d found no member", k);
        const MemberState before = state_of(b, *sel.member);
        // ERR/FRC members stay usable until their next outcome; ERR, ERR/REC, ERR/PRB never are.
        if (before != MemberState::ok && before != MemberState::forced) {
            fail_msg("request %d picked member %zu in state %d", k, *sel.member, static_cast<int>(before));
        }
        const Outcome outcome = (random >> 16) % 50 == 0 ? Outcome::connect_failed : Outcome::success;
        attempt(s, b, *sel.member, outcome, now);
        balancer::maintain(s.lb, b.view, kMaintain, at_seconds(now));
        for (std::size_t i = 0; i < 3; ++i) {
            if (state_of(b, i) == MemberState::recovering && balancer::claim_probe(b.view, i, at_seconds(now))) {
                balancer::probe_result(b.view, i, true, at_seconds(now));
            }
        }
    }
    for (std::size_t i = 0; i < 3; ++i) {  // every member failed, recovered and served
        assert_true(b.view.member(i).errors > 10);
        assert_true(b.view.member(i).elected > 1000);
    }
}

void test_reply_timeouts(void**) {
    Setup s({{"a"}, {"b"}});
    s.lb.max_reply_timeouts = 2;
    StateBuffer b(s);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(0));
    assert_true(attempt(s, b, 0, Outcome::reply_timeout, 1) == HealthChange::none);
    assert_true(attempt(s, b, 0, Outcome::reply_timeout, 2) == HealthChange::none);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(61));  // halved: 2 -> 1
    assert_int_equal(b.view.member(0).reply_timeouts, 1);
    assert_true(attempt(s, b, 0, Outcome::reply_timeout, 62) == HealthChange::none);
    assert_true(state_of(b, 0) == MemberState::ok);
    assert_true(attempt(s, b, 0, Outcome::reply_timeout, 63) == HealthChange::marked_error);  // 3 > 2
    assert_int_equal(b.view.member(0).reply_timeouts_total, 4);
    // Default 0: the first reply timeout marks the member.
    s.lb.max_reply_timeouts = 0;
    assert_true(attempt(s, b, 1, Outcome::reply_timeout, 64) == HealthChange::marked_error);
}

void test_local_error_escalation(void**) {
    Setup s({{"a"}, {"b"}});  // error_escalation_time 30 s
    StateBuffer b(s);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(0));
    balancer::begin_request(b.view, 0);  // another request keeps running on a
    assert_true(attempt(s, b, 0, Outcome::closed, 10) == HealthChange::local_error);
    assert_true(state_of(b, 0) == MemberState::ok);
    assert_true(attempt(s, b, 0, Outcome::protocol_error, 20) == HealthChange::local_error);
    // No success within 30 s of the first error: the next failure escalates...
    assert_true(attempt(s, b, 0, Outcome::closed, 41) == HealthChange::marked_error);
    // ...and so does maintenance.
    balancer::begin_request(b.view, 1);
    assert_true(attempt(s, b, 1, Outcome::closed, 42) == HealthChange::local_error);
    balancer::MaintainReport report = balancer::maintain(s.lb, b.view, kMaintain, at_seconds(61));
    assert_int_equal(report.escalated, 0);  // 19 s: not yet
    report = balancer::maintain(s.lb, b.view, kMaintain, at_seconds(122));
    assert_int_equal(report.escalated, 1);
    assert_true(state_of(b, 1) == MemberState::error);
    // A success in between clears a local error.
    Setup t({{"a"}, {"b"}});
    StateBuffer c(t);
    balancer::begin_request(c.view, 0);
    assert_true(attempt(t, c, 0, Outcome::closed, 0) == HealthChange::local_error);
    assert_true(attempt(t, c, 0, Outcome::success, 1) == HealthChange::recovered);
    assert_int_equal(c.view.member(0).error_time, 0);
    // Nothing else running, or escalation time 0: an error at once.
    balancer::end_request(t.lb, c.view, 0, Outcome::success, {}, at_seconds(2));
    assert_true(attempt(t, c, 0, Outcome::closed, 3) == HealthChange::marked_error);
    t.lb.error_escalation_time = std::chrono::seconds(0);
    balancer::begin_request(c.view, 1);
    assert_true(attempt(t, c, 1, Outcome::protocol_error, 4) == HealthChange::marked_error);
}

void test_outcomes_that_never_mark(void**) {
    Setup s({{"a"}});
    StateBuffer b(s);
    assert_true(attempt(s, b, 0, Outcome::client_error, 0) == HealthChange::none);
    assert_true(attempt(s, b, 0, Outcome::status_fail_request, 0) == HealthChange::none);
    assert_true(state_of(b, 0) == MemberState::ok);
    assert_int_equal(b.view.member(0).client_errors, 1);
    assert_int_equal(b.view.member(0).errors, 0);
    assert_int_equal(b.view.member(0).busy, 0);
    assert_true(attempt(s, b, 0, Outcome::status_fail_member, 0) == HealthChange::marked_error);
    balancer::end_request(s.lb, b.view, 0, Outcome::success, {5, 7}, at_seconds(1));  // unpaired end
    assert_int_equal(b.view.member(0).busy, 0);
    assert_int_equal(b.view.member(0).bytes_read, 5);
    assert_int_equal(b.view.member(0).bytes_written, 7);
}

void test_fail_on_status(void**) {
    const int codes[] = {500, -503, 404};
    struct Case { int status; balancer::StatusVerdict verdict; };
    const Case cases[] = {
        {500, balancer::StatusVerdict::fail_member}, {503, balancer::StatusVerdict::fail_request},
        {404, balancer::StatusVerdict::fail_member}, {200, balancer::StatusVerdict::pass},
        {-500, balancer::StatusVerdict::fail_request}, {502, balancer::StatusVerdict::pass},
    };
    for (const Case& c : cases) {
        if (balancer::classify_status(codes, c.status) != c.verdict) fail_msg("status %d", c.status);
    }
    assert_true(balancer::classify_status({}, 500) == balancer::StatusVerdict::pass);
}

void test_decay(void**) {
    struct Case { config::LbMethod method; std::uint64_t a, b; long long after; std::uint64_t a2, b2; };
    const Case cases[] = {
        {config::LbMethod::requests, 8, 4, 61, 4, 2},
        {config::LbMethod::requests, 8, 4, 130, 2, 1},   // two intervals: halved twice
        {config::LbMethod::traffic, 1000, 3, 61, 500, 1},
        {config::LbMethod::sessions, 8, 5, 200, 1, 0},
        {config::LbMethod::next, 8, 5, 61, 3, 0},        // Next: the minimum is subtracted
        {config::LbMethod::requests, 8, 4, 30, 8, 4},    // within the interval: nothing
    };
    for (const Case& c : cases) {
        Setup s({{"a"}, {"b"}}, c.method);
        StateBuffer b(s);
        balancer::maintain(s.lb, b.view, kMaintain, at_seconds(0));
        b.view.member(0).lb_value = c.a;
        b.view.member(1).lb_value = c.b;
        const balancer::MaintainReport report = balancer::maintain(s.lb, b.view, kMaintain, at_seconds(c.after));
        assert_int_equal(report.ran, c.after >= 60);
        if (b.view.member(0).lb_value != c.a2 || b.view.member(1).lb_value != c.b2) {
            fail_msg("method %d after %lld s: %llu %llu", static_cast<int>(c.method), c.after,
                     static_cast<unsigned long long>(b.view.member(0).lb_value),
                     static_cast<unsigned long long>(b.view.member(1).lb_value));
        }
    }
}

void test_forced_member_recovers_on_success(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    attempt(s, b, 0, Outcome::connect_failed, 0);
    attempt(s, b, 1, Outcome::connect_failed, 0);
    balancer::RequestContext request;
    const balancer::Selection sel = balancer::select_member(s.lb, b.view, request);
    assert_true(sel.reason == balancer::PickReason::forced_recovery);
    assert_true(attempt(s, b, *sel.member, Outcome::success, 1) == HealthChange::recovered);
    assert_true(state_of(b, *sel.member) == MemberState::ok);
    assert_true(balancer::display_state(b.view.member(1 - *sel.member)) == "ERR/FRC");
    // OK/IDLE: no pick since the last maintenance.
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(2));
    assert_true(balancer::display_state(b.view.member(*sel.member)) == "OK/IDLE");
}

void test_snapshot(void**) {
    Setup s({{"a", 2}, {"b", 1, 0, "", "", config::Activation::disabled, 4}});
    StateBuffer b(s);
    balancer::RequestContext request;
    const std::size_t m = *balancer::select_member(s.lb, b.view, request).member;
    assert_int_equal(m, 0);
    balancer::begin_request(b.view, 0);
    balancer::begin_request(b.view, 0);
    balancer::end_request(s.lb, b.view, 0, Outcome::closed, {10, 2000}, at_seconds(5));
    const balancer::MemberSnapshot a = balancer::snapshot_member(b.view, 0);
    assert_true(a.state == MemberState::ok);
    assert_true(a.state_name == "OK");
    assert_true(a.activation_name == "ACT");
    assert_int_equal(a.elected, 1);
    assert_int_equal(a.sessions, 1);
    assert_int_equal(a.lb_value, 1);
    assert_int_equal(a.lb_mult, 1);
    assert_int_equal(a.bytes_read, 10);
    assert_int_equal(a.bytes_written, 2000);
    assert_int_equal(a.errors, 1);
    assert_int_equal(a.busy, 1);
    assert_int_equal(a.max_busy, 2);
    assert_int_equal(a.lbfactor, 2);
    assert_int_equal(a.error_time.count(), at_seconds(5).count());
    const balancer::MemberSnapshot d = balancer::snapshot_member(b.view, 1);
    assert_true(d.activation_name == "DIS");
    assert_int_equal(d.busy_limit, 4);
    assert_int_equal(d.lb_mult, 2);
    const balancer::MemberSnapshot none = balancer::snapshot_member(b.view, 2);
    assert_int_equal(none.elected, 0);
    assert_true(none.state_name.empty());
}

// The seed's setup: was1 and was2, a session on was1, was1 killed, then restarted.
void test_seed_failover_story(void**) {
    Setup s({{"was1"}, {"was2"}});
    s.lb.retries = 2;
    s.lb.lb_retries = 2;
    StateBuffer b(s);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(0));
    balancer::RequestContext first = request_with_cookie("JSESSIONID=ABC.was1");
    assert_int_equal(pick(s, b, first), 0);
    // kill -9 was1: the next request's attempt on was1 is refused, and the same request
    // goes on to was2 at once.
    balancer::RequestContext request = request_with_cookie("JSESSIONID=ABC.was1");
    balancer::AttemptBudget budget(s.lb);
    assert_int_equal(pick(s, b, request), 0);
    assert_true(attempt(s, b, 0, Outcome::connect_failed, 1) == HealthChange::marked_error);
    assert_true(budget.after_failure(request) == balancer::RetryStep::retry_now);
    const balancer::Selection failover = balancer::select_member(s.lb, b.view, request);
    assert_int_equal(*failover.member, 1);
    assert_false(failover.followed_session);  // the module re-issues the route (set_session_cookie)
    assert_true(attempt(s, b, 1, Outcome::success, 1) == HealthChange::none);
    // Tomcat's JvmRouteBinderValve rewrote the cookie: the session now sticks to was2,
    // and old cookies for was1 go to was2 as well.
    for (int k = 0; k < 50; ++k) {
        balancer::RequestContext rebound = request_with_cookie("JSESSIONID=ABC.was2");
        assert_int_equal(pick(s, b, rebound), 1);
        balancer::RequestContext stale = request_with_cookie("JSESSIONID=ABC.was1");
        assert_int_equal(pick(s, b, stale), 1);
        assert_int_equal(pick_fresh(s, b), 1);
    }
    // was1 restarts; after recover_time a probe answers and it takes new sessions again.
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(62));
    assert_true(balancer::claim_probe(b.view, 0, at_seconds(62)));
    balancer::probe_result(b.view, 0, true, at_seconds(62));
    int to_was1 = 0;
    for (int k = 0; k < 100; ++k) to_was1 += pick_fresh(s, b) == 0 ? 1 : 0;
    assert_int_equal(to_was1, 50);
}

// Four threads select and report at once on one state: counters add up and busy returns to 0.
void test_concurrent_updates(void**) {
    Setup s({{"a"}, {"b", 2}, {"c", 3}});
    StateBuffer b(s);
    constexpr int kThreads = 4;
    constexpr int kPerThread = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&s, &b] {
            for (int k = 0; k < kPerThread; ++k) {
                balancer::RequestContext request;
                const balancer::Selection sel = balancer::select_member(s.lb, b.view, request);
                if (!sel.member) continue;
                balancer::begin_request(b.view, *sel.member);
                balancer::end_request(s.lb, b.view, *sel.member, Outcome::success, {1, 2}, at_seconds(0));
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    std::uint64_t elected = 0;
    std::uint64_t written = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        assert_int_equal(b.view.member(i).busy, 0);
        elected += b.view.member(i).elected;
        written += b.view.member(i).bytes_written;
    }
    assert_int_equal(elected, kThreads * kPerThread);
    assert_int_equal(written, 2 * kThreads * kPerThread);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_and_placement),
        cmocka_unit_test(test_two_processes_share_health),
        cmocka_unit_test(test_recovery_follows_the_clock),
        cmocka_unit_test(test_failed_probe_waits_again),
        cmocka_unit_test(test_error_member_never_picked),
        cmocka_unit_test(test_reply_timeouts),
        cmocka_unit_test(test_local_error_escalation),
        cmocka_unit_test(test_outcomes_that_never_mark),
        cmocka_unit_test(test_fail_on_status),
        cmocka_unit_test(test_decay),
        cmocka_unit_test(test_forced_member_recovers_on_success),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_seed_failover_story),
        cmocka_unit_test(test_concurrent_updates),
    };
    return cmocka_run_group_tests_name("balancer_health", tests, nullptr, nullptr);
}
