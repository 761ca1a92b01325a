// lib/balancer member choice: sticky routes, failover order (redirect, domain, distance),
// activation, sticky_session_force, JK_ROUTE / sticky_ignore, forced recovery, attempt budget.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "balancer/retry.hpp"
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
using balancer::PickReason;
using balancer::RequestContext;
using balancer::select_member;
using config::LbMethod;

namespace {

void test_sticky_follows_route(void**) {
    Setup s({{"n1"}, {"n2", 3}, {"n3", 1, 0, "dc9"}});
    StateBuffer b(s);
    struct Case { const char* cookie; const char* uri; std::size_t member; PickReason reason; };
    const Case cases[] = {
        {"JSESSIONID=ABC.n2", "/app", 1, PickReason::sticky},
        {"x=1; JSESSIONID=\"ABC.n1\"", "/app", 0, PickReason::sticky},
        {"JSESSIONID=ABC.zz; JSESSIONID=DEF.n3", "/app", 2, PickReason::sticky},  // unknown route: next cookie
        {"JSESSIONID=ABC.n1", "/app;jsessionid=DEF.n2", 1, PickReason::sticky},   // path parameter first
        {"JSESSIONID=ABC", "/app;jsessionid=DEF.n3?x", 2, PickReason::sticky},
        {"JSESSIONID=ABC.dc9", "/app", 2, PickReason::domain},                   // route names a domain
    };
    for (const Case& c : cases) {
        for (int k = 0; k < 500; ++k) {
            RequestContext request;
            const std::string_view headers[] = {c.cookie};
            request.sessions = balancer::find_session_ids(c.uri, headers, {});
            const balancer::Selection sel = select_member(s.lb, b.view, request);
            if (!sel || *sel.member != c.member || sel.reason != c.reason || !sel.followed_session) {
                fail_msg("%s %s: got member %zu", c.cookie, c.uri, sel ? *sel.member : 99);
            }
        }
    }
}

void mark_error(const Setup& s, const StateBuffer& b, std::size_t member) {
    balancer::begin_request(b.view, member);
    balancer::end_request(s.lb, b.view, member, balancer::Outcome::connect_failed, {}, at_seconds(0));
}

// a (domain d1, redirect c), b (d1), c (disabled hot standby, d2), e (d2, distance 1).
void test_failover_order(void**) {
    Setup s({{"a", 1, 0, "d1", "c"}, {"b", 1, 0, "d1"}, {"c", 1, 0, "d2", "", config::Activation::disabled},
             {"e", 1, 1, "d2"}});
    StateBuffer b(s);
    struct Step { std::size_t fail; std::size_t member; PickReason reason; };
    // Each step marks one more member in error and looks where the session of "a" goes.
    const Step steps[] = {
        {0, 2, PickReason::redirect},   // a down: its redirect, even though disabled
        {2, 1, PickReason::domain},     // c down too: a's domain d1
        {1, 3, PickReason::by_method},  // b down: the rest; e is the only active one left
    };
    for (const Step& step : steps) {
        mark_error(s, b, step.fail);
        RequestContext request = request_with_cookie("JSESSIONID=x.a");
        const balancer::Selection sel = select_member(s.lb, b.view, request);
        assert_true(sel.member.has_value());
        assert_int_equal(*sel.member, step.member);
        assert_int_equal(static_cast<int>(sel.reason), static_cast<int>(step.reason));
    }
}

void test_failover_within_request(void**) {
    Setup s({{"a", 1, 0, "d1", "c"}, {"b", 1, 0, "d1"}, {"c", 1, 0, "d2"}, {"f", 1, 0, ""}, {"g", 1, 1, ""}});
    StateBuffer b(s);
    // The request's attempts fail in turn: the tried set drives the order.
    RequestContext request = request_with_cookie("JSESSIONID=x.a");
    const std::size_t expected[] = {0, 2, 1};
    for (const std::size_t m : expected) assert_int_equal(pick(s, b, request), m);
    assert_int_equal(pick(s, b, request), 3);  // by method, distance 0 before g
    assert_int_equal(pick(s, b, request), 4);
    assert_false(select_member(s.lb, b.view, request).member.has_value());  // everyone tried: nothing forced either
    assert_true(request.recovery_forced);
    // Without a redirect, b's session goes to its domain first.
    RequestContext other = request_with_cookie("JSESSIONID=x.b");
    assert_int_equal(pick(s, b, other), 1);
    assert_int_equal(pick(s, b, other), 0);
}

void test_distance(void**) {
    Setup s({{"a", 1, 1}, {"b", 1, 0}, {"c", 5, 2}, {"d", 1, 0}});
    StateBuffer b(s);
    for (int k = 0; k < 200; ++k) {
        const std::size_t m = pick_fresh(s, b);
        assert_true(m == 1 || m == 3);
    }
    mark_error(s, b, 1);
    mark_error(s, b, 3);
    for (int k = 0; k < 50; ++k) assert_int_equal(pick_fresh(s, b), 0);
    mark_error(s, b, 0);
    for (int k = 0; k < 50; ++k) assert_int_equal(pick_fresh(s, b), 2);
}

void test_activation(void**) {
    Setup s({{"a"},
             {"d", 1, 0, "", "", config::Activation::disabled},
             {"s", 1, 0, "", "", config::Activation::stopped}});
    StateBuffer b(s);
    for (int k = 0; k < 100; ++k) assert_int_equal(pick_fresh(s, b), 0);
    RequestContext to_disabled = request_with_cookie("JSESSIONID=x.d");
    assert_int_equal(pick(s, b, to_disabled), 1);  // Disabled still serves its sessions
    RequestContext to_stopped = request_with_cookie("JSESSIONID=x.s");
    const balancer::Selection sel = select_member(s.lb, b.view, to_stopped);
    assert_int_equal(*sel.member, 0);  // Stopped serves nothing: failover
    assert_false(sel.followed_session);
    // Runtime activation (status worker) and per-mount overrides.
    balancer::set_member_activation(b.view.member(0), balancer::RuntimeActivation::stopped);
    RequestContext nobody;
    assert_false(select_member(s.lb, b.view, nobody).member.has_value());
    const balancer::ActivationOverride overrides[] = {balancer::ActivationOverride::none,
                                                      balancer::ActivationOverride::active,
                                                      balancer::ActivationOverride::none};
    RequestContext mounted;
    mounted.activation_overrides = overrides;
    assert_int_equal(pick(s, b, mounted), 1);
    const balancer::ActivationOverride stop_d[] = {balancer::ActivationOverride::active,
                                                   balancer::ActivationOverride::stopped};
    RequestContext sticky_d = request_with_cookie("JSESSIONID=x.d");
    sticky_d.activation_overrides = stop_d;
    assert_int_equal(pick(s, b, sticky_d), 0);
    assert_int_equal(*balancer::member_by_worker_name(s.lb, s.ajp13, "w_d"), 1);
    assert_false(balancer::member_by_worker_name(s.lb, s.ajp13, "w_x").has_value());
}

void test_sticky_session_force(void**) {
    Setup s({{"a", 1, 0, "", "c"}, {"b"}, {"c"}});
    s.lb.sticky_session_force = true;
    StateBuffer b(s);
    mark_error(s, b, 0);
    RequestContext request = request_with_cookie("JSESSIONID=x.a");
    assert_int_equal(pick(s, b, request), 2);  // redirect keeps the session: allowed
    mark_error(s, b, 2);
    RequestContext again = request_with_cookie("JSESSIONID=x.a");
    const balancer::Selection sel = select_member(s.lb, b.view, again);
    assert_false(sel.member.has_value());
    assert_int_equal(static_cast<int>(sel.error), static_cast<int>(balancer::SelectError::sticky_forced));
    assert_int_equal(sel.forced_members, 0);
    assert_int_equal(pick_fresh(s, b), 1);  // no session: served as usual
    s.lb.sticky_session_force = false;
    RequestContext relaxed = request_with_cookie("JSESSIONID=x.a");
    assert_int_equal(pick(s, b, relaxed), 1);
}

void test_overrides_of_stickiness(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    std::vector<int> counts(2, 0);
    for (int k = 0; k < 100; ++k) {
        RequestContext ignored = request_with_cookie("JSESSIONID=x.b");
        ignored.sticky_ignore = true;
        ++counts[pick(s, b, ignored)];
    }
    assert_int_equal(counts[0], 50);
    RequestContext routed;
    routed.forced_route = "a";  // JK_ROUTE wins over the cookie and over sticky_session=false
    s.lb.sticky_session = false;
    routed.sessions = request_with_cookie("JSESSIONID=x.b").sessions;
    for (int k = 0; k < 10; ++k) {
        RequestContext r = routed;
        assert_int_equal(pick(s, b, r), 0);
    }
    StateBuffer fresh(s);
    counts.assign(2, 0);
    for (int k = 0; k < 100; ++k) {
        RequestContext not_sticky = request_with_cookie("JSESSIONID=x.b");
        ++counts[pick(s, fresh, not_sticky)];
    }
    assert_int_equal(counts[1], 50);
}

void test_forced_recovery(void**) {
    Setup s({{"a"}, {"b"}, {"c", 1, 0, "", "", config::Activation::stopped}});
    StateBuffer b(s);
    mark_error(s, b, 0);
    mark_error(s, b, 1);
    mark_error(s, b, 2);  // stopped: not forced
    RequestContext request;
    const balancer::Selection sel = select_member(s.lb, b.view, request);
    assert_true(sel.member.has_value());
    assert_int_equal(static_cast<int>(sel.reason), static_cast<int>(PickReason::forced_recovery));
    assert_int_equal(sel.forced_members, 2);
    assert_true(request.recovery_forced);
    assert_true(balancer::member_state(b.view.member(*sel.member)) == balancer::MemberState::forced);
    mark_error(s, b, *sel.member);
    const balancer::Selection next = select_member(s.lb, b.view, request);
    assert_true(next.member.has_value());  // the other forced member, no second forcing
    assert_int_equal(next.forced_members, 0);
    mark_error(s, b, *next.member);
    const balancer::Selection none = select_member(s.lb, b.view, request);
    assert_false(none.member.has_value());
    assert_int_equal(static_cast<int>(none.error), static_cast<int>(balancer::SelectError::none_usable));
    assert_true(balancer::member_state(b.view.member(2)) == balancer::MemberState::error);
}

void test_busy_limit_and_lbfactor_change(void**) {
    Setup s({{"a", 1, 0, "", "", config::Activation::active, 2}, {"b"}});
    StateBuffer b(s);
    balancer::begin_request(b.view, 0);
    balancer::begin_request(b.view, 0);
    for (int k = 0; k < 20; ++k) assert_int_equal(pick_fresh(s, b), 1);
    assert_true(balancer::display_state(b.view.member(0)) == "OK/BUSY");
    RequestContext sticky = request_with_cookie("JSESSIONID=x.a");
    assert_int_equal(pick(s, b, sticky), 1);  // full: even its sessions fail over
    assert_true(balancer::set_member_lbfactor(b.view, 1, 4));
    assert_false(balancer::set_member_lbfactor(b.view, 1, 0));
    assert_false(balancer::set_member_lbfactor(b.view, 9, 1));
    assert_int_equal(b.view.member(0).lb_mult, 4);
    assert_int_equal(b.view.member(1).lb_mult, 1);
}

void test_retry_budget(void**) {
    using balancer::RetryStep;
    struct Case { int members, retries, lb_retries; int rounds, per_round; int attempts; };
    const Case cases[] = {
        {4, 2, 2, 2, 2, 4}, {3, 2, 5, 2, 3, 6}, {4, 0, 0, 1, 1, 1}, {2, 3, 1, 3, 1, 3}, {1, 2, 2, 2, 1, 2},
    };
    for (const Case& c : cases) {
        std::vector<MemberSpec> specs;
        for (int i = 0; i < c.members; ++i) specs.push_back({"m" + std::to_string(i)});
        Setup s(specs);
        s.lb.retries = c.retries;
        s.lb.lb_retries = c.lb_retries;
        s.lb.retry_interval = std::chrono::milliseconds(100);
        StateBuffer b(s);
        balancer::AttemptBudget budget(s.lb);
        assert_int_equal(budget.rounds(), c.rounds);
        assert_int_equal(budget.per_round(), c.per_round);
        // Every attempt fails (connection refused): count them, members distinct per round.
        RequestContext request;
        int attempts = 0;
        int sleeps = 0;
        balancer::MemberSet this_round;
        for (;;) {
            const balancer::Selection sel = select_member(s.lb, b.view, request);
            if (!sel.member) fail_msg("%d members: nothing selected after %d attempts", c.members, attempts);
            if (this_round.contains(*sel.member)) fail_msg("member %zu tried twice in a round", *sel.member);
            this_round.insert(*sel.member);
            ++attempts;
            balancer::begin_request(b.view, *sel.member);
            balancer::end_request(s.lb, b.view, *sel.member, balancer::Outcome::connect_failed, {}, at_seconds(0));
            const RetryStep step = budget.after_failure(request);
            if (step == RetryStep::give_up) break;
            if (step == RetryStep::retry_after_interval) {
                ++sleeps;
                this_round = {};
                assert_int_equal(request.tried.size(), 0);
            }
        }
        assert_int_equal(attempts, c.attempts);
        assert_int_equal(sleeps, c.rounds - 1);
        assert_int_equal(budget.retry_interval().count(), 100);
    }
    // A selection that finds nothing ends the round at once.
    Setup s({{"a"}, {"b"}});
    s.lb.retries = 2;
    s.lb.lb_retries = 2;
    balancer::AttemptBudget budget(s.lb);
    RequestContext request;
    request.tried.insert(0);
    assert_true(budget.after_failure(request, true) == RetryStep::retry_after_interval);
    assert_false(request.tried.contains(0));
    assert_true(budget.after_failure(request, true) == RetryStep::give_up);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sticky_follows_route),
        cmocka_unit_test(test_failover_order),
        cmocka_unit_test(test_failover_within_request),
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_activation),
        cmocka_unit_test(test_sticky_session_force),
        cmocka_unit_test(test_overrides_of_stickiness),
        cmocka_unit_test(test_forced_recovery),
        cmocka_unit_test(test_busy_limit_and_lbfactor_change),
        cmocka_unit_test(test_retry_budget),
    };
    return cmocka_run_group_tests_name("balancer_select", tests, nullptr, nullptr);
}
