// Outcomes of attempts and recovery probes: how they move a member between OK and ERR.
#include "balancer/health.hpp"

#include "balancer/lb_admin.hpp"

#include <algorithm>
#include <limits>

namespace ajpgate::balancer {

namespace {

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
    return b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b ? std::numeric_limits<std::uint64_t>::max()
                                                                         : a * b;
}

HealthChange mark_error(MemberSlot& slot, Micros now) {
    std::int64_t none = 0;
    shared(slot.error_time).compare_exchange_strong(none, now.count());
    shared(slot.last_error_time).store(now.count());
    // Concurrent failures of one dead member: only the one that moved it says so.
    const auto before = static_cast<MemberState>(
        shared(slot.state).exchange(static_cast<std::uint8_t>(MemberState::error)));
    return before == MemberState::error ? HealthChange::none : HealthChange::marked_error;
}

// A member coming back starts at the highest load of the others, as mod_jk: starting at 0
// would send it every new request until it caught up.
HealthChange mark_ok(const LbStateView& state, MemberSlot& slot) {
    const MemberState before = member_state(slot);
    const bool had_local_error = shared(slot.error_time).exchange(0) != 0;
    if (before == MemberState::ok) return had_local_error ? HealthChange::recovered : HealthChange::none;
    shared(slot.lb_value).store(max_usable_lb_value(state));
    shared(slot.reply_timeouts).store(0);
    set_member_state(slot, MemberState::ok);
    return HealthChange::recovered;
}

// A failed exchange is local while other requests run on the member and may still succeed.
HealthChange local_failure(const config::LbWorker& lb, MemberSlot& slot, Micros now) {
    const std::int64_t first = shared(slot.error_time).load();
    const bool others_running = shared(slot.busy).load() > 0;
    const auto escalation = std::chrono::duration_cast<Micros>(lb.error_escalation_time);
    const bool overdue = first != 0 && now.count() - first >= escalation.count();
    if (!others_running || escalation.count() == 0 || overdue || member_state(slot) != MemberState::ok) {
        return mark_error(slot, now);
    }
    std::int64_t none = 0;
    shared(slot.error_time).compare_exchange_strong(none, now.count());
    shared(slot.last_error_time).store(now.count());
    return HealthChange::local_error;
}

HealthChange reply_timed_out(const config::LbWorker& lb, MemberSlot& slot, Micros now) {
    shared(slot.reply_timeouts_total).fetch_add(1, std::memory_order_relaxed);
    const std::int32_t count = shared(slot.reply_timeouts).fetch_add(1) + 1;
    if (count > lb.max_reply_timeouts) return mark_error(slot, now);
    return HealthChange::none;
}

}  // namespace

StatusVerdict classify_status(std::span<const int> fail_on_status, int status) noexcept {
    for (const int code : fail_on_status) {
        if (code == status) return StatusVerdict::fail_member;
        if (code == -status) return StatusVerdict::fail_request;
    }
    return StatusVerdict::pass;
}

void begin_request(const LbStateView& state, std::size_t member) noexcept {
    if (!state.valid() || member >= state.size()) return;
    MemberSlot& slot = state.member(member);
    raise_max(slot.max_busy, shared(slot.busy).fetch_add(1) + 1);
}

std::uint64_t answered_count(const LbStateView& state, std::size_t member) noexcept {
    if (!state.valid() || member >= state.size()) return 0;
    return shared(state.member(member).answered).load(std::memory_order_relaxed);
}

bool claim_request(const LbStateView& state, std::size_t member) noexcept {
    if (!state.valid() || member >= state.size()) return false;
    MemberSlot& slot = state.member(member);
    const std::int32_t limit = load_relaxed(slot.busy_limit);
    auto busy = shared(slot.busy);
    std::int32_t seen = busy.load();
    do {
        if (limit > 0 && seen >= limit) return false;
    } while (!busy.compare_exchange_weak(seen, seen + 1));
    raise_max(slot.max_busy, seen + 1);
    return true;
}

