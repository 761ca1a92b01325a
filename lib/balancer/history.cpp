#include "balancer/history.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>

#include "balancer/ajp_state.hpp"
#include "balancer/lb_state.hpp"
#include "balancer/shared_field.hpp"

namespace ajpgate::balancer {

static_assert(std::is_trivially_copyable_v<HistoryRing> && std::is_standard_layout_v<HistoryRing>);

namespace {

std::uint32_t clamp32(std::uint64_t v) noexcept {
    return v > std::numeric_limits<std::uint32_t>::max() ? std::numeric_limits<std::uint32_t>::max()
                                                          : static_cast<std::uint32_t>(v);
}

// A counter's growth since the last sample; a counter never goes down, so a smaller value
// can only be a fresh start: count none.
std::uint32_t grown(std::uint64_t now, std::uint64_t then) noexcept { return now >= then ? clamp32(now - then) : 0; }

void deltas(const std::uint64_t (&now)[kLatencyBuckets], const std::uint64_t (&then)[kLatencyBuckets],
            std::uint64_t (&out)[kLatencyBuckets]) noexcept {
    for (std::size_t b = 0; b < kLatencyBuckets; ++b) out[b] = now[b] >= then[b] ? now[b] - then[b] : 0;
}

}  // namespace

std::size_t history_bytes(std::size_t workers) noexcept {
    return workers == 0 ? 0 : sizeof(HistoryHeader) + workers * sizeof(HistoryRing);
}

HistoryView init_history(std::span<std::byte> memory, std::size_t workers, std::int64_t now_unix) {
    if (workers == 0 || memory.size() < history_bytes(workers) ||
        reinterpret_cast<std::uintptr_t>(memory.data()) % alignof(HistoryRing) != 0) {
        return {};
    }
    std::memset(memory.data(), 0, history_bytes(workers));
    auto* header = new (memory.data()) HistoryHeader{};
    header->next_due = now_unix + kHistoryInterval.count();
    header->rings = static_cast<std::uint32_t>(workers);
    auto* rings = reinterpret_cast<HistoryRing*>(memory.data() + sizeof(HistoryHeader));
    for (std::size_t i = 0; i < workers; ++i) {
        HistoryRing* ring = new (&rings[i]) HistoryRing{};
        ring->last_at = now_unix;
    }
    std::atomic_thread_fence(std::memory_order_release);
    return {header, rings};
}

bool claim_history(const HistoryView& view, std::int64_t now_unix) noexcept {
    if (!view.valid()) return false;
    auto due = shared(view.header().next_due);
    std::int64_t expected = due.load(std::memory_order_relaxed);
    if (now_unix < expected) return false;
    // After a long pause (a stopped server, a clock step) the next sample comes one interval
    // from now, not a burst of catch-up samples.
    return due.compare_exchange_strong(expected, now_unix + kHistoryInterval.count(), std::memory_order_acq_rel);
}

void record_sample(HistoryRing& ring, const WorkerTotals& now, std::int64_t now_unix) noexcept {
    const WorkerTotals& then = ring.last;
    HistorySample s{};
    s.at = now_unix;
    s.seconds = static_cast<std::uint32_t>(std::clamp<std::int64_t>(now_unix - ring.last_at, 0, 86'400));
    s.requests = grown(now.requests, then.requests);
    for (std::size_t k = 0; k < kErrorKinds; ++k) s.errors[k] = grown(now.errors[k], then.errors[k]);
    s.responses_5xx = grown(now.responses_5xx, then.responses_5xx);
    s.sticky_hits = grown(now.sticky_hits, then.sticky_hits);
    s.failovers = grown(now.failovers, then.failovers);
    std::uint64_t interval[kLatencyBuckets];
    deltas(now.headers, then.headers, interval);
    s.headers_p50_us = quantile_us(interval, 0.5);
    s.headers_p99_us = quantile_us(interval, 0.99);
    deltas(now.total, then.total, interval);
    s.total_p50_us = quantile_us(interval, 0.5);
    s.total_p99_us = quantile_us(interval, 0.99);
    s.busy = now.busy;
    s.connections = now.connections;

    // The sample is stored, then published by the count (release); a reader takes the count
    // first (acquire) and checks it again after copying (read_history).
    const std::uint64_t written = shared(ring.written).load(std::memory_order_relaxed);
    HistorySample& slot = ring.samples[written % kHistorySamples];
    slot = s;  // only the claiming writer stores here
    shared(ring.written).store(written + 1, std::memory_order_release);
    ring.last = now;
    ring.last_at = now_unix;
}

std::vector<HistorySample> read_history(const HistoryRing& ring) {
    const std::uint64_t before = load_relaxed(ring.written);
    std::atomic_thread_fence(std::memory_order_acquire);
    // Never the slot the next sample goes to: a writer may be storing it right now.
    const std::uint64_t count = std::min<std::uint64_t>(before, kHistorySamples - 1);
    std::vector<HistorySample> out;
    out.reserve(count);
    for (std::uint64_t i = before - count; i < before; ++i) out.push_back(ring.samples[i % kHistorySamples]);
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::uint64_t after = load_relaxed(ring.written);
    // Samples written meanwhile overwrote the oldest ones copied: leave those out.
    const std::uint64_t overwritten = std::min<std::uint64_t>(after - before, out.size());
    out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(overwritten));
    return out;
}

std::uint32_t quantile_us(std::span<const std::uint64_t> buckets, double q) noexcept {
    std::uint64_t total = 0;
    for (std::uint64_t c : buckets) total += c;
    if (total == 0 || buckets.size() != kLatencyBuckets) return 0;
    const double rank = q * static_cast<double>(total);
    std::uint64_t below = 0;
    for (std::size_t b = 0; b < kLatencyBuckets; ++b) {
        if (static_cast<double>(below + buckets[b]) >= rank && buckets[b] > 0) {
            if (b == kLatencyBoundsUs.size()) return static_cast<std::uint32_t>(kLatencyBoundsUs.back());
            const double low = b == 0 ? 0.0 : static_cast<double>(kLatencyBoundsUs[b - 1]);
            const double high = static_cast<double>(kLatencyBoundsUs[b]);
            const double within = (rank - static_cast<double>(below)) / static_cast<double>(buckets[b]);
            return static_cast<std::uint32_t>(low + (high - low) * within);
        }
        below += buckets[b];
    }
    return static_cast<std::uint32_t>(kLatencyBoundsUs.back());
}

WorkerTotals totals_of(const AjpSlot& slot) noexcept {
    WorkerTotals t;
    const AjpMetrics m = snapshot_metrics(slot.metrics);
    t.requests = load_relaxed(slot.used);
    for (std::size_t k = 0; k < kErrorKinds; ++k) t.errors[k] = m.errors[k];
    t.responses_5xx = m.responses[4];
    for (std::size_t b = 0; b < kLatencyBuckets; ++b) {
        t.headers[b] = m.latency[static_cast<std::size_t>(Latency::headers)].counts[b];
        t.total[b] = m.latency[static_cast<std::size_t>(Latency::total)].counts[b];
    }
    t.busy = load_relaxed(slot.busy);
    t.connections = load_relaxed(slot.connected);
    return t;
}

void add_member_totals(WorkerTotals& totals, const MemberSlot& member) noexcept {
    totals.sticky_hits += load_relaxed(member.sticky_hits);
    totals.failovers += load_relaxed(member.failovers);
}

}  // namespace ajpgate::balancer
