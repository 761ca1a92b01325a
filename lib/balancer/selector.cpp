// Member choice: session route, redirect, domain, then lbfactor by method; forced recovery.
#include "balancer/selector.hpp"

#include <limits>

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

// Early returns, cheapest test first: the lb runs this for every member of a request without
// a session (issue 15).
inline bool usable(const Pass& p, std::size_t i, Use use) {
    if (p.any_tried && p.request.tried.contains(i)) return false;
    const MemberSlot& slot = p.state.member(i);
    const MemberState st = member_state(slot, std::memory_order_relaxed);
    if (st != MemberState::ok && st != MemberState::forced && (use == Use::fresh || st != MemberState::recovering)) {
        return false;
    }
    const RuntimeActivation act = p.any_override ? effective_activation(p.state, p.request, i)
                                                 : member_activation(slot, std::memory_order_relaxed);
    if (use == Use::fresh ? act != RuntimeActivation::active : act == RuntimeActivation::stopped) return false;
    return below_busy_limit(slot);
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

inline Load load_of(const MemberSlot& slot, bool busyness) {
    const std::uint64_t value = load_relaxed(slot.lb_value);
    if (!busyness) return {value, 0};
    const auto busy = static_cast<std::uint64_t>(std::max(0, load_relaxed(slot.busy)));
    const std::uint64_t mult = load_relaxed(slot.lb_mult);
    const std::uint64_t weighted = mult != 0 && busy > std::numeric_limits<std::uint64_t>::max() / mult
                                       ? std::numeric_limits<std::uint64_t>::max()
                                       : busy * mult;
    return {weighted, value};
}

// Lowest distance first, then lowest load; equal candidates are taken in turn, because the
// scan starts where the previous pick left off. This runs over every member for each request
// without a session, so it avoids a division per member (issue 15: 64 members should cost
// about what 2 do).
template <typename Accept>
std::optional<std::size_t> best_by_method(const Pass& p, Use use, Accept accept) {
    const std::size_t n = p.state.size();
    if (n == 0) return std::nullopt;
    std::size_t i = load_relaxed(p.state.header().next_offset);
    if (i >= n) i %= n;
    const bool busyness = p.lb.method == config::LbMethod::busyness;
    std::optional<std::size_t> best;
    int best_distance = 0;
    Load best_load{};
    for (std::size_t k = 0; k < n; ++k, i = i + 1 == n ? 0 : i + 1) {
        if (!accept(i) || !usable(p, i, use)) continue;
        const int distance = p.lb.members[i].distance;
        if (best && distance > best_distance) continue;
        const Load load = load_of(p.state.member(i), busyness);
        if (!best || distance < best_distance || load < best_load) {
            best = i;
            best_distance = distance;
            best_load = load;
        }
    }
    return best;
}

std::optional<std::size_t> find_route(const config::LbWorker& lb, std::string_view route) {
    return lb.route_index.find(lb.members, route);
}

std::optional<Found> best_in_domain(const Pass& p, std::string_view domain) {
    if (domain.empty()) return std::nullopt;
    const auto member = best_by_method(p, Use::sticky, [&](std::size_t i) { return p.lb.members[i].domain == domain; });
    if (!member) return std::nullopt;
    return Found{*member, PickReason::domain};
}

// One session route (naming `member`, if any): that member, else its redirect, else its
// domain; a route that names no member is tried as a domain.
std::optional<Found> by_session_route(const Pass& p, std::string_view route, std::optional<std::size_t> member) {
    if (!member) return best_in_domain(p, route);
    if (usable(p, *member, Use::sticky)) return Found{*member, PickReason::sticky};
    const config::LbMember& m = p.lb.members[*member];
    if (!m.redirect.empty()) {
        const auto target = find_route(p.lb, m.redirect);
        if (target && usable(p, *target, Use::sticky)) return Found{*target, PickReason::redirect};
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
    if (const auto member = best_by_method(p, Use::fresh, [](std::size_t) { return true; })) {
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
