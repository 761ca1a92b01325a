// The drain record of a member: started by the status worker, fed by requests, moved on by
// checks (drain.hpp states the rules).
#include "balancer/drain.hpp"

#include <algorithm>

#include "balancer/session_route.hpp"

namespace ajpgate::balancer {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::uint64_t kCountMask = 0xffffffffULL;

bool valid_member(const LbStateView& view, std::size_t member) noexcept {
    return view.valid() && member < view.size();
}

DrainMode mode_of(const MemberSlot& slot) noexcept {
    const auto raw = load_relaxed(slot.drain_mode);
    return raw <= static_cast<std::uint8_t>(DrainMode::migrate) ? static_cast<DrainMode>(raw) : DrainMode::none;
}

// As after a status worker edit of the activation: a member leaving traffic makes every
// member start from an even load, so none is flooded to catch up.
void even_load(const LbStateView& view) noexcept {
    for (std::size_t m = 0; m < view.size(); ++m) store_relaxed(view.member(m).lb_value, 0);
}

std::uint32_t second_of(Micros now) noexcept {
    return static_cast<std::uint32_t>(now.count() / kMicrosPerSecond);
}

std::uint64_t recent_route_requests(const MemberSlot& slot, Micros now) noexcept {
    const std::uint32_t current = second_of(now);
    std::uint64_t sum = 0;
    for (const std::uint64_t& cell : slot.drain_route_ring) {
        const std::uint64_t word = load_relaxed(cell);
        const auto age = static_cast<std::uint32_t>(current - static_cast<std::uint32_t>(word >> 32));
        if (age < kDrainWindowSeconds) sum += word & kCountMask;
    }
    return sum;
}

// Quiet: nothing in flight now and nothing picked the member since the previous check. A
// pick that came and went between two checks restarts the quiet period at this check.
void track_quiet(MemberSlot& slot, Micros now) noexcept {
    const std::int32_t busy = load_relaxed(slot.busy);
    const std::uint64_t elected = load_relaxed(slot.elected);
    const std::uint64_t seen = shared(slot.drain_elected).exchange(elected, std::memory_order_relaxed);
    auto quiet = shared(slot.drain_quiet_since);
    if (busy > 0) {
        quiet.store(0, std::memory_order_relaxed);
    } else if (elected != seen) {
        quiet.store(now.count(), std::memory_order_relaxed);
    } else {
        std::int64_t none = 0;
        quiet.compare_exchange_strong(none, now.count(), std::memory_order_relaxed);
    }
}

}  // namespace

bool start_drain(const LbStateView& view, std::size_t member, DrainMode mode, std::chrono::seconds drain_idle,
                 Micros now) noexcept {
    if (!valid_member(view, member) || mode == DrainMode::none || drain_idle.count() < 0 ||
        drain_idle > kDrainIdleMax) {
        return false;
    }
    MemberSlot& s = view.member(member);
    // The record first, the mode last: a request or check that sees the mode sees a fresh record.
    store_relaxed(s.drain_mode, DrainMode::none);
    store_relaxed(s.drain_started, now.count());
    store_relaxed(s.drain_last_route, 0);
    // Nothing in flight now: quiet from now on, until a check sees a pick or a busy member.
    store_relaxed(s.drain_quiet_since, load_relaxed(s.busy) <= 0 ? now.count() : 0);
    store_relaxed(s.drain_done, 0);
    store_relaxed(s.drain_elected, load_relaxed(s.elected));
    store_relaxed(s.drain_rebinds, 0);
    for (std::uint64_t& cell : s.drain_route_ring) store_relaxed(cell, 0);
    store_relaxed(s.drain_idle_s, drain_idle.count());
    store_relaxed(s.drain_switched, 0);
    shared(s.drain_mode).store(static_cast<std::uint8_t>(mode), std::memory_order_release);
    if (member_activation(s) != RuntimeActivation::disabled) {
        set_member_activation(s, RuntimeActivation::disabled);
        even_load(view);
    }
    return true;
}

void end_drain(const LbStateView& view, std::size_t member) noexcept {
    if (valid_member(view, member)) store_relaxed(view.member(member).drain_mode, DrainMode::none);
}

bool draining(const LbStateView& view, std::size_t member) noexcept {
    return valid_member(view, member) && load_relaxed(view.member(member).drain_mode) != 0;
}

