// busy_limit as a cap across httpd children: claim_request() never lets a member hold more
// requests than its limit, even when several processes chose it at the same moment; a journey
// whose member filled up after the pick goes to another member or ends refused, and a member
// that is merely full stays OK; a request that finds every member full looks again every 10 ms
// and takes the first place freed, within the same bound on its wait. Threads stand for the children: they share one state buffer,
// as the children share the lb's shared memory.
#include <atomic>
#include <chrono>
#include <functional>
#include <numeric>
#include <thread>
#include <utility>
#include <vector>

#include "balancer/journey.hpp"
#include "test_balancer_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace balancer_test;

void test_claim_stops_at_the_limit(void**) {
    Setup s({{"a", 1, 0, {}, {}, config::Activation::active, 2}, {"b"}});
    StateBuffer b(s);
    assert_true(balancer::claim_request(b.view, 0));
    assert_true(balancer::claim_request(b.view, 0));
    assert_false(balancer::claim_request(b.view, 0));  // full: nothing counted
    assert_int_equal(b.view.member(0).busy, 2);
    for (int i = 0; i < 5; ++i) assert_true(balancer::claim_request(b.view, 1));  // no limit
    balancer::end_request(s.lb, b.view, 0, balancer::Outcome::success, {}, at_seconds(0));
    assert_true(balancer::claim_request(b.view, 0));
    assert_int_equal(b.view.member(0).max_busy, 2);
}

// A port that holds each attempt for a moment and records how many run on each member at once.
class CountingPort final : public balancer::JourneyPort {
public:
    explicit CountingPort(std::vector<std::atomic<int>>& in_flight, std::vector<std::atomic<int>>& peak)
        : in_flight_(in_flight), peak_(peak) {}
    balancer::Micros now() override { return at_seconds(0); }
    void sleep(std::chrono::milliseconds) override { std::this_thread::yield(); }
    balancer::AttemptReport attempt(std::size_t member, const balancer::Selection&) override {
        const int now = ++in_flight_[member];
        for (int seen = peak_[member].load(); now > seen && !peak_[member].compare_exchange_weak(seen, now);) {
        }
        for (int i = 0; i < 50; ++i) std::this_thread::yield();
        --in_flight_[member];
        balancer::AttemptReport report;
        report.failure = balancer::Failure::none;
        report.progress = balancer::Progress::headers_received;
        return report;
    }
    void forced_recovery(std::uint32_t) override {}
    void failed_over(std::size_t, const balancer::Decision&, bool) override {}

private:
    std::vector<std::atomic<int>>& in_flight_;
    std::vector<std::atomic<int>>& peak_;
};

void test_children_racing_never_exceed_the_limit(void**) {
    Setup s({{"a", 1, 0, {}, {}, config::Activation::active, 2}, {"b", 1, 0, {}, {}, config::Activation::active, 1}});
    StateBuffer b(s);
    std::vector<std::atomic<int>> in_flight(2), peak(2);
    std::atomic<int> answered{0}, refused{0};
    std::vector<std::thread> children;
    for (int t = 0; t < 6; ++t) {
        children.emplace_back([&] {
            CountingPort port(in_flight, peak);
            for (int i = 0; i < 400; ++i) {
                balancer::RequestContext request;
                const auto r = balancer::run_journey(s.lb, b.view, request, balancer::MethodKind::get, port);
                (r.end == balancer::JourneyEnd::answered ? answered : refused)++;
            }
        });
    }
    for (auto& child : children) child.join();
    assert_true(peak[0].load() <= 2);
    assert_true(peak[1].load() <= 1);
    assert_int_equal(answered.load() + refused.load(), 6 * 400);
    assert_true(answered.load() > 0);
    assert_int_equal(b.view.member(0).busy, 0);
    assert_int_equal(b.view.member(1).busy, 0);
    // Full is not broken: both members are still OK.
    assert_int_equal(static_cast<int>(state_of(b, 0)), static_cast<int>(balancer::MemberState::ok));
    assert_int_equal(static_cast<int>(state_of(b, 1)), static_cast<int>(balancer::MemberState::ok));
}

