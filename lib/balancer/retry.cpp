// Counting a request's attempts over members and rounds.
#include "balancer/retry.hpp"

#include <algorithm>

namespace ajpgate::balancer {

AttemptBudget::AttemptBudget(const config::LbWorker& lb) noexcept
    : rounds_(std::max(1, lb.retries)),
      per_round_(std::max(1, std::min(lb.lb_retries, static_cast<int>(lb.members.size())))),
      interval_(std::max(std::chrono::milliseconds(0), lb.retry_interval)) {}

RetryStep AttemptBudget::after_failure(RequestContext& request, bool selection_failed) noexcept {
    if (!selection_failed) ++in_round_;
    if (!selection_failed && in_round_ < per_round_) return RetryStep::retry_now;
    if (round_ + 1 >= rounds_) return RetryStep::give_up;
    ++round_;
    in_round_ = 0;
    request.tried = MemberSet{};
    return RetryStep::retry_after_interval;
}

}  // namespace ajpgate::balancer
