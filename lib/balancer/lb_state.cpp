// Sizing, placement and the small atomic helpers of the shared lb state.
#include "balancer/lb_state.hpp"

#include "balancer/lb_settings.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <numeric>

namespace ajpgate::balancer {

namespace {

bool fits(std::span<std::byte> memory, std::size_t member_count) {
    const std::size_t need = lb_state_bytes(member_count);
    if (need == 0 || memory.size() < need) return false;
    return reinterpret_cast<std::uintptr_t>(memory.data()) % kLbStateAlignment == 0;
}

MemberSlot* slots_after(LbHeader* header) {
    return reinterpret_cast<MemberSlot*>(reinterpret_cast<std::byte*>(header) + sizeof(LbHeader));
}

}  // namespace

static_assert(sizeof(LbHeader) % alignof(MemberSlot) == 0, "members follow the header aligned");

std::size_t lb_state_bytes(std::size_t member_count) noexcept {
    if (member_count == 0 || member_count > kMaxMembers) return 0;
    return sizeof(LbHeader) + member_count * sizeof(MemberSlot);
}

LbStateView init_lb_state(std::span<std::byte> memory, const config::LbWorker& lb,
                          const std::vector<config::Ajp13Worker>& ajp13) {
    const std::size_t count = lb.members.size();
    if (!fits(memory, count)) return {};
    std::memset(memory.data(), 0, lb_state_bytes(count));
    // Trivial types: placement new only starts their lifetime over the zeroed bytes.
    auto* header = new (memory.data()) LbHeader{};
    header->magic = kLbStateMagic;
    header->version = kLbStateVersion;
    header->member_count = static_cast<std::uint32_t>(count);
    MemberSlot* slots = slots_after(header);
    std::int32_t factors[kMaxMembers];
    std::uint64_t mults[kMaxMembers];
    for (std::size_t i = 0; i < count; ++i) {
        const config::LbMember& m = lb.members[i];
        MemberSlot* slot = new (&slots[i]) MemberSlot{};
        slot->state = static_cast<std::uint8_t>(MemberState::ok);
        slot->activation = static_cast<std::uint8_t>(to_runtime(m.activation));
        slot->lbfactor = std::max(1, m.lbfactor);
        slot->busy_limit = m.worker < ajp13.size() ? std::max(0, ajp13[m.worker].busy_limit) : 0;
        factors[i] = slot->lbfactor;
    }
    compute_lb_mults({factors, count}, {mults, count});
    for (std::size_t i = 0; i < count; ++i) slots[i].lb_mult = mults[i];
    const LbStateView view{header, slots};
    seed_lb_settings(view, lb);
    std::atomic_thread_fence(std::memory_order_release);
    return view;
}

LbStateView attach_lb_state(std::span<std::byte> memory, std::size_t member_count) {
    if (!fits(memory, member_count)) return {};
    auto* header = std::launder(reinterpret_cast<LbHeader*>(memory.data()));
    if (header->magic != kLbStateMagic || header->version != kLbStateVersion ||
        header->member_count != member_count) {
        return {};
    }
    return {header, std::launder(slots_after(header))};
}

void set_member_state(MemberSlot& slot, MemberState state) noexcept {
    shared(slot.state).store(static_cast<std::uint8_t>(state));
}

bool transition_state(MemberSlot& slot, MemberState from, MemberState to) noexcept {
    auto expected = static_cast<std::uint8_t>(from);
    return shared(slot.state).compare_exchange_strong(expected, static_cast<std::uint8_t>(to));
}

void set_member_activation(MemberSlot& slot, RuntimeActivation activation) noexcept {
    shared(slot.activation).store(static_cast<std::uint8_t>(activation));
}

bool set_member_lbfactor(const LbStateView& view, std::size_t member, int lbfactor) noexcept {
    if (!view.valid() || member >= view.size() || lbfactor < 1) return false;
    shared(view.member(member).lbfactor).store(lbfactor);
    std::int32_t factors[kMaxMembers];
    std::uint64_t mults[kMaxMembers];
    const std::size_t count = view.size();
    for (std::size_t i = 0; i < count; ++i) factors[i] = shared(view.member(i).lbfactor).load();
    compute_lb_mults({factors, count}, {mults, count});
    for (std::size_t i = 0; i < count; ++i) shared(view.member(i).lb_mult).store(mults[i]);
    return true;
}

void compute_lb_mults(std::span<const std::int32_t> factors, std::span<std::uint64_t> mults) noexcept {
    std::uint64_t lcm = 1;
    bool exact = true;
    for (const std::int32_t f : factors) {
        const auto factor = static_cast<std::uint64_t>(std::max(1, f));
        const std::uint64_t step = factor / std::gcd(lcm, factor);
        if (lcm > kMultScale / step) {
            exact = false;
            break;
        }
        lcm *= step;
    }
    for (std::size_t i = 0; i < factors.size() && i < mults.size(); ++i) {
        const auto factor = static_cast<std::uint64_t>(std::max(1, factors[i]));
        mults[i] = exact ? lcm / factor : std::max<std::uint64_t>(1, (kMultScale + factor / 2) / factor);
    }
}

std::string_view to_string(MemberState state) noexcept {
    switch (state) {
    case MemberState::ok: return "OK";
    case MemberState::recovering: return "ERR/REC";
    case MemberState::forced: return "ERR/FRC";
    case MemberState::error: return "ERR";
    case MemberState::probing: return "ERR/PRB";
    }
    return "ERR";
}

std::string_view display_state(const MemberSlot& slot) noexcept {
    const MemberState state = member_state(slot);
    if (state != MemberState::ok) return to_string(state);
    auto& s = const_cast<MemberSlot&>(slot);
    const std::int32_t limit = shared(s.busy_limit).load();
    if (limit > 0 && shared(s.busy).load() >= limit) return "OK/BUSY";
    if (shared(s.elected).load() == shared(s.elected_at_maintain).load()) return "OK/IDLE";
    return "OK";
}

std::string_view to_string(RuntimeActivation activation) noexcept {
    switch (activation) {
    case RuntimeActivation::active: return "ACT";
    case RuntimeActivation::disabled: return "DIS";
    case RuntimeActivation::stopped: return "STP";
    }
    return "STP";
}

RuntimeActivation to_runtime(config::Activation activation) noexcept {
    switch (activation) {
    case config::Activation::active: return RuntimeActivation::active;
    case config::Activation::disabled: return RuntimeActivation::disabled;
    case config::Activation::stopped: return RuntimeActivation::stopped;
    }
    return RuntimeActivation::stopped;
}


}  // namespace ajpgate::balancer
