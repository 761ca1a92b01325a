// Member health: what each attempt's outcome does to the member, periodic maintenance
// (load decay, recovery timing, error escalation) and recovery probes.
//
// Errors, as mod_jk:
// - A failure that proves the node unreachable (connect failed, CPING unanswered) or a
//   positive fail_on_status code puts the member in ERR at once.
// - A failure of one exchange (protocol error, connection closed mid-exchange) is "local"
//   while other requests are running on the member: the member stays OK, the error time is
//   remembered, and it escalates to ERR when no request succeeds on the member within
//   error_escalation_time (checked at the next failure and at maintenance). With no other
//   request running, or error_escalation_time 0, it is an ERR at once.
// - A reply timeout counts; the member goes to ERR when the count exceeds
//   max_reply_timeouts. The count is halved at each maintenance interval.
// - Client-side errors and negative fail_on_status codes never touch the member.
// Recovery: maintain() moves a member that has been in ERR for more than recover_time
// (counted from its last error or failed probe) to ERR/REC. A prober (each httpd child's
// background thread, about every second) then claims it with claim_probe() or
// claim_due_probes(), sends a CPING, and reports probe_result(): OK puts it back to OK with the
// highest lb value of the usable members (so it is not flooded), a failure back to ERR for
// another recover_time. Until then ERR/REC members take only sticky requests (selector.hpp).
// A success of a real request also clears every error state.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "balancer/lb_state.hpp"
#include "balancer/request_policy.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

// Outcome (what an attempt says about the member) lives in request_policy.hpp.


// What a reported outcome did to the member, for the caller's log.
enum class HealthChange : std::uint8_t {
    none,
    recovered,     // was in ERR/REC/FRC/PRB (or had a local error), now OK
    local_error,   // remembered; escalates unless a request succeeds soon
    marked_error,  // member now in ERR
};

// What fail_on_status says about a response status.
enum class StatusVerdict : std::uint8_t { pass, fail_member, fail_request };
StatusVerdict classify_status(std::span<const int> fail_on_status, int status) noexcept;

struct Transfer {
    std::uint64_t bytes_read = 0;     // request body bytes sent to the backend
    std::uint64_t bytes_written = 0;  // response bytes sent to the client
};

// Around each attempt on a member: begin before sending, end with the outcome.
void begin_request(const LbStateView& state, std::size_t member) noexcept;
// begin_request() within the member's busy_limit, counted across every child: false, and
// nothing counted, when the member is already full. The selector checks the limit too, but a
// request in another child may take the last place between that check and this one.
bool claim_request(const LbStateView& state, std::size_t member) noexcept;
// How many attempts the member has answered, in every child: a change is proof of life.
std::uint64_t answered_count(const LbStateView& state, std::size_t member) noexcept;
HealthChange end_request(const config::LbWorker& lb, const LbStateView& state, std::size_t member,
                         Outcome outcome, Transfer transfer, Micros now) noexcept;

struct MaintainReport {
    bool ran = false;            // false: another caller did this interval's maintenance
    std::uint32_t intervals = 0; // whole maintain intervals elapsed (decay steps)
    std::uint32_t to_recovering = 0;  // ERR -> ERR/REC (probe them)
    std::uint32_t escalated = 0;      // local errors escalated to ERR
    std::uint32_t probes_expired = 0; // ERR/PRB whose prober never answered -> ERR/REC
};

// Periodic upkeep; call it often (each background tick): recovery timing (ERR -> ERR/REC
// after recover_time, abandoned probes) on every call; decay and error escalation at most once
// per `interval` across all processes (report.ran says whether this call did them). interval
// 0: no decay.
// Decay: Request, Traffic, Session and Busyness halve lb values per elapsed interval; Next
// subtracts the smallest lb value; reply-timeout counts halve per elapsed interval.
// probe_timeout: how long a probe may rightly take (connect and CPING); a claim (ERR/PRB)
// is taken from its prober as dead only when it is older than this and than recover_time,
// so a slow probe into a hung node is not joined by another one every interval.
MaintainReport maintain(const config::LbWorker& lb, const LbStateView& state, std::chrono::seconds interval,
                        Micros now, std::chrono::milliseconds probe_timeout = {}) noexcept;

// ERR/REC -> ERR/PRB for the caller that will probe; false when someone else took it.
bool claim_probe(const LbStateView& state, std::size_t member, Micros now) noexcept;
HealthChange probe_result(const LbStateView& state, std::size_t member, bool answered, Micros now) noexcept;
// The probes due now, for a prober that calls this about every second after maintain():
// every member in ERR/REC, claimed (ERR/PRB) for this caller, so each is probed by one
// process only. Probing every ERR/REC member at once (not only those the caller's own
// maintain() moved) means a member whose maintaining process exited is still probed, and the
// status worker's "recover" (mark_for_recovery) is answered within a tick; its probe request
// flag is taken here too.
std::vector<std::size_t> claim_due_probes(const LbStateView& state, Micros now);

// A member whose host name did not resolve cannot be reached: ERR now, with an error counted,
// until recovery. Once the name resolves, mark_for_recovery() gets it probed at once.
HealthChange mark_unreachable(const LbStateView& state, std::size_t member, Micros now) noexcept;

// The highest lb value among members usable for new sessions (0 when none).
std::uint64_t max_usable_lb_value(const LbStateView& state) noexcept;

}  // namespace ajpgate::balancer
