// hung_check.hpp on the fake clock: when a waiting request believes the member, probes it,
// or gives it up as hung.
#include <vector>

#include "balancer/hung_check.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate::balancer;
using std::chrono::milliseconds;

Micros at_ms(long long ms) { return Micros(5'000'000'000LL + ms * 1000); }

struct Slot {
    std::vector<std::uint64_t> words = std::vector<std::uint64_t>(sizeof(AjpSlot) / 8 + 1, 0);
    AjpSlot& slot() { return *reinterpret_cast<AjpSlot*>(words.data()); }
};

int assess(AjpSlot& s, long long ms) { return static_cast<int>(assess_liveness(s, at_ms(ms), milliseconds(2000))); }

constexpr int alive = static_cast<int>(Liveness::alive);
constexpr int probe = static_cast<int>(Liveness::probe);
constexpr int hung = static_cast<int>(Liveness::hung);

void test_unknown_member_is_probed(void**) {
    Slot s;
    assert_int_equal(assess(s.slot(), 0), probe);
}

// A member that answered within the window keeps its slow requests without a probe.
void test_recent_answer_means_alive(void**) {
    Slot s;
    record_answer(s.slot(), at_ms(1000));
    assert_int_equal(assess(s.slot(), 1000), alive);
    assert_int_equal(assess(s.slot(), 2999), alive);
    assert_int_equal(assess(s.slot(), 3000), probe);  // the window is over: ask it
}

// One probe's verdict serves every waiting request for a window; an answer clears it.
void test_hung_verdict_is_shared_until_an_answer(void**) {
    Slot s;
    record_answer(s.slot(), at_ms(0));
    record_hung(s.slot(), at_ms(4000));
    assert_int_equal(assess(s.slot(), 4000), hung);
    assert_int_equal(assess(s.slot(), 5999), hung);
    assert_int_equal(assess(s.slot(), 6000), probe);  // old news: probe again
    record_answer(s.slot(), at_ms(6500));              // the JVM is back
    assert_int_equal(assess(s.slot(), 6600), alive);
}

// A burst of answers writes the shared time once per millisecond at most, and it still moves.
void test_answers_refresh_the_time(void**) {
    Slot s;
    record_answer(s.slot(), at_ms(0));
    record_answer(s.slot(), Micros(at_ms(0).count() + 10));
    assert_int_equal(assess(s.slot(), 1999), alive);
    record_answer(s.slot(), at_ms(1500));
    assert_int_equal(assess(s.slot(), 3400), alive);
}

void test_settings(void**) {
    HungCheckSettings settings;
    assert_true(settings.enabled());
    assert_int_equal(settings.after.count(), 2000);
    assert_int_equal(settings.probe_timeout.count(), 2000);
    settings.after = milliseconds(0);
    assert_false(settings.enabled());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_member_is_probed),
        cmocka_unit_test(test_recent_answer_means_alive),
        cmocka_unit_test(test_hung_verdict_is_shared_until_an_answer),
        cmocka_unit_test(test_answers_refresh_the_time),
        cmocka_unit_test(test_settings),
    };
    return cmocka_run_group_tests_name("balancer_hung", tests, nullptr, nullptr);
}
