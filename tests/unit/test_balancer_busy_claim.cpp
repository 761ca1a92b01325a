// busy_limit as a cap across httpd children: claim_request() never lets a member hold more
// requests than its limit, even when several processes chose it at the same moment; a journey
// whose member filled up after the pick goes to another member or ends refused, and a member
// that is merely full stays OK. Threads stand for the children: they share one state buffer,
// as the children share the lb's shared memory.
#include <atomic>
#include <thread>
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

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_stops_at_the_limit),
        cmocka_unit_test(test_children_racing_never_exceed_the_limit),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
