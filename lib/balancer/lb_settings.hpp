// The lb settings the status worker changes at run time (mod_jk's "update" of an lb and of
// its members' lb attributes). They live in the lb's shared state, so an edit made in one
// httpd child reaches every child: each child keeps a copy of its lb configuration and
// refreshes it when the shared settings_sequence moved (pull_lb_settings), one relaxed load
// per request. Activation and lbfactor are not here: they are single atomics in MemberSlot
// that the selector reads directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "balancer/lb_state.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

struct LbSettings {
    int retries = 0;
    std::chrono::milliseconds retry_interval{0};
    std::chrono::seconds recover_time{0};
    std::chrono::seconds error_escalation_time{0};
    int max_reply_timeouts = 0;
    bool sticky_session = true;
    bool sticky_session_force = false;
    config::LbMethod method = config::LbMethod::requests;
    config::LbLock lock = config::LbLock::optimistic;
};

struct MemberSettings {
    std::string route;
    std::string redirect;
    std::string domain;
    int distance = 0;
};

// The editable part of a configured lb.
LbSettings settings_of(const config::LbWorker& lb);
MemberSettings settings_of(const config::LbMember& member);

// Writes `lb`'s configured settings into freshly initialised state (init_lb_state does it).
void seed_lb_settings(const LbStateView& view, const config::LbWorker& lb) noexcept;

std::uint32_t lb_settings_sequence(const LbStateView& view) noexcept;

// A consistent copy of the shared settings; nullopt when a writer kept them busy too long.
struct LbSettingsCopy {
    std::uint32_t sequence = 0;
    LbSettings lb;
    std::vector<MemberSettings> members;  // in member order
};
std::optional<LbSettingsCopy> read_lb_settings(const LbStateView& view);

// Replaces the shared settings (one writer at a time across processes). `members` must hold
// one entry per member; texts longer than kSharedTextMax are refused (false, nothing written).
bool write_lb_settings(const LbStateView& view, const LbSettings& lb, const std::vector<MemberSettings>& members);

// Copies the settings into `lb` (a copy of the configured lb worker).
void apply_settings(const LbSettingsCopy& settings, config::LbWorker& lb);

}  // namespace ajpgate::balancer
