// lib/balancer/history.hpp: one claim per interval across writers, samples as deltas of the
// totals, latency quantiles from bucket deltas, and a ring that keeps the last hour in order.
// lib/balancer/action_log.hpp: the last admin actions, newest first, long lines cut.
#include <vector>

#include <string>

#include "balancer/action_log.hpp"
#include "balancer/ajp_state.hpp"
#include "balancer/history.hpp"
#include "balancer/lb_state.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate;
using balancer::kHistorySamples;
using balancer::kLatencyBuckets;

namespace {

struct Rings {
    std::vector<std::uint64_t> words;
    balancer::HistoryView view;
    explicit Rings(std::size_t workers, std::int64_t now)
        : words(balancer::history_bytes(workers) / 8 + 1, 0x5a5a5a5a5a5a5a5aULL) {
        view = balancer::init_history(std::as_writable_bytes(std::span(words)), workers, now);
    }
};

void test_quantiles_interpolate_inside_their_bucket(void**) {
    std::uint64_t b[kLatencyBuckets] = {};
    assert_int_equal(balancer::quantile_us(b, 0.5), 0);
    b[0] = 10;  // ten answers within 5 ms
    assert_int_equal(balancer::quantile_us(b, 0.5), 2'500);
    b[6] = 10;  // and ten in (0.25 s, 0.5 s]
    assert_int_equal(balancer::quantile_us(b, 0.5), 5'000);
    assert_int_equal(balancer::quantile_us(b, 0.99), 250'000 + 250'000 * 98 / 100);
    std::uint64_t slow[kLatencyBuckets] = {};
    slow[kLatencyBuckets - 1] = 3;  // over 60 s: the last bound
    assert_int_equal(balancer::quantile_us(slow, 0.5), 60'000'000);
}

void test_one_claim_per_interval(void**) {
    Rings r(2, 1'000);
    assert_true(r.view.valid());
    assert_false(balancer::claim_history(r.view, 1'005));
    assert_true(balancer::claim_history(r.view, 1'010));
    assert_false(balancer::claim_history(r.view, 1'010));  // another child, same second
    assert_false(balancer::claim_history(r.view, 1'019));
    assert_true(balancer::claim_history(r.view, 1'020));
    // After an hour of silence: one sample now, the next one interval later (no catch-up).
    assert_true(balancer::claim_history(r.view, 5'000));
    assert_false(balancer::claim_history(r.view, 5'001));
    assert_true(balancer::claim_history(r.view, 5'010));
    assert_false(balancer::claim_history({}, 9'999));
}

void test_samples_hold_the_intervals_deltas(void**) {
    Rings r(1, 1'000);
    balancer::HistoryRing& ring = r.view.ring(0);
    balancer::WorkerTotals t;
    t.requests = 50;
    t.errors[static_cast<std::size_t>(balancer::ErrorKind::connect)] = 2;
    t.sticky_hits = 7;
    t.total[1] = 50;  // (5 ms, 10 ms]
    t.busy = 3;
    t.connections = 4;
    balancer::record_sample(ring, t, 1'010);
    t.requests = 80;
    t.failovers = 5;
    t.total[6] += 30;
    t.busy = 0;
    balancer::record_sample(ring, t, 1'020);
    const auto samples = balancer::read_history(ring);
    assert_int_equal(samples.size(), 2);
    assert_int_equal(samples[0].at, 1'010);
    assert_int_equal(samples[0].seconds, 10);
    assert_int_equal(samples[0].requests, 50);
    assert_int_equal(samples[0].errors[static_cast<std::size_t>(balancer::ErrorKind::connect)], 2);
    assert_int_equal(samples[0].sticky_hits, 7);
    assert_int_equal(samples[0].total_p50_us, 7'500);
    assert_int_equal(samples[0].busy, 3);
    assert_int_equal(samples[0].connections, 4);
    assert_int_equal(samples[1].requests, 30);
    assert_int_equal(samples[1].errors[static_cast<std::size_t>(balancer::ErrorKind::connect)], 0);
    assert_int_equal(samples[1].failovers, 5);
    assert_int_equal(samples[1].total_p50_us, 375'000);  // only the interval's 30 slow answers
    assert_int_equal(samples[1].busy, 0);
    // A total that went down (a fresh start) counts nothing, never a huge wrapped number.
    t.requests = 10;
    balancer::record_sample(ring, t, 1'030);
    assert_int_equal(balancer::read_history(ring).back().requests, 0);
}

void test_the_ring_keeps_the_last_hour_in_order(void**) {
    Rings r(1, 0);
    balancer::HistoryRing& ring = r.view.ring(0);
    balancer::WorkerTotals t;
    for (std::int64_t i = 1; i <= static_cast<std::int64_t>(kHistorySamples) + 40; ++i) {
        t.requests += static_cast<std::uint64_t>(i);
        balancer::record_sample(ring, t, i * 10);
    }
    const auto samples = balancer::read_history(ring);
    assert_int_equal(samples.size(), kHistorySamples - 1);
    assert_int_equal(samples.back().at, static_cast<std::int64_t>(kHistorySamples + 40) * 10);
    assert_int_equal(samples.back().requests, kHistorySamples + 40);
    for (std::size_t i = 1; i < samples.size(); ++i) {
        assert_int_equal(samples[i].at - samples[i - 1].at, 10);
    }
}

void test_totals_come_from_the_worker_and_its_memberships(void**) {
    std::vector<balancer::AjpSlot> slots(1);
    balancer::AjpSlot& slot = slots[0];
    slot.used = 9;
    slot.busy = 2;
    slot.connected = 5;
    slot.metrics.responses[4] = 3;
    slot.metrics.latency[static_cast<std::size_t>(balancer::Latency::headers)].counts[2] = 4;
    balancer::WorkerTotals t = balancer::totals_of(slot);
    assert_int_equal(t.requests, 9);
    assert_int_equal(t.responses_5xx, 3);
    assert_int_equal(t.headers[2], 4);
    assert_int_equal(t.busy, 2);
    assert_int_equal(t.connections, 5);
    std::vector<balancer::MemberSlot> members(2);
    members[0].sticky_hits = 4;
    members[1].sticky_hits = 1;
    members[1].failovers = 6;
    balancer::add_member_totals(t, members[0]);
    balancer::add_member_totals(t, members[1]);
    assert_int_equal(t.sticky_hits, 5);
    assert_int_equal(t.failovers, 6);
}

void test_the_action_log_keeps_the_last_entries_newest_first(void**) {
    std::vector<balancer::ActionLog> memory(1);  // zeroed: empty
    balancer::ActionLog& log = memory[0];
    assert_true(balancer::read_actions(log).empty());
    for (int i = 0; i < 20; ++i) balancer::append_action(log, 100 + i, "change " + std::to_string(i));
    const auto actions = balancer::read_actions(log);
    assert_int_equal(actions.size(), balancer::kActionLogEntries);
    assert_string_equal(actions.front().text.c_str(), "change 19");
    assert_int_equal(actions.front().at, 119);
    assert_string_equal(actions.back().text.c_str(), "change 4");
    balancer::append_action(log, 200, std::string(1000, 'x'));
    assert_int_equal(balancer::read_actions(log).front().text.size(), balancer::kSharedTextMax);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantiles_interpolate_inside_their_bucket),
        cmocka_unit_test(test_one_claim_per_interval),
        cmocka_unit_test(test_samples_hold_the_intervals_deltas),
        cmocka_unit_test(test_the_ring_keeps_the_last_hour_in_order),
        cmocka_unit_test(test_totals_come_from_the_worker_and_its_memberships),
        cmocka_unit_test(test_the_action_log_keeps_the_last_entries_newest_first),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
