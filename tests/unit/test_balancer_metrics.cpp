// lib/balancer's metrics (metrics.hpp): the latency buckets' edges, the error kind of every
// failure, what one attempt adds, and the lb counters for sticky hits, failovers and 503s,
// which a reset leaves alone.
#include <set>
#include <string>

#include "balancer/lb_admin.hpp"
#include "balancer/metrics.hpp"
#include "test_balancer_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace balancer_test;
using balancer::Failure;
using std::chrono::microseconds;

namespace {

void test_latency_buckets_include_their_upper_bound(void**) {
    assert_int_equal(balancer::latency_bucket(0), 0);
    assert_int_equal(balancer::latency_bucket(5'000), 0);
    assert_int_equal(balancer::latency_bucket(5'001), 1);
    assert_int_equal(balancer::latency_bucket(300'000), 6);  // (0.25 s, 0.5 s]
    assert_int_equal(balancer::latency_bucket(60'000'000), 12);
    assert_int_equal(balancer::latency_bucket(60'000'001), 13);  // +Inf
    assert_int_equal(balancer::kLatencyBuckets, 14);
}

void test_every_failure_has_one_kind_and_kinds_have_distinct_names(void**) {
    balancer::ErrorKind kind{};
    assert_false(balancer::error_kind_of(Failure::none, kind));
    std::set<std::string> names;
    for (std::size_t f = 1; f < balancer::kFailureCount; ++f) {
        assert_true(balancer::error_kind_of(static_cast<Failure>(f), kind));
        assert_true(static_cast<std::size_t>(kind) < balancer::kErrorKinds);
    }
    for (std::size_t k = 0; k < balancer::kErrorKinds; ++k) {
        names.insert(std::string(balancer::to_string(static_cast<balancer::ErrorKind>(k))));
    }
    assert_int_equal(names.size(), balancer::kErrorKinds);
    assert_true(balancer::error_kind_of(Failure::connect_failed, kind) && kind == balancer::ErrorKind::connect);
    assert_true(balancer::error_kind_of(Failure::backend_hung, kind) && kind == balancer::ErrorKind::cping);
    assert_true(balancer::error_kind_of(Failure::reply_timeout, kind) && kind == balancer::ErrorKind::reply_timeout);
    assert_true(balancer::error_kind_of(Failure::protocol_error, kind) && kind == balancer::ErrorKind::backend);
    assert_true(balancer::error_kind_of(Failure::client_write_failed, kind) && kind == balancer::ErrorKind::client);
}

void test_an_attempt_adds_its_status_class_error_and_durations(void**) {
    balancer::AjpMetrics m{};
    balancer::record_attempt(m, {Failure::none, 204, microseconds(4'000), microseconds(12'000), microseconds(-1)});
    balancer::record_attempt(m, {Failure::status_fail_member, 503, microseconds(300'000), microseconds(300'500),
                                 microseconds(1'000)});
    balancer::record_attempt(m, {Failure::connect_failed, 0, microseconds(-1), microseconds(2'000), microseconds(-1)});
    balancer::record_attempt(m, {Failure::none, 999, microseconds(-1), microseconds(-1), microseconds(-1)});
    const balancer::AjpMetrics s = balancer::snapshot_metrics(m);
    assert_int_equal(s.responses[1], 1);  // 2xx
    assert_int_equal(s.responses[4], 1);  // 5xx
    assert_int_equal(s.responses[0] + s.responses[2] + s.responses[3], 0);  // 999 counted nowhere
    assert_int_equal(s.errors[static_cast<std::size_t>(balancer::ErrorKind::backend)], 1);
    assert_int_equal(s.errors[static_cast<std::size_t>(balancer::ErrorKind::connect)], 1);
    const auto& headers = s.latency[static_cast<std::size_t>(balancer::Latency::headers)];
    assert_int_equal(headers.counts[0], 1);
    assert_int_equal(headers.counts[6], 1);
    assert_int_equal(headers.sum_us, 304'000);
    const auto& total = s.latency[static_cast<std::size_t>(balancer::Latency::total)];
    std::uint64_t count = 0;
    for (auto c : total.counts) count += c;
    assert_int_equal(count, 3);  // unmeasured (-1) is not an observation
    assert_int_equal(s.latency[static_cast<std::size_t>(balancer::Latency::connect)].counts[0], 1);
}

void test_lb_counters_count_sticky_hits_failovers_and_refusals_and_survive_a_reset(void**) {
    const Setup setup({{"a"}, {"b"}});
    StateBuffer b(setup);
    balancer::count_answered(b.view, 0, true, true);
    balancer::count_answered(b.view, 0, true, true);
    balancer::count_answered(b.view, 1, false, true);   // a session that landed elsewhere
    balancer::count_answered(b.view, 1, false, false);  // no session: neither
    balancer::count_unavailable(b.view);
    balancer::reset_lb(b.view, 5);
    assert_int_equal(b.view.member(0).sticky_hits, 2);
    assert_int_equal(b.view.member(0).failovers, 0);
    assert_int_equal(b.view.member(1).sticky_hits, 0);
    assert_int_equal(b.view.member(1).failovers, 1);
    assert_int_equal(b.view.header().unavailable, 1);
    balancer::count_answered(b.view, 7, true, true);  // no such member: ignored
    balancer::count_answered({}, 0, true, true);      // no state: ignored
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_buckets_include_their_upper_bound),
        cmocka_unit_test(test_every_failure_has_one_kind_and_kinds_have_distinct_names),
        cmocka_unit_test(test_an_attempt_adds_its_status_class_error_and_durations),
        cmocka_unit_test(test_lb_counters_count_sticky_hits_failovers_and_refusals_and_survive_a_reset),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