// Sleeps are recorded (and advance nothing but the record); `after_sleeping` runs once the
// request has slept that long in all, as another child ending its request would.
class WaitingPort final : public balancer::JourneyPort {
public:
    balancer::Micros now() override { return at_seconds(0); }
    void sleep(std::chrono::milliseconds d) override {
        sleeps.push_back(d.count());
        if (hook && std::accumulate(sleeps.begin(), sleeps.end(), 0LL) >= hook_at_ms) std::exchange(hook, nullptr)();
    }
    balancer::AttemptReport attempt(std::size_t member, const balancer::Selection&) override {
        attempts.push_back(member);
        balancer::AttemptReport report;
        report.progress = balancer::Progress::headers_received;
        return report;
    }
    void after_sleeping(long long ms, std::function<void()> f) { hook_at_ms = ms; hook = std::move(f); }
    long long slept() const { return std::accumulate(sleeps.begin(), sleeps.end(), 0LL); }

    std::vector<long long> sleeps;
    std::vector<std::size_t> attempts;

private:
    long long hook_at_ms = 0;
    std::function<void()> hook;
};

// Two members of one place each, both taken by other requests; three rounds of 100 ms.
struct FullLb {
    Setup s{{{"a", 1, 0, {}, {}, config::Activation::active, 1}, {"b", 1, 0, {}, {}, config::Activation::active, 1}}};
    StateBuffer b{s};
    FullLb() {
        s.lb.retries = 3;
        s.lb.retry_interval = std::chrono::milliseconds(100);
        assert_true(balancer::claim_request(b.view, 0));
        assert_true(balancer::claim_request(b.view, 1));
    }
    balancer::JourneyResult run(WaitingPort& port) {
        balancer::RequestContext request;
        return balancer::run_journey(s.lb, b.view, request, balancer::MethodKind::get, port);
    }
};

void test_a_place_freed_is_taken_within_a_slice(void**) {
    FullLb lb;
    WaitingPort port;
    port.after_sleeping(30, [&] {
        balancer::end_request(lb.s.lb, lb.b.view, 1, balancer::Outcome::success, {}, at_seconds(0));
    });
    const auto r = lb.run(port);
    assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::answered));
    assert_true(port.attempts == std::vector<std::size_t>{1});
    assert_true(port.sleeps == (std::vector<long long>{10, 10, 10}));  // not a whole 100 ms
}

void test_members_that_stay_full_wait_as_long_as_the_rounds_would(void**) {
    FullLb lb;
    WaitingPort port;
    const auto r = lb.run(port);
    assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::refused));
    assert_true(port.attempts.empty());
    assert_int_equal(port.slept(), 200);  // (retries - 1) x retry_interval: the last round does not sleep
    assert_int_equal(port.sleeps.size(), 20);
    assert_int_equal(static_cast<int>(state_of(lb.b, 0)), static_cast<int>(balancer::MemberState::ok));
}

void test_members_that_cannot_serve_sleep_whole_intervals(void**) {
    FullLb lb;
    for (std::size_t m : {0, 1}) balancer::set_member_activation(lb.b.view.member(m), balancer::RuntimeActivation::stopped);
    WaitingPort port;
    const auto r = lb.run(port);
    assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::refused));
    assert_true(port.sleeps == (std::vector<long long>{100, 100}));  // nothing to wait for: mod_jk's rounds
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_stops_at_the_limit),
        cmocka_unit_test(test_children_racing_never_exceed_the_limit),
        cmocka_unit_test(test_a_place_freed_is_taken_within_a_slice),
        cmocka_unit_test(test_members_that_stay_full_wait_as_long_as_the_rounds_would),
        cmocka_unit_test(test_members_that_cannot_serve_sleep_whole_intervals),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
