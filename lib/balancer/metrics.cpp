#include "balancer/metrics.hpp"

#include "balancer/shared_field.hpp"

namespace ajpgate::balancer {

std::size_t latency_bucket(std::int64_t micros) noexcept {
    // Thirteen comparisons at most; a linear scan beats a search at this size.
    std::size_t i = 0;
    while (i < kLatencyBoundsUs.size() && micros > kLatencyBoundsUs[i]) ++i;
    return i;
}

std::string_view to_string(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::connect: return "connect";
    case ErrorKind::cping: return "cping";
    case ErrorKind::busy: return "busy";
    case ErrorKind::reply_timeout: return "reply_timeout";
    case ErrorKind::backend: return "backend";
    case ErrorKind::client: return "client";
    case ErrorKind::request: return "request";
    }
    return "backend";
}

bool error_kind_of(Failure failure, ErrorKind& kind) noexcept {
    switch (failure) {
    case Failure::none: return false;
    case Failure::unresolved:
    case Failure::connect_failed: kind = ErrorKind::connect; return true;
    case Failure::cping_failed:
    case Failure::backend_hung: kind = ErrorKind::cping; return true;
    case Failure::busy:
    case Failure::member_full: kind = ErrorKind::busy; return true;
    case Failure::reply_timeout: kind = ErrorKind::reply_timeout; return true;
    case Failure::send_failed:
    case Failure::backend_closed:
    case Failure::protocol_error:
    case Failure::status_fail_member:
    case Failure::status_fail_request: kind = ErrorKind::backend; return true;
    case Failure::client_read_failed:
    case Failure::client_write_failed: kind = ErrorKind::client; return true;
    case Failure::request_too_large:
    case Failure::bad_request: kind = ErrorKind::request; return true;
    }
    kind = ErrorKind::backend;
    return true;
}

std::string_view to_string(Latency latency) noexcept {
    switch (latency) {
    case Latency::headers: return "headers";
    case Latency::total: return "total";
    case Latency::connect: return "connect";
    }
    return "total";
}

namespace {

void observe(LatencyHistogram& histogram, std::chrono::microseconds duration) noexcept {
    if (duration.count() < 0) return;
    shared(histogram.counts[latency_bucket(duration.count())]).fetch_add(1, std::memory_order_relaxed);
    shared(histogram.sum_us).fetch_add(static_cast<std::uint64_t>(duration.count()), std::memory_order_relaxed);
}

}  // namespace

void record_attempt(AjpMetrics& metrics, const AttemptFigures& figures) noexcept {
    if (figures.status >= 100 && figures.status <= 599) {
        shared(metrics.responses[figures.status / 100 - 1]).fetch_add(1, std::memory_order_relaxed);
    }
    ErrorKind kind{};
    if (error_kind_of(figures.failure, kind)) {
        shared(metrics.errors[static_cast<std::size_t>(kind)]).fetch_add(1, std::memory_order_relaxed);
    }
    observe(metrics.latency[static_cast<std::size_t>(Latency::headers)], figures.headers);
    observe(metrics.latency[static_cast<std::size_t>(Latency::total)], figures.total);
    observe(metrics.latency[static_cast<std::size_t>(Latency::connect)], figures.connect);
}

AjpMetrics snapshot_metrics(const AjpMetrics& metrics) noexcept {
    AjpMetrics copy{};
    for (std::size_t i = 0; i < kStatusClasses; ++i) copy.responses[i] = load_relaxed(metrics.responses[i]);
    for (std::size_t i = 0; i < kErrorKinds; ++i) copy.errors[i] = load_relaxed(metrics.errors[i]);
    for (std::size_t h = 0; h < kLatencies; ++h) {
        for (std::size_t b = 0; b < kLatencyBuckets; ++b) {
            copy.latency[h].counts[b] = load_relaxed(metrics.latency[h].counts[b]);
        }
        copy.latency[h].sum_us = load_relaxed(metrics.latency[h].sum_us);
    }
    return copy;
}

}  // namespace ajpgate::balancer
