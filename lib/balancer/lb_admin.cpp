#include "balancer/lb_admin.hpp"

#include <algorithm>

namespace ajpgate::balancer {

void lb_request_begin(const LbStateView& view) noexcept {
    if (!view.valid()) return;
    LbHeader& h = view.header();
    raise_max(h.max_busy, shared(h.busy).fetch_add(1, std::memory_order_relaxed) + 1);
}

void lb_request_end(const LbStateView& view) noexcept {
    if (view.valid()) shared(view.header().busy).fetch_sub(1, std::memory_order_relaxed);
}

void count_answered(const LbStateView& view, std::size_t member, bool sticky, bool had_session) noexcept {
    if (!view.valid() || member >= view.size()) return;
    MemberSlot& s = view.member(member);
    if (sticky) {
        shared(s.sticky_hits).fetch_add(1, std::memory_order_relaxed);
    } else if (had_session) {
        shared(s.failovers).fetch_add(1, std::memory_order_relaxed);
    }
}

void count_unavailable(const LbStateView& view) noexcept {
    if (view.valid()) shared(view.header().unavailable).fetch_add(1, std::memory_order_relaxed);
}

void set_last_reset(const LbStateView& view, std::int64_t now_unix) noexcept {
    if (view.valid()) shared(view.header().last_reset).store(now_unix, std::memory_order_relaxed);
}

std::int64_t last_reset(const LbStateView& view) noexcept {
    return view.valid() ? shared(view.header().last_reset).load(std::memory_order_relaxed) : 0;
}

void reset_member(const LbStateView& view, std::size_t member) noexcept {
    if (!view.valid() || member >= view.size()) return;
    MemberSlot& s = view.member(member);
    set_member_state(s, MemberState::ok);
    shared(s.error_time).store(0);
    shared(s.last_error_time).store(0);
    shared(s.lb_value).store(0);
    shared(s.elected).store(0);
    shared(s.elected_at_maintain).store(0);
    shared(s.sessions).store(0);
    shared(s.errors).store(0);
    shared(s.client_errors).store(0);
    shared(s.reply_timeouts_total).store(0);
    shared(s.reply_timeouts).store(0);
    shared(s.bytes_read).store(0);
    shared(s.bytes_written).store(0);
    shared(s.max_busy).store(shared(s.busy).load());
}

void reset_lb(const LbStateView& view, std::int64_t now_unix) noexcept {
    if (!view.valid()) return;
    for (std::size_t m = 0; m < view.size(); ++m) reset_member(view, m);
    shared(view.header().max_busy).store(shared(view.header().busy).load());
    set_last_reset(view, now_unix);
}

bool mark_for_recovery(const config::LbWorker& lb, const LbStateView& view, std::size_t member) noexcept {
    if (!view.valid() || member >= view.size()) return false;
    MemberSlot& slot = view.member(member);
    if (member_state(slot) != MemberState::error) return false;
    if (lb.method != config::LbMethod::busyness) {
        std::uint64_t highest = 0;
        for (std::size_t m = 0; m < view.size(); ++m) highest = std::max(highest, shared(view.member(m).lb_value).load());
        shared(slot.lb_value).store(highest);
    }
    shared(slot.reply_timeouts).store(0);
    if (!transition_state(slot, MemberState::error, MemberState::recovering)) return false;
    shared(view.header().probe_wanted).store(1);
    return true;
}

bool take_probe_request(const LbStateView& view) noexcept {
    if (!view.valid()) return false;
    auto wanted = shared(view.header().probe_wanted);
    return wanted.load(std::memory_order_relaxed) != 0 && wanted.exchange(0) != 0;
}

}  // namespace ajpgate::balancer
