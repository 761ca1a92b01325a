// A worker's host name that did not resolve at start-up is asked again in the background:
// 1 s after the failure, then 2, 4, 8 ... s apart, at most 60 s apart, until it resolves.
// Containers start in any order (mod_jk BZ 59164, 48276): the backend's name may appear in
// DNS only after httpd started, and a restart must not be the only way to pick it up.
// The schedule is pure: the caller gives it the time and the resolver.
#pragma once

#include <chrono>
#include <cstdint>

#include "transport/connection_pool.hpp"

namespace ajpgate::transport {

// Asks for a host name's address once more. True when it resolved and the worker now uses it.
class HostResolver {
public:
    virtual ~HostResolver() = default;
    virtual bool resolve() = 0;
};

// The wait before the next attempt after `failures` failed ones (1 s, 2 s, 4 s ... 60 s).
std::chrono::seconds resolve_retry_delay(unsigned failures) noexcept;

class ResolveRetry {
public:
    enum class Step : std::uint8_t {
        waiting,   // not due yet (or resolved before): the resolver was not asked
        failed,    // asked, still unresolved; the next attempt waits longer
        resolved,  // asked, and it resolved: never asked again
    };

    // The first attempt (at start-up) failed at `failed_at`.
    explicit ResolveRetry(Clock::time_point failed_at) noexcept
        : failures_(1), next_(failed_at + resolve_retry_delay(1)) {}

    // Asks `resolver` when an attempt is due at `now`.
    Step poll(HostResolver& resolver, Clock::time_point now);

    bool resolved() const noexcept { return resolved_; }
    unsigned failures() const noexcept { return failures_; }
    Clock::time_point next_attempt() const noexcept { return next_; }

private:
    unsigned failures_;
    Clock::time_point next_;
    bool resolved_ = false;
};

}  // namespace ajpgate::transport
