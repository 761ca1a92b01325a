// Member choice: session route, redirect, domain, then lbfactor by method; forced recovery.
#include "balancer/selector.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>

namespace ajpgate::balancer {

namespace {

enum class Use { sticky, fresh };

struct Pass {
    const config::LbWorker& lb;
    const LbStateView& state;
    RequestContext& request;
    // Known once per choice, so that the scan over the members skips what most requests
    // do not have: members already tried, per-mount activation overrides.
    bool any_tried = !request.tried.empty();
    bool any_override = !request.activation_overrides.empty();
};

struct Found {
    std::size_t member;
    PickReason reason;
};

inline bool below_busy_limit(const MemberSlot& slot) {
    const std::int32_t limit = load_relaxed(slot.busy_limit);
    return limit <= 0 || load_relaxed(slot.busy) < limit;
}

// The state and activation bytes are compared as stored: an out-of-range byte (which
// member_state() reads as error, member_activation() as stopped) matches neither set.
static_assert(static_cast<int>(MemberState::ok) == 0 && static_cast<int>(MemberState::recovering) == 1 &&
              static_cast<int>(MemberState::forced) == 2);
static_assert(static_cast<int>(RuntimeActivation::active) == 0 && static_cast<int>(RuntimeActivation::disabled) == 1);

// ok or forced for a new session; recovering too for a sticky one.
template <Use U> inline bool state_allows(std::uint8_t state) {
    if constexpr (U == Use::fresh) return (state | 2u) == 2u;
    else return state <= 2u;
}
// Active for a new session; disabled too for a sticky one.
template <Use U> inline bool activation_allows(std::uint8_t activation) {
    if constexpr (U == Use::fresh) return activation == 0u;
    else return activation <= 1u;
}

// Early returns, cheapest test first: the lb runs this for every member of a request without
// a session (issue 15). The scan passes the slot and the request's flags from its locals;
// always inlined, so that the per-member test is a few loads and compares, not a call.
// Eligible: everything but the busy limit.
template <Use U>
[[gnu::always_inline]] inline bool eligible_slot(const Pass& p, const MemberSlot& slot, std::size_t i, bool any_tried,
                                                 bool any_override) {
    if (any_tried && p.request.tried.contains(i)) return false;
    if (!state_allows<U>(load_relaxed(slot.state))) return false;
    const std::uint8_t activation = any_override ? static_cast<std::uint8_t>(effective_activation(p.state, p.request, i))
                                                 : load_relaxed(slot.activation);
    return activation_allows<U>(activation);
}

template <Use U>
[[gnu::always_inline]] inline bool usable_slot(const Pass& p, const MemberSlot& slot, std::size_t i, bool any_tried,
                                               bool any_override) {
    return eligible_slot<U>(p, slot, i, any_tried, any_override) && below_busy_limit(slot);
}

template <Use U> inline bool usable(const Pass& p, std::size_t i) {
    return usable_slot<U>(p, p.state.member(i), i, p.any_tried, p.any_override);
}

// The load a member shows to its method: lower is chosen. Busyness looks at the live busy
// count first and breaks ties by past picks, so that light traffic (where busy counts are
// mostly equal) still follows the lbfactors instead of plain round robin.
struct Load {
    std::uint64_t primary;
    std::uint64_t secondary;
    bool operator<(const Load& other) const noexcept {
        return primary != other.primary ? primary < other.primary : secondary < other.secondary;
    }
};

inline Load busyness_load(const MemberSlot& slot) {
    const std::uint64_t value = load_relaxed(slot.lb_value);
    const auto busy = static_cast<std::uint64_t>(std::max(0, load_relaxed(slot.busy)));
    const std::uint64_t mult = load_relaxed(slot.lb_mult);
    const std::uint64_t weighted = mult != 0 && busy > std::numeric_limits<std::uint64_t>::max() / mult
                                       ? std::numeric_limits<std::uint64_t>::max()
                                       : busy * mult;
    return {weighted, value};
}

// Lowest distance first, then lowest load; equal candidates are taken in turn, because the
// scan starts where the previous pick left off. This runs over every member for each request
// without a session (issue 15: 64 members should cost about what 2 do), so the loop keeps
// what it needs in locals (the shared loads are atomic: the compiler would fetch anything it
// reaches through a reference again for each member), tracks "none yet" with a sentinel
// instead of std::optional, and compares a single number unless the method is Busyness.
template <bool Busyness, Use U, typename Accept>
std::optional<std::size_t> best_in_rotation(const Pass& p, Accept accept) {
    using Key = std::conditional_t<Busyness, Load, std::uint64_t>;
    const std::size_t n = p.state.size();
    if (n == 0) return std::nullopt;
    const std::size_t start = load_relaxed(p.state.header().next_offset) % n;
    const config::LbMember* const members = p.lb.members.data();
    const MemberSlot* const slots = &p.state.member(0);
    const bool any_tried = p.any_tried;
    const bool any_override = p.any_override;
    std::size_t best = n;
    std::int64_t best_distance = std::numeric_limits<std::int64_t>::max();  // above any int
    Key best_key{};
    for (std::size_t k = 0, i = start; k < n; ++k, ++i) {
        if (i == n) i = 0;
        if (!accept(i)) continue;
        const MemberSlot& slot = slots[i];
        if (!usable_slot<U>(p, slot, i, any_tried, any_override)) continue;
        const std::int64_t distance = members[i].distance;
        if (distance > best_distance) continue;
        Key key;
        if constexpr (Busyness) key = busyness_load(slot);
        else key = load_relaxed(slot.lb_value);
        if (distance < best_distance || key < best_key) {
            best = i;
            best_distance = distance;
            best_key = key;
        }
    }
    if (best == n) return std::nullopt;
    return best;
}

template <Use U, typename Accept>
std::optional<std::size_t> best_by_method(const Pass& p, Accept accept) {
    return p.lb.method == config::LbMethod::busyness ? best_in_rotation<true, U>(p, accept)
                                                     : best_in_rotation<false, U>(p, accept);
}

std::optional<std::size_t> find_route(const config::LbWorker& lb, std::string_view route) {
    return lb.route_index.find(lb.members, route);
}

std::optional<Found> best_in_domain(const Pass& p, std::string_view domain) {
    if (domain.empty()) return std::nullopt;
    const auto member = best_by_method<Use::sticky>(p, [&](std::size_t i) { return p.lb.members[i].domain == domain; });
    if (!member) return std::nullopt;
    return Found{*member, PickReason::domain};
}

// One session route (naming `member`, if any): that member, else its redirect, else its
// domain; a route that names no member is tried as a domain.
std::optional<Found> by_session_route(const Pass& p, std::string_view route, std::optional<std::size_t> member) {
    if (!member) return best_in_domain(p, route);
    if (usable<Use::sticky>(p, *member)) return Found{*member, PickReason::sticky};
    const config::LbMember& m = p.lb.members[*member];
    if (!m.redirect.empty()) {
        const auto target = find_route(p.lb, m.redirect);
        if (target && usable<Use::sticky>(p, *target)) return Found{*target, PickReason::redirect};
    }
    return best_in_domain(p, m.domain);
}

struct Choice {
    std::optional<Found> found;
    bool had_route = false;
    std::optional<std::size_t> route_member;  // the member the first route naming one names
};

std::optional<Found> follow_route(const Pass& p, std::string_view route, Choice& choice) {
    choice.had_route = true;
    const auto member = find_route(p.lb, route);
    if (!choice.route_member) choice.route_member = member;
    return by_session_route(p, route, member);
}

Choice choose(const Pass& p) {
    Choice choice;
    const bool sticky = p.lb.sticky_session && !p.request.sticky_ignore;
    if (!p.request.forced_route.empty()) {
        choice.found = follow_route(p, p.request.forced_route, choice);
    } else if (sticky) {
        for (const SessionId& id : p.request.sessions) {
            if (id.route.empty()) continue;
            choice.found = follow_route(p, id.route, choice);
            if (choice.found) break;
        }
    }
    if (choice.found || (choice.had_route && p.lb.sticky_session_force)) return choice;
    if (const auto member = best_by_method<Use::fresh>(p, [](std::size_t) { return true; })) {
        choice.found = Found{*member, PickReason::by_method};
    }
    return choice;
}

// mod_jk's forced recovery: when nothing can serve, every member in error gets one more try.
std::uint32_t force_recovery(const Pass& p) {
    std::uint32_t forced = 0;
    for (std::size_t i = 0; i < p.state.size(); ++i) {
        // Members this request tried, and stopped ones, cannot take the forced try.
        if (p.request.tried.contains(i) || effective_activation(p.state, p.request, i) == RuntimeActivation::stopped) {
            continue;
        }
        MemberSlot& slot = p.state.member(i);
        if (transition_state(slot, MemberState::error, MemberState::forced) ||
            transition_state(slot, MemberState::recovering, MemberState::forced)) {
            shared(slot.reply_timeouts).store(0);
            ++forced;
        }
    }
    return forced;
}

// After a choice that found nothing: is a member this request could use merely at its
// busy_limit? A new session's rules for every member; a sticky one's for the session's member,
// the only one that counts under sticky_session_force.
bool any_member_full(const Pass& p, std::optional<std::size_t> route_member, bool only_route) {
    for (std::size_t i = 0; i < p.state.size(); ++i) {
        if (only_route && route_member != i) continue;
        const MemberSlot& slot = p.state.member(i);
        if (below_busy_limit(slot)) continue;
        if (eligible_slot<Use::fresh>(p, slot, i, p.any_tried, p.any_override)) return true;
        if (route_member == i && eligible_slot<Use::sticky>(p, slot, i, p.any_tried, p.any_override)) return true;
    }
    return false;
}

void record_pick(const Pass& p, std::size_t i) {
    MemberSlot& slot = p.state.member(i);
    shared(slot.elected).fetch_add(1, std::memory_order_relaxed);
    const bool has_session = p.request.sessions.has_session();
    if (!has_session) shared(slot.sessions).fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t mult = shared(slot.lb_mult).load(std::memory_order_relaxed);
    switch (p.lb.method) {
    case config::LbMethod::requests:
    case config::LbMethod::busyness:
        saturating_add(slot.lb_value, mult);
        break;
    case config::LbMethod::sessions:
    case config::LbMethod::next:
        if (!has_session && !p.request.stateless) saturating_add(slot.lb_value, mult);
        break;
    case config::LbMethod::traffic:
        break;  // charged with the bytes when the request ends
    }
    shared(p.state.header().next_offset).store(static_cast<std::uint32_t>(i + 1), std::memory_order_relaxed);
    p.request.tried.insert(i);
}

}  // namespace

Selection select_member(const config::LbWorker& lb, const LbStateView& state, RequestContext& request) {
    Selection result;
    if (!state.valid() || state.size() != lb.members.size()) return result;
    const Pass pass{lb, state, request};
    Choice choice = choose(pass);
    if (!choice.found && !(choice.had_route && lb.sticky_session_force) && !request.recovery_forced) {
        request.recovery_forced = true;
        result.forced_members = force_recovery(pass);
        if (result.forced_members > 0) choice = choose(pass);
    }
    result.route_member = choice.route_member;
    if (!choice.found) {
        result.error = choice.had_route && lb.sticky_session_force ? SelectError::sticky_forced
                                                                   : SelectError::none_usable;
        result.members_full = any_member_full(pass, choice.route_member, result.error == SelectError::sticky_forced);
        return result;
    }
    record_pick(pass, choice.found->member);
    result.member = choice.found->member;
    result.followed_session = choice.found->reason != PickReason::by_method;
    result.reason = result.forced_members > 0 ? PickReason::forced_recovery : choice.found->reason;
    return result;
}

std::optional<std::size_t> member_by_worker_name(const config::LbWorker& lb,
                                                 const std::vector<config::Ajp13Worker>& ajp13,
                                                 std::string_view name) {
    for (std::size_t i = 0; i < lb.members.size(); ++i) {
        const std::size_t w = lb.members[i].worker;
        if (w < ajp13.size() && ajp13[w].name == name) return i;
    }
    return std::nullopt;
}

std::string_view to_string(PickReason reason) noexcept {
    switch (reason) {
    case PickReason::sticky: return "sticky";
    case PickReason::redirect: return "redirect";
    case PickReason::domain: return "domain";
    case PickReason::by_method: return "by_method";
    case PickReason::forced_recovery: return "forced_recovery";
    }
    return "by_method";
}

}  // namespace ajpgate::balancer