HealthChange end_request(const config::LbWorker& lb, const LbStateView& state, std::size_t member,
                         Outcome outcome, Transfer transfer, Micros now) noexcept {
    if (!state.valid() || member >= state.size()) return HealthChange::none;
    MemberSlot& slot = state.member(member);
    if (shared(slot.busy).fetch_sub(1) <= 0) shared(slot.busy).store(0);  // unpaired end: repair
    shared(slot.bytes_read).fetch_add(transfer.bytes_read, std::memory_order_relaxed);
    shared(slot.bytes_written).fetch_add(transfer.bytes_written, std::memory_order_relaxed);
    if (lb.method == config::LbMethod::traffic) {
        const std::uint64_t bytes = transfer.bytes_read + transfer.bytes_written;
        saturating_add(slot.lb_value, saturating_mul(bytes, shared(slot.lb_mult).load()));
    }
    switch (outcome) {
    case Outcome::success:
        shared(slot.answered).fetch_add(1, std::memory_order_relaxed);
        return mark_ok(state, slot);
    case Outcome::connect_failed:
    case Outcome::cping_failed:
    case Outcome::status_fail_member:
        shared(slot.errors).fetch_add(1, std::memory_order_relaxed);
        return mark_error(slot, now);
    case Outcome::protocol_error:
    case Outcome::closed:
        shared(slot.errors).fetch_add(1, std::memory_order_relaxed);
        return local_failure(lb, slot, now);
    case Outcome::reply_timeout:
        shared(slot.errors).fetch_add(1, std::memory_order_relaxed);
        return reply_timed_out(lb, slot, now);
    case Outcome::client_error:
        shared(slot.client_errors).fetch_add(1, std::memory_order_relaxed);
        return HealthChange::none;
    case Outcome::status_fail_request:
    case Outcome::member_full:
        return HealthChange::none;
    }
    return HealthChange::none;
}

bool claim_probe(const LbStateView& state, std::size_t member, Micros now) noexcept {
    if (!state.valid() || member >= state.size()) return false;
    MemberSlot& slot = state.member(member);
    if (!transition_state(slot, MemberState::recovering, MemberState::probing)) return false;
    shared(slot.probe_time).store(now.count());
    return true;
}

HealthChange probe_result(const LbStateView& state, std::size_t member, bool answered, Micros now) noexcept {
    if (!state.valid() || member >= state.size()) return HealthChange::none;
    MemberSlot& slot = state.member(member);
    if (member_state(slot) != MemberState::probing) return HealthChange::none;  // stale report
    if (answered) return mark_ok(state, slot);
    shared(slot.last_error_time).store(now.count());
    set_member_state(slot, MemberState::error);
    return HealthChange::marked_error;
}

std::vector<std::size_t> claim_due_probes(const LbStateView& state, Micros now) {
    std::vector<std::size_t> claimed;
    if (!state.valid()) return claimed;
    take_probe_request(state);  // answered by this very pass
    for (std::size_t m = 0; m < state.size(); ++m) {
        if (member_state(state.member(m)) == MemberState::recovering && claim_probe(state, m, now)) {
            claimed.push_back(m);
        }
    }
    return claimed;
}

HealthChange mark_unreachable(const LbStateView& state, std::size_t member, Micros now) noexcept {
    if (!state.valid() || member >= state.size()) return HealthChange::none;
    MemberSlot& slot = state.member(member);
    shared(slot.errors).fetch_add(1, std::memory_order_relaxed);
    return mark_error(slot, now);
}

std::uint64_t max_usable_lb_value(const LbStateView& state) noexcept {
    std::uint64_t highest = 0;
    for (std::size_t i = 0; i < state.size(); ++i) {
        MemberSlot& slot = state.member(i);
        const MemberState st = member_state(slot);
        if ((st == MemberState::ok || st == MemberState::forced) &&
            member_activation(slot) == RuntimeActivation::active) {
            highest = std::max(highest, shared(slot.lb_value).load(std::memory_order_relaxed));
        }
    }
    return highest;
}

}  // namespace ajpgate::balancer
