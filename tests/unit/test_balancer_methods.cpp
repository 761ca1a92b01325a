// lib/balancer lb methods as simulations: 10,000 picks follow the lbfactors within 1% for
// Request, Session, Next, Traffic (bytes) and Busyness (busy pattern); ties rotate; weights.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

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

constexpr int kPicks = 10000;
const std::vector<int> kRatios[] = {{1, 1}, {3, 1}, {1, 2, 5}};

// Each member's share must be within `tolerance` (1%) of its lbfactor share.
void expect_shares(const std::vector<double>& observed, const std::vector<int>& factors, const char* what,
                   double tolerance = 0.01) {
    double total = 0;
    double factor_sum = 0;
    for (std::size_t i = 0; i < factors.size(); ++i) {
        total += observed[i];
        factor_sum += factors[i];
    }
    for (std::size_t i = 0; i < factors.size(); ++i) {
        const double expected = total * factors[i] / factor_sum;
        if (std::fabs(observed[i] - expected) > tolerance * expected) {
            fail_msg("%s: member %zu got %.0f, expected %.0f", what, i, observed[i], expected);
        }
    }
}

std::vector<MemberSpec> specs_for(const std::vector<int>& factors) {
    std::vector<MemberSpec> specs;
    for (std::size_t i = 0; i < factors.size(); ++i) specs.push_back({"n" + std::to_string(i + 1), factors[i]});
    return specs;
}

void test_request_counting_methods(void**) {
    struct Case { LbMethod method; std::vector<int> factors; };
    const Case cases[] = {
        {LbMethod::requests, {1, 1}}, {LbMethod::requests, {3, 1}}, {LbMethod::requests, {1, 2, 5}},
        {LbMethod::requests, {7, 13, 100}}, {LbMethod::sessions, {3, 1}}, {LbMethod::sessions, {1, 2, 5}},
        {LbMethod::next, {3, 1}}, {LbMethod::next, {1, 2, 5}},
    };
    for (const Case& c : cases) {
        Setup s(specs_for(c.factors), c.method);
        StateBuffer b(s);
        std::vector<double> counts(c.factors.size(), 0);
        for (int k = 0; k < kPicks; ++k) {
            const std::size_t m = pick_fresh(s, b);
            balancer::begin_request(b.view, m);
            balancer::end_request(s.lb, b.view, m, balancer::Outcome::success, {}, at_seconds(0));
            ++counts[m];
        }
        expect_shares(counts, c.factors, balancer::to_string(balancer::PickReason::by_method).data());
    }
}

void test_traffic_method(void**) {
    for (const std::vector<int>& factors : kRatios) {
        Setup s(specs_for(factors), LbMethod::traffic);
        StateBuffer b(s);
        std::vector<double> bytes(factors.size(), 0);
        for (int k = 0; k < kPicks; ++k) {
            const std::size_t m = pick_fresh(s, b);
            const std::uint64_t size = 200 + static_cast<std::uint64_t>((k * 7919) % 9000);  // uneven responses
            balancer::begin_request(b.view, m);
            balancer::end_request(s.lb, b.view, m, balancer::Outcome::success, {100, size}, at_seconds(0));
            bytes[m] += static_cast<double>(size + 100);
        }
        expect_shares(bytes, factors, "traffic bytes");
    }
}

// Busy pattern: one request starts per tick and lasts `duration(tick)` ticks. Returns picks
// and busy counts summed over the ticks; checks at every pick that the chosen member had the
// lowest busy count weighted by lbfactor.
struct BusyRun {
    std::vector<double> picks;
    std::vector<double> busy_time;
};

template <typename Duration>
BusyRun run_busy_pattern(const std::vector<int>& factors, Duration duration) {
    Setup s(specs_for(factors), LbMethod::busyness);
    StateBuffer b(s);
    BusyRun run{std::vector<double>(factors.size(), 0), std::vector<double>(factors.size(), 0)};
    std::vector<std::pair<int, std::size_t>> running;  // (end tick, member)
    for (int tick = 0; tick < kPicks; ++tick) {
        for (std::size_t r = 0; r < running.size();) {
            if (running[r].first != tick) {
                ++r;
                continue;
            }
            balancer::end_request(s.lb, b.view, running[r].second, balancer::Outcome::success, {}, at_seconds(0));
            running[r] = running.back();
            running.pop_back();
        }
        const std::size_t m = pick_fresh(s, b);
        for (std::size_t i = 0; i < factors.size(); ++i) {
            const auto load = [&](std::size_t j) { return b.view.member(j).busy * b.view.member(j).lb_mult; };
            if (load(i) < load(m)) fail_msg("tick %d: picked %zu, %zu was less busy", tick, m, i);
        }
        balancer::begin_request(b.view, m);
        running.emplace_back(tick + duration(tick), m);
        ++run.picks[m];
        for (std::size_t i = 0; i < factors.size(); ++i) run.busy_time[i] += b.view.member(i).busy;
    }
    std::int32_t busy = 0;
    for (std::size_t i = 0; i < factors.size(); ++i) busy += b.view.member(i).busy;
    assert_int_equal(busy, static_cast<std::int32_t>(running.size()));
    return run;
}

