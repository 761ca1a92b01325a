#include "transport/time_source.hpp"

namespace ajpgate::transport {

namespace {

class SteadyTime final : public TimeSource {
public:
    Clock::time_point now() const noexcept override { return Clock::now(); }
    void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                    Clock::time_point deadline) override {
        cv.wait_until(lock, deadline);
    }
};

}  // namespace

TimeSource& steady_time() noexcept {
    // Constant-initialized (no state): no static-initialization order to worry about.
    static constinit SteadyTime time;
    return time;
}

}  // namespace ajpgate::transport
