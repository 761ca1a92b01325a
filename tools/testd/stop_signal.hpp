// Shutdown coordination: every wait in ajp-testd (delay, body-delay, hang) ends early
// when the server is asked to stop, so SIGTERM never waits for a 30 s hang.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ajpgate::testd {

class StopSignal {
public:
    void request_stop() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
    }

    bool stopping() {
        const std::lock_guard lock(mutex_);
        return stopping_;
    }

    // Sleeps for `duration`; false if a stop was requested before it elapsed.
    bool sleep_for(std::chrono::milliseconds duration) {
        std::unique_lock lock(mutex_);
        return !changed_.wait_for(lock, duration, [this] { return stopping_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
};

}  // namespace ajpgate::testd
