#include "balancer/refusal_watch.hpp"

namespace ajpgate::balancer {

bool RefusalWatch::note(std::uint16_t status, bool connection_kept) noexcept {
    if (status != 403 || connection_kept) {
        // Most answers end no streak: skip the write that would bounce the line between cores.
        if (streak_.load(std::memory_order_relaxed) != 0) streak_.store(0, std::memory_order_relaxed);
        return false;
    }
    return streak_.fetch_add(1, std::memory_order_relaxed) + 1 == threshold_;
}

}  // namespace ajpgate::balancer