// Equal requests: picks and busy counts follow the factors within 1%. Uneven requests:
// picks depend on the durations (that is the point of the method), so only the busy counts
// are compared, within the granularity of whole requests (a member with factor 1 among
// 1:2:5 holds ~8 of ~64 concurrent requests: one request is 12% of it at any instant).
void test_busyness_method(void**) {
    for (const std::vector<int>& factors : kRatios) {
        const BusyRun even = run_busy_pattern(factors, [](int) { return 24; });
        expect_shares(even.picks, factors, "busyness picks");
        expect_shares(even.busy_time, factors, "busyness busy time");
        std::uint32_t random = 12345;
        const BusyRun uneven = run_busy_pattern(factors, [&random](int) {
            random = random * 1103515245u + 12345u;
            return 1 + static_cast<int>((random >> 16) % 128);
        });
        expect_shares(uneven.busy_time, factors, "busyness busy time, uneven", 0.05);
    }
}

void test_ties_rotate(void**) {
    for (const LbMethod method : {LbMethod::requests, LbMethod::busyness, LbMethod::traffic, LbMethod::sessions}) {
        Setup s({{"a"}, {"b"}, {"c"}}, method);
        StateBuffer b(s);
        std::vector<int> seen(3, 0);
        for (int k = 0; k < 30; ++k) {
            const std::size_t m = pick_fresh(s, b);
            // Nothing is busy or charged for Busyness/Traffic here: only the rotation spreads them.
            if (k >= 3 && m != static_cast<std::size_t>(k % 3)) {
                fail_msg("method %d pick %d went to %zu", static_cast<int>(method), k, m);
            }
            ++seen[m];
        }
        assert_int_equal(seen[0], 10);
        assert_int_equal(seen[1], 10);
        assert_int_equal(seen[2], 10);
    }
}

void test_session_methods_count_only_new_sessions(void**) {
    for (const LbMethod method : {LbMethod::sessions, LbMethod::next}) {
        Setup s({{"a"}, {"b"}}, method);
        StateBuffer b(s);
        for (int k = 0; k < 100; ++k) {
            RequestContext request = request_with_cookie("JSESSIONID=x.a");
            assert_int_equal(pick(s, b, request), 0);
        }
        RequestContext stateless;
        stateless.stateless = true;
        pick(s, b, stateless);
        assert_int_equal(b.view.member(0).lb_value, 0);
        assert_int_equal(b.view.member(0).elected + b.view.member(1).elected, 101);
        // Sticky traffic did not count: new sessions still alternate.
        const std::size_t first = pick_fresh(s, b);
        assert_int_not_equal(pick_fresh(s, b), first);
    }
}

void test_weights(void**) {
    struct Case { std::vector<std::int32_t> factors; std::vector<std::uint64_t> mults; };
    const Case cases[] = {
        {{1, 1}, {1, 1}}, {{3, 1}, {1, 3}}, {{1, 2, 5}, {10, 5, 2}}, {{4, 6}, {3, 2}}, {{0, 2}, {2, 1}},
        // lcm beyond the scale: rounded weights instead of an overflow
        {{1000003, 1000033, 1}, {17, 17, balancer::kMultScale}},
    };
    for (const Case& c : cases) {
        std::vector<std::uint64_t> mults(c.factors.size());
        balancer::compute_lb_mults(c.factors, mults);
        if (mults != c.mults) fail_msg("weights for %zu factors", c.factors.size());
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_counting_methods),
        cmocka_unit_test(test_traffic_method),
        cmocka_unit_test(test_busyness_method),
        cmocka_unit_test(test_ties_rotate),
        cmocka_unit_test(test_session_methods_count_only_new_sessions),
        cmocka_unit_test(test_weights),
    };
    return cmocka_run_group_tests_name("balancer_methods", tests, nullptr, nullptr);
}
