// Tells when a worker refuses request after request the way Tomcat refuses a wrong or missing
// AJP secret: status 403 and the connection closed (END_RESPONSE without reuse). An
// application's own 403 keeps the connection, so it does not count; any other answer ends
// the streak. Says so once per streak, when it reaches `threshold`, so the log gets one line
// (with jkcheck's rule id) rather than one per request. Per worker, per httpd child; safe to
// call from every thread of the child.
#pragma once

#include <atomic>
#include <cstdint>

namespace ajpgate::balancer {

class RefusalWatch {
public:
    static constexpr unsigned kDefaultThreshold = 10;
    explicit RefusalWatch(unsigned threshold = kDefaultThreshold) noexcept : threshold_(threshold) {}

    // One finished exchange. True exactly when this answer makes the streak `threshold` long.
    bool note(std::uint16_t status, bool connection_kept) noexcept;
    unsigned streak() const noexcept { return streak_.load(std::memory_order_relaxed); }

private:
    unsigned threshold_;
    std::atomic<unsigned> streak_{0};
};

}  // namespace ajpgate::balancer
