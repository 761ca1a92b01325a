// What the metrics views (Prometheus, JSON) count per ajp13 worker, beyond mod_jk's status
// counters: responses by status class, failures by kind, and latency histograms. Plain data
// in the worker's shared slot (ajp_state.hpp), so every httpd child adds to the same figures;
// recorded with relaxed atomic adds, no lock and no system call on the request path. These
// counters only grow: the status worker's reset never touches them (Prometheus computes
// rates from them and would read a reset as a restart).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "balancer/request_policy.hpp"

namespace ajpgate::balancer {

// Histogram bucket upper bounds, 5 ms to 60 s, in microseconds; one more bucket (+Inf) holds
// what is slower. Fixed, so that every child and every scrape agree on them.
inline constexpr std::array<std::int64_t, 13> kLatencyBoundsUs{
    5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000};
inline constexpr std::size_t kLatencyBuckets = kLatencyBoundsUs.size() + 1;

// The bucket a duration falls in: the first bound it does not exceed (Prometheus' `le`).
std::size_t latency_bucket(std::int64_t micros) noexcept;

struct alignas(8) LatencyHistogram {
    std::uint64_t counts[kLatencyBuckets];  // per bucket, not cumulative
    std::uint64_t sum_us;
};

// Why an attempt failed, as the metrics name it: a bounded label set.
enum class ErrorKind : std::uint8_t { connect, cping, busy, reply_timeout, backend, client, request };
inline constexpr std::size_t kErrorKinds = 7;
std::string_view to_string(ErrorKind kind) noexcept;
// nullopt-like: false when `failure` is none (the attempt was answered and accepted).
bool error_kind_of(Failure failure, ErrorKind& kind) noexcept;

// Which latency a histogram measures.
enum class Latency : std::uint8_t { headers, total, connect };
inline constexpr std::size_t kLatencies = 3;
std::string_view to_string(Latency latency) noexcept;

inline constexpr std::size_t kStatusClasses = 5;  // 1xx .. 5xx

struct alignas(8) AjpMetrics {
    std::uint64_t responses[kStatusClasses];  // final statuses from the backend, by class
    std::uint64_t errors[kErrorKinds];
    LatencyHistogram latency[kLatencies];
};

// One attempt on a worker, as the transport measured it (durations < 0: not measured, e.g.
// no headers arrived or the connection was pooled).
struct AttemptFigures {
    Failure failure = Failure::none;
    std::uint16_t status = 0;  // the backend's status; 0 none
    std::chrono::microseconds headers{-1};
    std::chrono::microseconds total{-1};
    std::chrono::microseconds connect{-1};
};

void record_attempt(AjpMetrics& metrics, const AttemptFigures& figures) noexcept;

// A consistent-enough copy for a scrape (each field read atomically on its own).
AjpMetrics snapshot_metrics(const AjpMetrics& metrics) noexcept;

}  // namespace ajpgate::balancer
