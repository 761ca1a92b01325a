// A consistent-enough copy of one member's runtime values, for the status worker, logging
// and mod_jk's request notes (JK_LB_FIRST_* / JK_LB_LAST_*: NAME and the route come from the
// config; VALUE, ACCESSED, SESSIONS, READ, TRANSFERRED, ERRORS, BUSY, ACTIVATION and STATE
// from here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "balancer/lb_state.hpp"

namespace ajpgate::balancer {

struct MemberSnapshot {
    MemberState state = MemberState::ok;
    RuntimeActivation activation = RuntimeActivation::active;
    std::string_view state_name;       // "OK", "OK/IDLE", "OK/BUSY", "ERR", "ERR/REC", ...
    std::string_view activation_name;  // "ACT", "DIS", "STP"
    std::uint64_t lb_value = 0;        // JK_LB_*_VALUE
    std::uint64_t lb_mult = 0;
    std::uint64_t elected = 0;         // JK_LB_*_ACCESSED
    std::uint64_t sessions = 0;        // JK_LB_*_SESSIONS
    std::uint64_t bytes_read = 0;      // JK_LB_*_READ
    std::uint64_t bytes_written = 0;   // JK_LB_*_TRANSFERRED
    std::uint64_t errors = 0;          // JK_LB_*_ERRORS
    std::uint64_t client_errors = 0;
    std::uint64_t reply_timeouts_total = 0;
    std::int32_t busy = 0;             // JK_LB_*_BUSY
    std::int32_t max_busy = 0;
    std::int32_t reply_timeouts = 0;
    std::int32_t lbfactor = 0;
    std::int32_t busy_limit = 0;
    Micros error_time{0};
    Micros last_error_time{0};
    std::uint64_t sticky_hits = 0;     // metrics (never reset)
    std::uint64_t failovers = 0;
};

// Field by field atomic reads; an empty snapshot for an invalid view or index.
MemberSnapshot snapshot_member(const LbStateView& state, std::size_t member) noexcept;

}  // namespace ajpgate::balancer