void note_route_request(const LbStateView& view, std::size_t member, Micros now) noexcept {
    if (!valid_member(view, member)) return;
    MemberSlot& s = view.member(member);
    store_relaxed(s.drain_last_route, now.count());
    // One word per second holds (second << 32) | count, so a new second takes the cell over
    // in the same compare-and-swap that counts: no count is lost to a race between processes.
    const std::uint32_t second = second_of(now);
    auto cell = shared(s.drain_route_ring[second % kDrainRingSeconds]);
    std::uint64_t old = cell.load(std::memory_order_relaxed);
    std::uint64_t next;
    do {
        next = static_cast<std::uint32_t>(old >> 32) == second ? old + 1 : (std::uint64_t{second} << 32) | 1;
    } while (!cell.compare_exchange_weak(old, next, std::memory_order_relaxed));
}

void note_rebind(const LbStateView& view, std::size_t member) noexcept {
    if (valid_member(view, member)) shared(view.member(member).drain_rebinds).fetch_add(1, std::memory_order_relaxed);
}

bool rebinds_route(std::string_view set_cookie, std::string_view cookie_name, std::string_view old_route) noexcept {
    const auto first = set_cookie.find_first_not_of(" \t");
    if (first == std::string_view::npos || cookie_name.empty()) return false;
    set_cookie.remove_prefix(first);
    if (!set_cookie.starts_with(cookie_name) || set_cookie.substr(cookie_name.size(), 1) != "=") return false;
    std::string_view value = set_cookie.substr(cookie_name.size() + 1);
    value = value.substr(0, value.find(';'));
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    const std::string_view route = route_of(value);
    return !route.empty() && route != old_route;
}

DrainEvents check_drain(const LbStateView& view, std::size_t member, Micros now) noexcept {
    DrainEvents events;
    if (!valid_member(view, member)) return events;
    MemberSlot& s = view.member(member);
    const DrainMode mode = mode_of(s);
    if (mode == DrainMode::none) return events;
    track_quiet(s, now);
    if (mode == DrainMode::migrate && load_relaxed(s.busy) <= 0) {
        std::uint8_t not_yet = 0;
        if (shared(s.drain_switched).compare_exchange_strong(not_yet, 1)) {
            set_member_activation(s, RuntimeActivation::stopped);
            even_load(view);
            events.stopped = true;
        }
    }
    if (drain_progress(view, member, now).drained) {
        std::int64_t not_yet = 0;
        events.drained = shared(s.drain_done).compare_exchange_strong(not_yet, now.count());
    }
    return events;
}

DrainProgress drain_progress(const LbStateView& view, std::size_t member, Micros now) noexcept {
    DrainProgress p;
    if (!valid_member(view, member)) return p;
    const MemberSlot& s = view.member(member);
    p.mode = mode_of(s);
    if (p.mode == DrainMode::none) return p;
    const std::int64_t started = load_relaxed(s.drain_started);
    const std::int64_t last_route = load_relaxed(s.drain_last_route);
    const std::int64_t quiet = load_relaxed(s.drain_quiet_since);
    const std::int64_t done = load_relaxed(s.drain_done);
    p.stopped = load_relaxed(s.drain_switched) != 0;
    p.started = Micros(started);
    p.elapsed_s = std::max<std::int64_t>(0, now.count() - started) / kMicrosPerSecond;
    p.in_flight = std::max(0, load_relaxed(s.busy));
    p.route_requests_recent = recent_route_requests(s, now);
    p.since_last_route_s = last_route == 0 ? -1 : std::max<std::int64_t>(0, now.count() - last_route) / kMicrosPerSecond;
    p.drain_idle_s = load_relaxed(s.drain_idle_s);
    std::int64_t idle_us = 0;
    if (p.in_flight == 0 && quiet != 0) idle_us = std::max<std::int64_t>(0, now.count() - std::max({started, last_route, quiet}));
    p.idle_s = idle_us / kMicrosPerSecond;
    p.drained = p.in_flight == 0 && quiet != 0 && idle_us >= p.drain_idle_s * kMicrosPerSecond &&
                (p.mode != DrainMode::migrate || p.stopped);
    p.drained_after_s = done == 0 ? -1 : std::max<std::int64_t>(0, done - started) / kMicrosPerSecond;
    p.rebinds = load_relaxed(s.drain_rebinds);
    return p;
}

std::string_view to_string(DrainMode mode) noexcept {
    switch (mode) {
    case DrainMode::none: return "none";
    case DrainMode::drain: return "drain";
    case DrainMode::migrate: return "migrate";
    }
    return "none";
}

std::optional<DrainMode> parse_drain_mode(std::string_view text) noexcept {
    if (text == "drain") return DrainMode::drain;
    if (text == "migrate") return DrainMode::migrate;
    return std::nullopt;
}

std::string_view drain_phase(const DrainProgress& progress) noexcept {
    if (progress.mode == DrainMode::none) return "none";
    if (progress.drained) return "drained";
    return progress.stopped ? "migrating" : "draining";
}

}  // namespace ajpgate::balancer
