// balancer::RefusalWatch: a run of 403s with the connection closed (Tomcat's answer to a wrong
// AJP secret) is reported once, when it reaches the threshold; an application's 403 (the
// connection kept) or any other answer ends the run, and a new run is reported again.
#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "balancer/refusal_watch.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using ajpgate::balancer::RefusalWatch;

namespace {

int reports(RefusalWatch& watch, int answers, std::uint16_t status, bool kept) {
    int said = 0;
    for (int i = 0; i < answers; ++i) said += watch.note(status, kept) ? 1 : 0;
    return said;
}

void test_reported_once_at_the_threshold(void**) {
    RefusalWatch watch(3);
    assert_false(watch.note(403, false));
    assert_false(watch.note(403, false));
    assert_true(watch.note(403, false));
    assert_int_equal(reports(watch, 100, 403, false), 0);  // the same run: said once
    assert_int_equal(watch.streak(), 103);
}

void test_other_answers_end_the_run(void**) {
    RefusalWatch watch(3);
    for (const auto& [status, kept] : {std::pair<std::uint16_t, bool>{200, true}, {403, true}, {500, false}}) {
        assert_int_equal(reports(watch, 2, 403, false), 0);
        assert_false(watch.note(status, kept));
        assert_int_equal(watch.streak(), 0);
    }
    assert_int_equal(reports(watch, 3, 403, false), 1);
    watch.note(200, true);
    assert_int_equal(reports(watch, 3, 403, false), 1);  // a new run is a new report
}

void test_an_application_403_never_counts(void**) {
    RefusalWatch watch;
    assert_int_equal(reports(watch, 1000, 403, true), 0);
}

void test_threads_report_a_run_once(void**) {
    RefusalWatch watch(1000);
    std::vector<std::thread> threads;
    std::atomic<int> said{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] { said += reports(watch, 500, 403, false); });
    }
    for (auto& t : threads) t.join();
    assert_int_equal(said.load(), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reported_once_at_the_threshold),
        cmocka_unit_test(test_other_answers_end_the_run),
        cmocka_unit_test(test_an_application_403_never_counts),
        cmocka_unit_test(test_threads_report_a_run_once),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
