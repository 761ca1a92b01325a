#include "balancer/seqlock.hpp"

#include <sched.h>

namespace ajpgate::balancer {

void SettingsSeqlock::pause() noexcept { ::sched_yield(); }

void SettingsSeqlock::lock_for_write() noexcept {
    // Edits are rare and short; a writer that finds the counter odd for this long met a
    // process that died half way and takes the lock over.
    constexpr int kWaitTries = 100000;
    std::uint32_t current = counter_.load(std::memory_order_relaxed);
    for (int tries = 0;; ++tries) {
        if (current & 1u) {
            if (tries < kWaitTries) {
                pause();
                current = counter_.load(std::memory_order_relaxed);
                continue;
            }
            // Taken over: stays odd, and this writer's unlock makes it even again.
            if (counter_.compare_exchange_weak(current, current + 2, std::memory_order_acquire)) break;
            continue;
        }
        if (counter_.compare_exchange_weak(current, current + 1, std::memory_order_acquire)) break;
    }
    std::atomic_thread_fence(std::memory_order_release);
}

void SettingsSeqlock::unlock_after_write() noexcept {
    counter_.fetch_add(1, std::memory_order_release);
}

}  // namespace ajpgate::balancer
