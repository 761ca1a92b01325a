// Periodic upkeep of an lb's shared state: load decay, recovery timing, error escalation.
#include <algorithm>
#include <limits>

#include "balancer/health.hpp"

namespace ajpgate::balancer {

namespace {

// Claims this round of maintenance for the caller; only one process wins each interval.
bool claim_round(LbHeader& header, std::chrono::seconds interval, Micros now, std::uint32_t& intervals) {
    auto last = shared(header.last_maintain);
    std::int64_t previous = last.load();
    const auto step = std::chrono::duration_cast<Micros>(interval).count();
    if (previous != 0 && step > 0 && now.count() - previous < step) return false;
    if (!last.compare_exchange_strong(previous, now.count())) return false;
    const std::int64_t elapsed = previous == 0 ? 0 : now.count() - previous;
    intervals = step > 0 && elapsed > 0 ? static_cast<std::uint32_t>(std::min<std::int64_t>(elapsed / step, 64)) : 0;
    return true;
}

void decay(const config::LbWorker& lb, const LbStateView& state, std::uint32_t intervals) {
    if (intervals == 0) return;
    const unsigned shift = std::min<std::uint32_t>(intervals, 63);
    std::uint64_t lowest = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t i = 0; i < state.size(); ++i) {
        lowest = std::min(lowest, shared(state.member(i).lb_value).load());
    }
    for (std::size_t i = 0; i < state.size(); ++i) {
        MemberSlot& slot = state.member(i);
        auto value = shared(slot.lb_value);
        std::uint64_t old = value.load();
        // Next keeps the differences (who is next) and drops the common part; the others
        // forget half of their history per interval, a sliding window of recent load.
        while (!value.compare_exchange_weak(old, lb.method == config::LbMethod::next ? old - std::min(old, lowest)
                                                                                      : old >> shift)) {
        }
        auto timeouts = shared(slot.reply_timeouts);
        std::int32_t count = timeouts.load();
        while (!timeouts.compare_exchange_weak(count, shift >= 31 ? 0 : std::max(0, count) >> shift)) {
        }
    }
}

// ERR -> ERR/REC once recover_time has passed; a probe nobody answered for -> ERR/REC again.
// Every call: a member is probed recover_time after its error, not up to a maintain interval
// later (the transitions are compare-and-swap, so processes checking at once agree).
void check_recovery(const config::LbWorker& lb, MemberSlot& slot, Micros now, std::chrono::milliseconds probe_timeout,
                    MaintainReport& report) {
    const auto recover = std::chrono::duration_cast<Micros>(lb.recover_time).count();
    const auto probe_expiry = std::max<std::int64_t>(
        {recover, std::chrono::duration_cast<Micros>(probe_timeout).count(), std::int64_t{1}});
    switch (member_state(slot)) {
    case MemberState::error:
        if (now.count() - shared(slot.last_error_time).load() > recover &&
            transition_state(slot, MemberState::error, MemberState::recovering)) {
            ++report.to_recovering;
        }
        break;
    case MemberState::probing:
        // The prober died or hung: let another process probe.
        if (now.count() - shared(slot.probe_time).load() > probe_expiry &&
            transition_state(slot, MemberState::probing, MemberState::recovering)) {
            ++report.probes_expired;
        }
        break;
    default: break;
    }
}

// Once per interval: local errors that no success cleared within error_escalation_time.
void check_escalation(const config::LbWorker& lb, MemberSlot& slot, Micros now, MaintainReport& report) {
    const auto escalation = std::chrono::duration_cast<Micros>(lb.error_escalation_time).count();
    if (member_state(slot) == MemberState::ok) {
        const std::int64_t first = shared(slot.error_time).load();
        if (first != 0 && now.count() - first >= escalation &&
            transition_state(slot, MemberState::ok, MemberState::error)) {
            shared(slot.last_error_time).store(now.count());
            ++report.escalated;
        }
    }
    shared(slot.elected_at_maintain).store(shared(slot.elected).load(std::memory_order_relaxed));
}

}  // namespace

MaintainReport maintain(const config::LbWorker& lb, const LbStateView& state, std::chrono::seconds interval,
                        Micros now, std::chrono::milliseconds probe_timeout) noexcept {
    MaintainReport report;
    if (!state.valid() || state.size() != lb.members.size()) return report;
    for (std::size_t i = 0; i < state.size(); ++i) check_recovery(lb, state.member(i), now, probe_timeout, report);
    if (!claim_round(state.header(), interval, now, report.intervals)) return report;
    report.ran = true;
    decay(lb, state, report.intervals);
    for (std::size_t i = 0; i < state.size(); ++i) check_escalation(lb, state.member(i), now, report);
    return report;
}

}  // namespace ajpgate::balancer
