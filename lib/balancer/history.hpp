// The last hour per ajp13 worker, for charts: one sample every kHistoryInterval, in a ring
// in shared memory (plain data, like lb_state.hpp), written by maintenance and never by a
// request. A sample holds what happened in its interval (requests, errors by kind, 5xx,
// sticky hits, failovers, latency quantiles from the histograms' deltas) and the gauges at
// its end (busy, connections). Every child's background thread offers to write; one claim
// per interval in the header (compare-and-swap) picks the one that does.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "balancer/metrics.hpp"

namespace ajpgate::balancer {

inline constexpr std::chrono::seconds kHistoryInterval{10};
inline constexpr std::size_t kHistorySamples = 360;  // one hour

struct alignas(8) HistorySample {
    std::int64_t at;  // unix seconds at the end of the interval
    std::uint32_t seconds;  // the interval's length (the first one may be shorter)
    std::uint32_t requests;
    std::uint32_t errors[kErrorKinds];
    std::uint32_t responses_5xx;
    std::uint32_t sticky_hits;
    std::uint32_t failovers;
    // Quantiles of the interval's latencies, microseconds; 0 when it had none.
    std::uint32_t headers_p50_us, headers_p99_us;
    std::uint32_t total_p50_us, total_p99_us;
    std::int32_t busy;
    std::int32_t connections;
    std::int32_t reserved;
};

// What the worker's counters add up to now (all children), read by the writer.
struct WorkerTotals {
    std::uint64_t requests = 0;
    std::uint64_t errors[kErrorKinds] = {};
    std::uint64_t responses_5xx = 0;
    std::uint64_t sticky_hits = 0;
    std::uint64_t failovers = 0;
    std::uint64_t headers[kLatencyBuckets] = {};
    std::uint64_t total[kLatencyBuckets] = {};
    std::int32_t busy = 0;
    std::int32_t connections = 0;
};

struct alignas(8) HistoryRing {
    std::uint64_t written;  // samples written so far; the next goes to written % kHistorySamples
    std::int64_t last_at;   // unix seconds of the last sample (or of the start)
    WorkerTotals last;      // the totals at the last sample: what the next one subtracts
    HistorySample samples[kHistorySamples];
};

struct alignas(8) HistoryHeader {
    std::int64_t next_due;  // unix seconds; claimed by compare-and-swap
    std::uint32_t rings;
    std::uint32_t reserved;
};

std::size_t history_bytes(std::size_t workers) noexcept;

class HistoryView {
public:
    HistoryView() = default;
    HistoryView(HistoryHeader* header, HistoryRing* rings) noexcept : header_(header), rings_(rings) {}
    bool valid() const noexcept { return header_ != nullptr; }
    std::size_t size() const noexcept { return header_ ? header_->rings : 0; }
    HistoryHeader& header() const noexcept { return *header_; }
    HistoryRing& ring(std::size_t index) const noexcept { return rings_[index]; }

private:
    HistoryHeader* header_ = nullptr;
    HistoryRing* rings_ = nullptr;
};

// Lays out `workers` empty rings in `memory` (history_bytes long, 8-aligned); the first
// sample is due kHistoryInterval after `now_unix`.
HistoryView init_history(std::span<std::byte> memory, std::size_t workers, std::int64_t now_unix);

// True for exactly one caller per interval (across processes): that caller then writes one
// sample per ring with record_sample().
bool claim_history(const HistoryView& view, std::int64_t now_unix) noexcept;

// Appends the sample for the interval that ends now: the deltas against the ring's last totals.
void record_sample(HistoryRing& ring, const WorkerTotals& now_totals, std::int64_t now_unix) noexcept;

// The totals of one ajp13 worker now, and the sticky hits and failovers of one lb member
// that is that worker (a worker may be a member of several lbs: add each).
struct AjpSlot;
struct MemberSlot;
WorkerTotals totals_of(const AjpSlot& slot) noexcept;
void add_member_totals(WorkerTotals& totals, const MemberSlot& member) noexcept;

// The samples, oldest first (at most kHistorySamples - 1: never the slot being written).
std::vector<HistorySample> read_history(const HistoryRing& ring);

// The q-quantile (0..1) of the observations counted in `buckets` (kLatencyBuckets counts,
// not cumulative), interpolated linearly inside its bucket as Prometheus' histogram_quantile
// does; the +Inf bucket answers the last bound. 0 without observations.
std::uint32_t quantile_us(std::span<const std::uint64_t> buckets, double q) noexcept;

}  // namespace ajpgate::balancer
