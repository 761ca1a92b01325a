// Choosing the member of an lb worker that serves a request (or its next attempt).
//
// Order, as mod_jk: the session's route (exact route, else a member whose domain is the
// route); when that member cannot serve, its `redirect` member, else a member of its domain;
// with sticky_session_force nothing else; otherwise by the lb method among members usable
// for new sessions, lowest distance first. When no member at all can serve, every member in
// error is forced into recovery once per request (ERR/FRC) and the choice is made again.
//
// Usable for a sticky request: state OK, ERR/REC or ERR/FRC, activation not Stopped
// (Disabled is fine: its sessions keep going there), and below its busy_limit.
// Usable for a new session: state OK or ERR/FRC, activation Active, below busy_limit.
// A member in ERR/REC takes no new sessions until a probe (see health.hpp) says it is up;
// a sticky request may still try it, as mod_jk does, since the session lives there.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "balancer/lb_state.hpp"
#include "balancer/session_route.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

// Per-mount activation overrides (uriworkermap `active=`, `disabled=`, `stopped=`).
enum class ActivationOverride : std::uint8_t { none, active, disabled, stopped };

class MemberSet {
public:
    void insert(std::size_t member) noexcept { if (member < kMaxMembers) bits_.set(member); }
    void erase(std::size_t member) noexcept { if (member < kMaxMembers) bits_.reset(member); }
    bool contains(std::size_t member) const noexcept { return member < kMaxMembers && bits_[member]; }
    std::size_t size() const noexcept { return bits_.count(); }
    bool empty() const noexcept { return bits_.none(); }

private:
    std::bitset<kMaxMembers> bits_;
};

// What one request brings to the choice; it lives across the request's attempts.
struct RequestContext {
    SessionIds sessions;             // find_session_ids() of the request
    std::string_view forced_route;   // JK_ROUTE: acts as the session route, even when not sticky
    bool sticky_ignore = false;      // JK_STICKY_IGNORE: ignore the session's route
    bool stateless = false;          // JK_STATELESS: not counted by the Session/Next methods
    std::span<const ActivationOverride> activation_overrides;  // per member, or empty
    MemberSet tried;                 // members already tried by this request (select adds to it)
    bool recovery_forced = false;    // forced recovery already done for this request
};

enum class PickReason : std::uint8_t {
    sticky,           // the session's route (or JK_ROUTE)
    redirect,         // the sticky member's redirect
    domain,           // a member of the session's domain
    by_method,        // by lbfactor and method
    forced_recovery,  // every member was in error: recovery forced, then chosen as above
};

enum class SelectError : std::uint8_t {
    none_usable,    // no member can serve (503)
    sticky_forced,  // sticky_session_force and the session's member cannot serve (503)
};

struct Selection {
    std::optional<std::size_t> member;  // empty: see error
    PickReason reason = PickReason::by_method;
    SelectError error = SelectError::none_usable;
    bool followed_session = false;   // chosen by the session route (sticky/redirect/domain)
    std::uint32_t forced_members = 0;  // members put into ERR/FRC by this call
    // The member the request's session route names (the first route naming one), wherever
    // the request went: a drain counts the requests of its sessions (drain.hpp).
    std::optional<std::size_t> route_member;
    // No member found, but one this request could use is only at its busy_limit: a place may
    // free up in a moment (the journey looks again soon instead of a whole retry_interval).
    bool members_full = false;

    explicit operator bool() const noexcept { return member.has_value(); }
};

// Chooses a member and records the pick in the shared state (elected, lb value for the
// Request/Busyness/Session/Next methods, the tie rotation) and in request.tried.
Selection select_member(const config::LbWorker& lb, const LbStateView& state, RequestContext& request);

// The member whose ajp13 worker is named `name` (for the per-mount activation lists).
std::optional<std::size_t> member_by_worker_name(const config::LbWorker& lb,
                                                 const std::vector<config::Ajp13Worker>& ajp13,
                                                 std::string_view name);

// The member's activation for this request: the mount's override, else the runtime one.
// Inline: the lb asks it for every member of a request without a session.
inline RuntimeActivation effective_activation(const LbStateView& state, const RequestContext& request,
                                              std::size_t member) noexcept {
    if (member < request.activation_overrides.size()) {
        switch (request.activation_overrides[member]) {
        case ActivationOverride::none: break;
        case ActivationOverride::active: return RuntimeActivation::active;
        case ActivationOverride::disabled: return RuntimeActivation::disabled;
        case ActivationOverride::stopped: return RuntimeActivation::stopped;
        }
    }
    return member_activation(state.member(member), std::memory_order_relaxed);
}

std::string_view to_string(PickReason reason) noexcept;

}  // namespace ajpgate::balancer
