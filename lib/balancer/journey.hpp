// The journey of one balanced request: pick a member, attempt it, judge the outcome with the
// request policy, report it to the member's health, then try another member, wait for the
// next round, or stop. The web server's side comes in through a JourneyPort: the clock, the
// sleeper, the attempt itself (the transport) and the events worth a log line. Nothing here
// knows httpd, sockets or the wall clock, so failover orders and their timing are simulated
// exactly in unit tests.
//
// Budget (retry.hpp, as mod_jk): up to min(lb_retries, members) members per round, `retries`
// rounds, `retry_interval` between rounds. While the only members left are at their busy_limit,
// that interval is slept in 10 ms slices with a look at the members after each, so a place
// freed meanwhile is taken at once; a round still sleeps no more than retry_interval in all. A member's own retries on new connections happen
// inside its attempt (the transport asks the same policy), so `retry_same` from the policy
// means "another member" here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "balancer/health.hpp"
#include "balancer/request_policy.hpp"
#include "balancer/selector.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

// How one attempt on a member ended, as the policy needs it.
struct AttemptReport {
    Failure failure = Failure::none;
    Progress progress = Progress::nothing_sent;
    BodyState body = BodyState::none;
    Transfer transfer;
    RecoveryOptions recovery;  // the member's recovery_options (editable at run time)
    // connect_failed because the connect timed out: the backend neither accepted nor refused.
    bool connect_timed_out = false;
};

class JourneyPort {
public:
    virtual ~JourneyPort() = default;
    virtual Micros now() = 0;
    virtual void sleep(std::chrono::milliseconds duration) = 0;
    // Sends the request to `member`, chosen as `selection` says.
    virtual AttemptReport attempt(std::size_t member, const Selection& selection) = 0;

    // Events, for the log.
    virtual void forced_recovery(std::uint32_t /*members*/) {}
    virtual void health_changed(std::size_t /*member*/, HealthChange /*change*/) {}
    // A connect to the member timed out while it answered other requests: full, not in error.
    virtual void member_full(std::size_t /*member*/) {}
    // An attempt failed; `next` says whether another member follows (false: the budget is spent).
    virtual void failed_over(std::size_t /*member*/, const Decision& /*decision*/, bool /*next*/) {}
};

enum class JourneyEnd : std::uint8_t {
    answered,   // a member answered: decision.step is done
    stopped,    // the policy stopped the request: decision says with what
    exhausted,  // the last member failed and the budget is spent (503)
    refused,    // no member could be chosen (503; refusal says why)
};

struct JourneyResult {
    JourneyEnd end = JourneyEnd::refused;
    Decision decision;                     // of the last attempt, if any
    std::optional<SelectError> refusal;    // the last selection that found no member
    std::optional<std::size_t> first_member;
    std::optional<std::size_t> last_member;
    std::optional<std::size_t> route_member;  // the member the session's route names (Selection)
    int attempts = 0;
};

JourneyResult run_journey(const config::LbWorker& lb, const LbStateView& state, RequestContext& request,
                          MethodKind method, JourneyPort& port);

std::string_view to_string(JourneyEnd end) noexcept;

}  // namespace ajpgate::balancer
