// How many requests this backend is answering at once, and the most it ever answered at once.
// A test reads both from an echo body to check, from the backend's side, a cap on concurrent
// requests that httpd's children are meant to keep together (busy_limit).
#pragma once

#include <atomic>
#include <cstdint>

namespace ajpgate::testd {

class RequestGauge {
public:
    // Counts one request for as long as it lives.
    class Held {
    public:
        explicit Held(RequestGauge& gauge) : gauge_(gauge) {
            const std::uint64_t now = gauge_.current_.fetch_add(1) + 1;
            std::uint64_t seen = gauge_.peak_.load();
            while (now > seen && !gauge_.peak_.compare_exchange_weak(seen, now)) {
            }
        }
        ~Held() { gauge_.current_.fetch_sub(1); }
        Held(const Held&) = delete;
        Held& operator=(const Held&) = delete;

    private:
        RequestGauge& gauge_;
    };

    std::uint64_t current() const { return current_.load(); }
    std::uint64_t peak() const { return peak_.load(); }

private:
    std::atomic<std::uint64_t> current_{0};
    std::atomic<std::uint64_t> peak_{0};
};

}  // namespace ajpgate::testd
