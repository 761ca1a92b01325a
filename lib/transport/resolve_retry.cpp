#include "transport/resolve_retry.hpp"

#include <algorithm>

namespace ajpgate::transport {

namespace {
constexpr std::chrono::seconds longest_wait{60};
}

std::chrono::seconds resolve_retry_delay(unsigned failures) noexcept {
    // 2^6 s is past the ceiling already; the shift never grows beyond it.
    const unsigned doublings = failures == 0 ? 0 : std::min(failures - 1, 6u);
    return std::min(std::chrono::seconds(1LL << doublings), longest_wait);
}

ResolveRetry::Step ResolveRetry::poll(HostResolver& resolver, Clock::time_point now) {
    if (resolved_ || now < next_) return Step::waiting;
    if (resolver.resolve()) {
        resolved_ = true;
        return Step::resolved;
    }
    ++failures_;
    // Counted from this attempt, not from the plan: a slow resolver does not pile attempts up.
    next_ = now + resolve_retry_delay(failures_);
    return Step::failed;
}

}  // namespace ajpgate::transport
