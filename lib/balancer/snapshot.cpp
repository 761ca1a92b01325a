// Reading a member's runtime values out of the shared state.
#include "balancer/snapshot.hpp"

namespace ajpgate::balancer {

MemberSnapshot snapshot_member(const LbStateView& state, std::size_t member) noexcept {
    MemberSnapshot out;
    if (!state.valid() || member >= state.size()) return out;
    MemberSlot& slot = state.member(member);
    out.state = member_state(slot);
    out.activation = member_activation(slot);
    out.state_name = display_state(slot);
    out.activation_name = to_string(out.activation);
    out.lb_value = shared(slot.lb_value).load(std::memory_order_relaxed);
    out.lb_mult = shared(slot.lb_mult).load(std::memory_order_relaxed);
    out.elected = shared(slot.elected).load(std::memory_order_relaxed);
    out.sessions = shared(slot.sessions).load(std::memory_order_relaxed);
    out.sticky_hits = shared(slot.sticky_hits).load(std::memory_order_relaxed);
    out.failovers = shared(slot.failovers).load(std::memory_order_relaxed);
    out.bytes_read = shared(slot.bytes_read).load(std::memory_order_relaxed);
    out.bytes_written = shared(slot.bytes_written).load(std::memory_order_relaxed);
    out.errors = shared(slot.errors).load(std::memory_order_relaxed);
    out.client_errors = shared(slot.client_errors).load(std::memory_order_relaxed);
    out.reply_timeouts_total = shared(slot.reply_timeouts_total).load(std::memory_order_relaxed);
    out.busy = shared(slot.busy).load(std::memory_order_relaxed);
    out.max_busy = shared(slot.max_busy).load(std::memory_order_relaxed);
    out.reply_timeouts = shared(slot.reply_timeouts).load(std::memory_order_relaxed);
    out.lbfactor = shared(slot.lbfactor).load(std::memory_order_relaxed);
    out.busy_limit = shared(slot.busy_limit).load(std::memory_order_relaxed);
    out.error_time = Micros(shared(slot.error_time).load(std::memory_order_relaxed));
    out.last_error_time = Micros(shared(slot.last_error_time).load(std::memory_order_relaxed));
    return out;
}

}  // namespace ajpgate::balancer
