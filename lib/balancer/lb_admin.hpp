// What the status worker does to an lb's shared state besides editing settings (mod_jk's
// "reset" and "recover"), and the lb-wide busy count it shows.
#pragma once

#include <cstddef>
#include <cstdint>

#include "balancer/lb_state.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

// Requests inside the lb now (and the most at once): around a balanced request.
void lb_request_begin(const LbStateView& view) noexcept;
void lb_request_end(const LbStateView& view) noexcept;

// The metrics' lb counters (lb_state.hpp): a request answered by `member`, which it reached
// by its session route or not (`had_session`: the request carried a session id or JK_ROUTE);
// a request no member could serve.
void count_answered(const LbStateView& view, std::size_t member, bool sticky, bool had_session) noexcept;
void count_unavailable(const LbStateView& view) noexcept;

// Start-up or reset time shown as last_reset_at (unix seconds).
void set_last_reset(const LbStateView& view, std::int64_t now_unix) noexcept;
std::int64_t last_reset(const LbStateView& view) noexcept;

// Reset, as mod_jk: the member's statistics go to zero and its state back to OK (an error is
// forgotten: the next request may pick it, and a failure puts it back in error).
void reset_member(const LbStateView& view, std::size_t member) noexcept;
// Every member, the lb's max_busy, and last_reset.
void reset_lb(const LbStateView& view, std::int64_t now_unix) noexcept;

// Recover, as mod_jk: a member in ERR goes to ERR/REC at once (not after recover_time),
// starting at the highest lb value (except for Busyness, whose value counts live requests),
// and a recovery probe is requested (take_probe_request). False when it was not in ERR.
bool mark_for_recovery(const config::LbWorker& lb, const LbStateView& view, std::size_t member) noexcept;
// True once after mark_for_recovery: the caller probes the members in ERR/REC now.
bool take_probe_request(const LbStateView& view) noexcept;

}  // namespace ajpgate::balancer
