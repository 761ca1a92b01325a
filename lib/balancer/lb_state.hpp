// Runtime state of one lb worker, shared by every httpd child process.
//
// The layout is fixed plain data (integers only, no pointers) so modules/ can place it in
// APR shared memory: a header followed by one MemberSlot per member, in the config's member
// order. Fields are read and written through std::atomic_ref, which keeps the structs
// trivially copyable and standard layout (std::atomic members would not be) while every
// access stays lock-free and race-free across processes. Config stays in config::LbWorker;
// only what changes at run time lives here.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "balancer/shared_field.hpp"
#include "balancer/shared_text.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

// Time is microseconds since any fixed epoch shared by all processes (CLOCK_MONOTONIC
// suits); it must be positive, because 0 in a time field means "never".
using Micros = std::chrono::microseconds;

// mod_jk's member states. OK/IDLE and OK/BUSY are display variants of ok (see
// display_state), not stored states.
enum class MemberState : std::uint8_t {
    ok,          // OK: usable
    recovering,  // ERR/REC: recover_time passed; waits for a probe (sticky requests may try it)
    forced,      // ERR/FRC: forced recovery, every member was in error; usable once more
    error,       // ERR: never picked until recovered
    probing,     // ERR/PRB: a process is probing it with CPING right now
};

// Runtime activation (status worker edits it); initialised from the member's config.
enum class RuntimeActivation : std::uint8_t { active, disabled, stopped };

// Upper bound on members per lb: per-request member sets are fixed-size bitsets so a
// request allocates nothing.
inline constexpr std::size_t kMaxMembers = 256;

// Seconds of per-second counters a drain keeps of the requests carrying a member's route
// (drain.hpp): more than the window it reports, so the oldest second shown is never reused.
inline constexpr std::size_t kDrainRingSeconds = 16;

struct alignas(8) MemberSlot {
    std::uint64_t lb_value;     // method's load value; the lowest is picked
    std::uint64_t lb_mult;      // weight: lcm(all lbfactors) / lbfactor
    std::int64_t error_time;    // first unrecovered error (local or global); 0 none
    std::int64_t last_error_time;  // last error or failed probe: recover_time counts from it
    std::int64_t probe_time;    // when the running probe was claimed
    std::uint64_t elected;      // times picked
    std::uint64_t sessions;     // picks of requests without a session
    std::uint64_t errors;       // failures charged to the member
    std::uint64_t client_errors;  // client-side failures (never charged)
    std::uint64_t reply_timeouts_total;
    std::uint64_t bytes_read;     // from the client (request bodies)
    std::uint64_t bytes_written;  // to the client (responses)
    std::uint64_t elected_at_maintain;  // to show OK/IDLE
    std::int32_t busy;
    std::int32_t max_busy;
    std::int32_t reply_timeouts;  // since decay; member goes to ERR above max_reply_timeouts
    std::int32_t lbfactor;        // runtime value (status worker may change it)
    std::int32_t busy_limit;      // 0 unlimited (the member's ajp13 busy_limit)
    std::uint8_t state;           // MemberState
    std::uint8_t activation;      // RuntimeActivation
    std::uint8_t reserved[2];
    // Settings the status worker edits (lb_settings.hpp), under the header's settings_sequence.
    std::int32_t distance;
    std::int32_t reserved2;
    SharedText route;
    SharedText redirect;
    SharedText domain;
    // For the metrics views; only grow (a reset leaves them alone: lb_admin.hpp).
    std::uint64_t sticky_hits;  // answered here, picked by the session's route
    std::uint64_t failovers;    // answered here for a session another member (or none) was named by
    std::uint64_t answered;     // attempts answered: proof of life while a connect to it times out
    // cmd=drain's record (drain.hpp): what was asked, and what requests and checks saw since.
    std::int64_t drain_started;      // monotonic micros; 0: never drained
    std::int64_t drain_last_route;   // last request carrying the member's route; 0 none since the start
    std::int64_t drain_quiet_since;  // a check found nothing in flight and no pick since; 0: not quiet
    std::int64_t drain_done;         // first check that found it drained; 0 not yet
    std::uint64_t drain_elected;     // `elected` at the last check: a pick between checks is activity
    std::uint64_t drain_rebinds;     // sessions re-bound away from this member during the drain
    std::uint64_t drain_route_ring[kDrainRingSeconds];  // (second << 32) | requests in that second
    std::int32_t drain_idle_s;       // both zero for this long: drained
    std::uint8_t drain_mode;         // DrainMode
    std::uint8_t drain_switched;     // migrate: the member was stopped
    std::uint8_t drain_reserved[2];
};

struct alignas(8) LbHeader {
    std::uint32_t magic;
    std::uint32_t version;
    std::uint32_t member_count;
    std::uint32_t next_offset;   // where the next tie-breaking scan starts (fair rotation)
    std::int64_t last_maintain;  // last decay; 0 before the first maintenance
    std::int64_t last_reset;     // unix seconds of start-up or the last status worker reset
    std::int32_t busy;           // requests in the lb now, and the most at once
    std::int32_t max_busy;
    // Settings the status worker edits (lb_settings.hpp), under settings_sequence (seqlock.hpp).
    std::uint32_t settings_sequence;
    std::int32_t retries;
    std::int32_t retry_interval_ms;
    std::int32_t recover_time_s;
    std::int32_t error_escalation_time_s;
    std::int32_t max_reply_timeouts;
    std::uint8_t sticky_session;
    std::uint8_t sticky_session_force;
    std::uint8_t method;  // config::LbMethod
    std::uint8_t lock;    // config::LbLock
    std::uint32_t probe_wanted;  // the status worker marked a member for recovery: probe it soon
    std::uint32_t reserved;
    std::uint64_t unavailable;   // requests refused with 503: no member could serve (metrics)
};

