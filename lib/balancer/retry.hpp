// How many members one request may try, as mod_jk: up to min(lb_retries, members) members
// per round, up to `retries` rounds (lb properties), sleeping retry_interval between rounds.
// A new round forgets which members the request tried (they may be back), but forced
// recovery still happens at most once per request. Worst case, with the transport's own
// per-member retries: ajp retries x min(lb_retries, members) x lb retries attempts.
// Whether a failed attempt may be retried at all (body already sent, recovery_options) is the
// request policy's decision (request_policy.hpp); run_journey (journey.hpp) asks it, then this.
#pragma once

#include <chrono>
#include <cstdint>

#include "balancer/selector.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

enum class RetryStep : std::uint8_t {
    retry_now,             // select another member at once
    retry_after_interval,  // sleep retry_interval, then select (a new round began)
    give_up,               // answer the client with the failure
};

class AttemptBudget {
public:
    explicit AttemptBudget(const config::LbWorker& lb) noexcept;

    // After a failed attempt (or a selection that found nothing): what to do next.
    // Starting a new round clears request.tried.
    RetryStep after_failure(RequestContext& request, bool selection_failed = false) noexcept;

    std::chrono::milliseconds retry_interval() const noexcept { return interval_; }
    int rounds() const noexcept { return rounds_; }
    int per_round() const noexcept { return per_round_; }
    // No round follows this one: a failure now gives up.
    bool last_round() const noexcept { return round_ + 1 >= rounds_; }

private:
    int rounds_;
    int per_round_;
    std::chrono::milliseconds interval_;
    int round_ = 0;
    int in_round_ = 0;
};

}  // namespace ajpgate::balancer
