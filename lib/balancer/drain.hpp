// Draining a member in one action (the status worker's cmd=drain): the member stops taking
// new sessions at once, and the drain reports how far it got until nothing uses it any more.
//
// The rules:
//   - start_drain sets the activation to Disabled (DIS) at once: requests without a session
//     go to the other members, requests carrying the member's route still reach it.
//   - "Idle" means both: nothing in flight on the member (and nothing picked it since the
//     previous check), and no request carrying its route. The idle clock starts at the latest
//     of the drain's start, the last such request, and the check that found the member quiet
//     after it was not (busy, or picked since the previous check). The member is "drained" once it has been idle for drain_idle seconds; a later
//     request with its route makes it busy again (drained is live; the first time it was
//     reached is kept).
//   - mode migrate: the first check that finds nothing in flight on the member (the requests
//     running when the drain began have ended) sets it Stopped (STP), so every later request
//     of its sessions goes to another member, where a session-replicating cluster
//     (Tomcat's JvmRouteBinderValve) re-binds the session id to that member's route. Such
//     requests still carry the old route until re-bound, so "drained" then means every
//     session that came back has moved. A migrate drain is drained only once stopped.
//   - a re-binding is counted on the member the session LEFT: a response that sets the
//     session cookie to an id whose route differs from the request's route (which named
//     this member).
//
// Checks (check_drain) run from the lb maintenance, about every second in every process, and
// from each status request; they are idempotent and lock-free, so processes checking at once
// agree. The request path costs, only while a drain is on and only for requests carrying a
// route: a clock read and two relaxed atomic writes; otherwise one relaxed load.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "balancer/lb_state.hpp"

namespace ajpgate::balancer {

enum class DrainMode : std::uint8_t { none, drain, migrate };

inline constexpr std::chrono::seconds kDrainIdleDefault{30};
inline constexpr std::chrono::seconds kDrainIdleMax{86400};
// The recent window of requests carrying the member's route that progress reports.
inline constexpr std::int64_t kDrainWindowSeconds = 10;
static_assert(kDrainWindowSeconds < static_cast<std::int64_t>(kDrainRingSeconds));

// Starts (or starts again) a drain of `member`: activation DIS, a fresh record. The lb values
// start even again, as for any activation change. False for a bad member or mode none.
bool start_drain(const LbStateView& view, std::size_t member, DrainMode mode, std::chrono::seconds drain_idle,
                 Micros now) noexcept;
// Forgets the drain (the administrator set the member's activation himself).
void end_drain(const LbStateView& view, std::size_t member) noexcept;

// ---- the request path ----------------------------------------------------------------------
// True while a drain of `member` is on (one relaxed load).
bool draining(const LbStateView& view, std::size_t member) noexcept;
// A request carrying the member's route arrived (call only while draining()).
void note_route_request(const LbStateView& view, std::size_t member, Micros now) noexcept;
// A response re-bound a session of `member` to another route (call only while draining()).
void note_rebind(const LbStateView& view, std::size_t member) noexcept;
// True when the Set-Cookie header value `set_cookie` sets `cookie_name` to a session id whose
// route is neither empty nor `old_route`: the back end moved the session to another member.
bool rebinds_route(std::string_view set_cookie, std::string_view cookie_name, std::string_view old_route) noexcept;

// ---- checks and progress -------------------------------------------------------------------
struct DrainEvents {
    bool stopped = false;  // migrate: this check set the member Stopped
    bool drained = false;  // this check found it drained for the first time
};
DrainEvents check_drain(const LbStateView& view, std::size_t member, Micros now) noexcept;

struct DrainProgress {
    DrainMode mode = DrainMode::none;  // none: no drain (the rest is zero)
    bool stopped = false;              // migrate: switched to STP
    Micros started{0};                 // monotonic
    std::int64_t elapsed_s = 0;        // since the start
    int in_flight = 0;                 // requests on the member now
    std::uint64_t route_requests_recent = 0;  // carrying its route, in the last kDrainWindowSeconds
    std::int64_t since_last_route_s = -1;     // -1: none since the start
    std::int64_t idle_s = 0;           // idle (see above) for this long
    std::int64_t drain_idle_s = 0;
    bool drained = false;
    std::int64_t drained_after_s = -1;  // first found drained, seconds after the start; -1 not yet
    std::uint64_t rebinds = 0;
};
DrainProgress drain_progress(const LbStateView& view, std::size_t member, Micros now) noexcept;

// "none", "drain", "migrate"; parse_drain_mode reads the last two.
std::string_view to_string(DrainMode mode) noexcept;
std::optional<DrainMode> parse_drain_mode(std::string_view text) noexcept;
// "draining" (DIS, waiting), "migrating" (migrate, stopped, sessions still coming by),
// "drained"; "none" without a drain.
std::string_view drain_phase(const DrainProgress& progress) noexcept;

}  // namespace ajpgate::balancer
