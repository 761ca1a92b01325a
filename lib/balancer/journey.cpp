// run_journey(): the lb's attempt loop over the request policy and the attempt budget.
#include "balancer/journey.hpp"

#include <algorithm>
#include <chrono>

#include "balancer/drain.hpp"
#include "balancer/lb_admin.hpp"
#include "balancer/retry.hpp"

namespace ajpgate::balancer {
namespace {

// A connect that timed out (neither accepted nor refused) on a member that answered other
// requests meanwhile: its accept queue is full (a Tomcat connector at maxConnections with its
// acceptCount backlog full drops new SYNs), it is not dead. A dead or hung member answers
// nothing in that time, and a refused connect is no timeout.
bool full_not_dead(const AttemptReport& report, std::uint64_t answered_before, std::uint64_t answered_after) {
    return report.failure == Failure::connect_failed && report.connect_timed_out && answered_after != answered_before;
}

// How long a request waits between two looks at members that are full (at busy_limit): a
// place freed by another request is taken this soon, not a whole retry_interval later.
constexpr std::chrono::milliseconds kFullPollInterval{10};

// The sleep between two rounds, taken in slices while members are full. Each round sleeps at
// most retry_interval in all, as mod_jk's does, so the bound on a request's wait is the same.
class RoundSleep {
public:
    explicit RoundSleep(std::chrono::milliseconds interval) noexcept : interval_(interval) {}

    // A short look-again while members are full; false once this round's interval is spent.
    bool poll(JourneyPort& port) {
        if (slept_ >= interval_) return false;
        const auto slice = std::min(kFullPollInterval, interval_ - slept_);
        port.sleep(slice);
        slept_ += slice;
        return true;
    }
    // A new round begins: what is left of the interval.
    void rest_of_round(JourneyPort& port) {
        if (slept_ < interval_) port.sleep(interval_ - slept_);
        slept_ = std::chrono::milliseconds(0);
    }

private:
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds slept_{0};
};

}  // namespace

JourneyResult run_journey(const config::LbWorker& lb, const LbStateView& state, RequestContext& request,
                          MethodKind method, JourneyPort& port) {
    JourneyResult result;
    AttemptBudget budget(lb);
    RoundSleep round_sleep(budget.retry_interval());
    bool first_pick = true;
    // The budget ends the loop; the guard only bounds it should a selection keep failing
    // without spending the budget (it cannot: each failed selection ends a round). Looks at
    // full members do not count: each spends part of a round's interval.
    for (int guard = 0; guard < 1024; ++guard) {
        const Selection pick = select_member(lb, state, request);
        if (first_pick && pick.route_member) {
            result.route_member = pick.route_member;
            // Only a drain wants to know (drain.hpp); otherwise this is one relaxed load.
            if (draining(state, *pick.route_member)) note_route_request(state, *pick.route_member, port.now());
        }
        first_pick = false;
        if (pick.forced_members > 0) port.forced_recovery(pick.forced_members);
        if (!pick) {
            result.refusal = pick.error;
            // Members at busy_limit: look again shortly, within this round's interval. Not in
            // the last round, which ends without a sleep (as mod_jk's).
            if (pick.members_full && !budget.last_round() && round_sleep.poll(port)) {
                --guard;
                continue;
            }
            const RetryStep step = budget.after_failure(request, true);
            if (step == RetryStep::give_up) break;
            if (step == RetryStep::retry_after_interval) round_sleep.rest_of_round(port);
            continue;
        }
        const std::size_t m = *pick.member;
        // Full since the pick (another child took its last place): choose again. It was not
        // tried, so it leaves request.tried; being full, the next choice passes it over, and
        // a choice that finds every such member full waits for a place as above.
        if (!claim_request(state, m)) {
            request.tried.erase(m);
            continue;
        }
        const std::uint64_t answered_before = answered_count(state, m);
        AttemptReport report = port.attempt(m, pick);
        if (full_not_dead(report, answered_before, answered_count(state, m))) {
            report.failure = Failure::member_full;  // another member, and no charge
            port.member_full(m);
        }
        ++result.attempts;
        result.decision = decide({report.failure, report.progress, report.body, method, report.recovery});
        port.health_changed(m, end_request(lb, state, m, result.decision.health, report.transfer, port.now()));
        if (!result.first_member) result.first_member = m;
        result.last_member = m;
        if (result.decision.step == NextStep::done) {
            result.end = JourneyEnd::answered;
            const bool had_session = !request.sessions.empty() || !request.forced_route.empty();
            count_answered(state, m, pick.reason == PickReason::sticky, had_session);
            return result;
        }
        if (result.decision.step == NextStep::stop) {
            result.end = JourneyEnd::stopped;
            return result;
        }
        result.refusal.reset();
        const RetryStep step = budget.after_failure(request);
        port.failed_over(m, result.decision, step != RetryStep::give_up);
        if (step == RetryStep::give_up) {
            result.end = JourneyEnd::exhausted;
            count_unavailable(state);
            return result;
        }
        if (step == RetryStep::retry_after_interval) round_sleep.rest_of_round(port);
    }
    result.end = JourneyEnd::refused;
    count_unavailable(state);
    return result;
}

std::string_view to_string(JourneyEnd end) noexcept {
    switch (end) {
    case JourneyEnd::answered: return "answered";
    case JourneyEnd::stopped: return "stopped";
    case JourneyEnd::exhausted: return "exhausted";
    case JourneyEnd::refused: return "refused";
    }
    return "?";
}

}  // namespace ajpgate::balancer