static_assert(std::is_standard_layout_v<MemberSlot> && std::is_trivially_copyable_v<MemberSlot>);
static_assert(std::is_standard_layout_v<LbHeader> && std::is_trivially_copyable_v<LbHeader>);
static_assert(std::is_trivially_destructible_v<MemberSlot> && std::is_trivially_destructible_v<LbHeader>);
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free &&
              std::atomic_ref<std::int64_t>::is_always_lock_free &&
              std::atomic_ref<std::int32_t>::is_always_lock_free &&
              std::atomic_ref<std::uint8_t>::is_always_lock_free,
              "shared state needs lock-free atomics: a lock would not work across processes");

inline constexpr std::uint32_t kLbStateMagic = 0x414a4c42;  // "AJLB"
inline constexpr std::uint32_t kLbStateVersion = 5;
inline constexpr std::size_t kLbStateAlignment = alignof(LbHeader);

// Bytes the state of an lb with `member_count` members needs (0 when over kMaxMembers).
std::size_t lb_state_bytes(std::size_t member_count) noexcept;
inline std::size_t lb_state_bytes(const config::LbWorker& lb) noexcept { return lb_state_bytes(lb.members.size()); }

// A process-local handle on state living in someone else's memory (shared memory, a
// buffer). Cheap to copy; holds the only pointers, which never go into the shared bytes.
class LbStateView {
public:
    LbStateView() = default;
    LbStateView(LbHeader* header, MemberSlot* members) noexcept : header_(header), members_(members) {}

    bool valid() const noexcept { return header_ != nullptr; }
    std::size_t size() const noexcept { return header_ ? header_->member_count : 0; }
    LbHeader& header() const noexcept { return *header_; }
    MemberSlot& member(std::size_t index) const noexcept { return members_[index]; }

private:
    LbHeader* header_ = nullptr;
    MemberSlot* members_ = nullptr;
};

// Initialises the state for `lb` in `memory` (at least lb_state_bytes(lb) bytes, aligned to
// kLbStateAlignment): every member OK with lb_value 0, activation, lbfactor and busy limit
// from the config (`ajp13` is the config's ajp13 worker list, for busy_limit). Returns an
// invalid view when the memory is too small or misaligned or there are too many members.
LbStateView init_lb_state(std::span<std::byte> memory, const config::LbWorker& lb,
                          const std::vector<config::Ajp13Worker>& ajp13);

// Attaches to state another process initialised (same lb config); invalid view when the
// memory does not hold state for `member_count` members of this layout version.
LbStateView attach_lb_state(std::span<std::byte> memory, std::size_t member_count);

// Inline: the lb's choice reads both for every member on every request.
// The lb's scan reads them relaxed (its other loads are relaxed too), which lets the compiler
// keep the request's fields in registers across members.
inline MemberState member_state(const MemberSlot& slot, std::memory_order order = std::memory_order_seq_cst) noexcept {
    const auto raw = std::atomic_ref<std::uint8_t>(const_cast<std::uint8_t&>(slot.state)).load(order);
    return raw <= static_cast<std::uint8_t>(MemberState::probing) ? static_cast<MemberState>(raw) : MemberState::error;
}
inline RuntimeActivation member_activation(const MemberSlot& slot,
                                           std::memory_order order = std::memory_order_seq_cst) noexcept {
    const auto raw = std::atomic_ref<std::uint8_t>(const_cast<std::uint8_t&>(slot.activation)).load(order);
    return raw <= static_cast<std::uint8_t>(RuntimeActivation::stopped) ? static_cast<RuntimeActivation>(raw)
                                                                         : RuntimeActivation::stopped;
}
void set_member_state(MemberSlot& slot, MemberState state) noexcept;
bool transition_state(MemberSlot& slot, MemberState from, MemberState to) noexcept;
void set_member_activation(MemberSlot& slot, RuntimeActivation activation) noexcept;

// Changes a member's runtime lbfactor (status worker) and recomputes every lb_mult.
bool set_member_lbfactor(const LbStateView& view, std::size_t member, int lbfactor) noexcept;

// lb_mult for each factor: lcm(factors) / factor, as mod_jk. When the lcm would exceed
// kMultScale the weights become round(kMultScale / factor) instead, which keeps the ratios
// within 0.1% for factors up to 1000 and cannot overflow.
inline constexpr std::uint64_t kMultScale = std::uint64_t{1} << 24;
void compute_lb_mults(std::span<const std::int32_t> factors, std::span<std::uint64_t> mults) noexcept;

// mod_jk's display names: "OK", "OK/IDLE", "OK/BUSY", "ERR", "ERR/REC", "ERR/FRC", "ERR/PRB";
// and "ACT", "DIS", "STP".
std::string_view display_state(const MemberSlot& slot) noexcept;
std::string_view to_string(MemberState state) noexcept;
std::string_view to_string(RuntimeActivation activation) noexcept;
RuntimeActivation to_runtime(config::Activation activation) noexcept;


}  // namespace ajpgate::balancer
