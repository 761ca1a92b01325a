// The time lib/transport reads and the waits it makes, behind one small interface: the
// steady clock in production, a fake in tests, so that idle timeouts, the trust given to a
// recently used connection and the wait for a busy pool are tested without the wall clock.
// Sleeps between attempts go through serve_request's Sleeper, injected the same way.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ajpgate::transport {

using Clock = std::chrono::steady_clock;

class TimeSource {
public:
    virtual ~TimeSource() = default;
    virtual Clock::time_point now() const noexcept = 0;
    // Waits on `cv` (with `lock` held on entry and on return) until it is notified or
    // `deadline` passes. It may return early: the caller checks its condition again.
    virtual void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                            Clock::time_point deadline) = 0;
};

// Clock::now() and real waits: shared, stateless, valid for the whole program.
TimeSource& steady_time() noexcept;

}  // namespace ajpgate::transport
