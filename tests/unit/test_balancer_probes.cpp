// lib/balancer recovery probes as the background prober drives them: which members are due
// each tick, one claimer across processes, the status worker's "recover", and members whose
// host name did not resolve.
#include <vector>

#include "balancer/lb_admin.hpp"
#include "test_balancer_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace balancer_test;
using balancer::HealthChange;
using balancer::MemberState;
using balancer::Outcome;

namespace {

constexpr auto kMaintain = std::chrono::seconds(60);

void fail_member(const Setup& s, const StateBuffer& b, std::size_t member, long long second) {
    balancer::begin_request(b.view, member);
    balancer::end_request(s.lb, b.view, member, Outcome::connect_failed, {}, at_seconds(second));
}

void test_nothing_due_while_healthy_or_in_error(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    assert_true(balancer::claim_due_probes(b.view, at_seconds(1)).empty());
    fail_member(s, b, 0, 2);
    // In ERR until recover_time passes: ticks find nothing to probe.
    for (long long t = 3; t < 60; ++t) {
        balancer::maintain(s.lb, b.view, kMaintain, at_seconds(t));
        assert_true(balancer::claim_due_probes(b.view, at_seconds(t)).empty());
    }
}

void test_recovering_member_claimed_once_across_processes(void**) {
    Setup s({{"a"}, {"b"}, {"c"}});
    StateBuffer b(s);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(0));
    fail_member(s, b, 0, 1);
    fail_member(s, b, 2, 1);
    // Another process ran this maintenance; this one's tick still finds both due.
    assert_int_equal(balancer::maintain(s.lb, b.view, kMaintain, at_seconds(62)).to_recovering, 2);
    const auto mine = balancer::claim_due_probes(b.view, at_seconds(62));
    assert_int_equal(mine.size(), 2);
    assert_int_equal(mine[0], 0);
    assert_int_equal(mine[1], 2);
    assert_true(state_of(b, 0) == MemberState::probing);
    // A second prober (another child) gets nothing: each member is probed once.
    assert_true(balancer::claim_due_probes(b.view, at_seconds(62)).empty());
    assert_true(balancer::probe_result(b.view, 0, true, at_seconds(63)) == HealthChange::recovered);
    assert_true(balancer::probe_result(b.view, 2, false, at_seconds(63)) == HealthChange::marked_error);
    assert_true(state_of(b, 0) == MemberState::ok);
    assert_true(state_of(b, 2) == MemberState::error);
    assert_true(balancer::claim_due_probes(b.view, at_seconds(64)).empty());
}

void test_status_recover_is_due_at_the_next_tick(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    balancer::maintain(s.lb, b.view, kMaintain, at_seconds(0));
    fail_member(s, b, 1, 5);
    // No maintenance runs before recover_time; "recover" does not wait for one.
    assert_true(balancer::mark_for_recovery(s.lb, b.view, 1));
    const auto due = balancer::claim_due_probes(b.view, at_seconds(6));
    assert_int_equal(due.size(), 1);
    assert_int_equal(due[0], 1);
    assert_false(balancer::take_probe_request(b.view));  // the request was answered by that tick
    assert_true(balancer::probe_result(b.view, 1, true, at_seconds(6)) == HealthChange::recovered);
}

void test_unresolved_member_is_in_error_until_recovered(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    assert_true(balancer::mark_unreachable(b.view, 0, at_seconds(0)) == HealthChange::marked_error);
    assert_true(balancer::mark_unreachable(b.view, 0, at_seconds(0)) == HealthChange::none);  // second child
    assert_int_equal(b.view.member(0).errors, 2);
    for (int k = 0; k < 10; ++k) {
        balancer::RequestContext fresh;
        assert_int_equal(*balancer::select_member(s.lb, b.view, fresh).member, 1);
    }
    // The name resolves at 7 s: recovery right away, the probe brings it back.
    assert_true(balancer::mark_for_recovery(s.lb, b.view, 0));
    const auto due = balancer::claim_due_probes(b.view, at_seconds(7));
    assert_int_equal(due.size(), 1);
    assert_true(balancer::probe_result(b.view, 0, true, at_seconds(7)) == HealthChange::recovered);
    assert_true(state_of(b, 0) == MemberState::ok);
    assert_true(balancer::mark_unreachable(b.view, 5, at_seconds(8)) == HealthChange::none);  // no such member
}

void test_slow_probe_keeps_its_claim(void**) {
    Setup s({{"a"}, {"b"}});
    s.lb.recover_time = 1s;  // shorter than a probe into a hung node may take
    StateBuffer b(s);
    constexpr auto probe_timeout = std::chrono::milliseconds(21000);
    constexpr auto interval = std::chrono::seconds(1);
    balancer::maintain(s.lb, b.view, interval, at_seconds(0), probe_timeout);
    fail_member(s, b, 0, 0);
    balancer::maintain(s.lb, b.view, interval, at_seconds(2), probe_timeout);
    assert_int_equal(balancer::claim_due_probes(b.view, at_seconds(2)).size(), 1);
    // Every second's maintenance leaves the claim alone while the probe may still answer.
    for (long long t = 3; t <= 23; ++t) {
        assert_int_equal(balancer::maintain(s.lb, b.view, interval, at_seconds(t), probe_timeout).probes_expired, 0);
        assert_true(balancer::claim_due_probes(b.view, at_seconds(t)).empty());
    }
    // Past it, the prober is taken for dead: another one may probe.
    assert_int_equal(balancer::maintain(s.lb, b.view, interval, at_seconds(24), probe_timeout).probes_expired, 1);
    assert_int_equal(balancer::claim_due_probes(b.view, at_seconds(24)).size(), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_due_while_healthy_or_in_error),
        cmocka_unit_test(test_recovering_member_claimed_once_across_processes),
        cmocka_unit_test(test_status_recover_is_due_at_the_next_tick),
        cmocka_unit_test(test_unresolved_member_is_in_error_until_recovered),
        cmocka_unit_test(test_slow_probe_keeps_its_claim),
    };
    return cmocka_run_group_tests_name("balancer_probes", tests, nullptr, nullptr);
}
