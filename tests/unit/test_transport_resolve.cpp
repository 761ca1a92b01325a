// lib/transport resolve retries: a host name unresolved at start-up is asked again 1, 2, 4 ...
// up to 60 s apart on a fake clock, until it resolves; then never again.
#include <chrono>
#include <vector>

#include "transport/resolve_retry.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate::transport;
using namespace std::chrono_literals;

namespace {

// Fails until `resolves_at`, remembering when it was asked (seconds from the start).
class FakeResolver : public HostResolver {
public:
    FakeResolver(Clock::time_point start, Clock::time_point& now, Clock::time_point resolves_at)
        : start_(start), now_(now), resolves_at_(resolves_at) {}
    bool resolve() override {
        asked.push_back(std::chrono::duration_cast<std::chrono::seconds>(now_ - start_).count());
        return now_ >= resolves_at_;
    }
    std::vector<long long> asked;

private:
    Clock::time_point start_;
    Clock::time_point& now_;
    Clock::time_point resolves_at_;
};

void test_delays_double_up_to_a_minute(void**) {
    const long long expected[] = {1, 1, 2, 4, 8, 16, 32, 60, 60, 60};
    for (unsigned failures = 0; failures < 10; ++failures) {
        assert_int_equal(resolve_retry_delay(failures).count(), expected[failures]);
    }
    assert_int_equal(resolve_retry_delay(1000000).count(), 60);
}

void test_unresolved_then_resolved_then_left_alone(void**) {
    const Clock::time_point start{};
    Clock::time_point now = start;
    FakeResolver dns(start, now, start + 200s);  // the container's name appears after 200 s
    ResolveRetry retry(start);                   // start-up failed at 0 s
    assert_int_equal(retry.failures(), 1);
    int resolved_at = -1;
    for (int second = 0; second <= 400; ++second) {  // the background thread's tick: every second
        now = start + std::chrono::seconds(second);
        const auto step = retry.poll(dns, now);
        if (step == ResolveRetry::Step::resolved) resolved_at = second;
    }
    const std::vector<long long> expected{1, 3, 7, 15, 31, 63, 123, 183, 243};
    assert_int_equal(dns.asked.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) assert_int_equal(dns.asked[i], expected[i]);
    assert_int_equal(resolved_at, 243);
    assert_true(retry.resolved());
    // Usable from then on: never asked again.
    assert_true(retry.poll(dns, now + 3600s) == ResolveRetry::Step::waiting);
    assert_int_equal(dns.asked.size(), expected.size());
}

void test_slow_ticks_do_not_pile_up_attempts(void**) {
    const Clock::time_point start{};
    Clock::time_point now = start;
    FakeResolver dns(start, now, start + 10000s);
    ResolveRetry retry(start);
    // The thread was held up 30 s: one attempt, and the next waits from it.
    now = start + 30s;
    assert_true(retry.poll(dns, now) == ResolveRetry::Step::failed);
    assert_true(retry.poll(dns, now) == ResolveRetry::Step::waiting);
    assert_true(retry.next_attempt() == now + 2s);
    now += 1s;
    assert_true(retry.poll(dns, now) == ResolveRetry::Step::waiting);
    now += 1s;
    assert_true(retry.poll(dns, now) == ResolveRetry::Step::failed);
    assert_int_equal(dns.asked.size(), 2);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delays_double_up_to_a_minute),
        cmocka_unit_test(test_unresolved_then_resolved_then_left_alone),
        cmocka_unit_test(test_slow_ticks_do_not_pile_up_attempts),
    };
    return cmocka_run_group_tests_name("transport_resolve", tests, nullptr, nullptr);
}
