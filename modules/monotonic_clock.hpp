// The balancer's clock in httpd: CLOCK_MONOTONIC in microseconds, the same in every process
// on the machine, so times kept in shared memory compare across children.
#pragma once

#include <time.h>

#include "balancer/lb_state.hpp"

namespace ajpgate::httpd {

inline balancer::Micros monotonic_now() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    // +1: zero means "never" in the shared records.
    return balancer::Micros(static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000 + 1);
}

}  // namespace ajpgate::httpd
