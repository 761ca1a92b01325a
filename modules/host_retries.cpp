#include "modules/host_retries.hpp"
#include "modules/monotonic_clock.hpp"

#include <algorithm>
#include <limits>

#include "balancer/health.hpp"
#include "balancer/lb_admin.hpp"
#include "modules/lb_shared.hpp"
#include "modules/messages.hpp"

namespace ajpgate::httpd {

namespace {

// lib/transport's resolver interface, answered by the child's runtime.
class WorkerResolver final : public transport::HostResolver {
public:
    WorkerResolver(ChildRuntime& runtime, std::size_t worker) : runtime_(runtime), worker_(worker) {}
    bool resolve() override { return runtime_.retry_resolve(worker_); }

private:
    ChildRuntime& runtime_;
    std::size_t worker_;
};

// Every (lb, member) pair whose member is ajp13 worker `worker`.
template <typename F>
void for_each_member(ChildRuntime& runtime, std::size_t worker, F&& f) {
    const auto& lbs = runtime.workers().lb_workers();
    for (std::size_t l = 0; l < lbs.size(); ++l) {
        for (std::size_t m = 0; m < lbs[l].members.size(); ++m) {
            if (lbs[l].members[m].worker == worker) f(l, m);
        }
    }
}

}  // namespace

HostRetries::HostRetries(ChildRuntime& runtime, const log::Logger& logger)
    : runtime_(runtime), logger_(logger), next_due_(std::numeric_limits<transport::Clock::rep>::max()) {
    const auto now = transport::Clock::now();
    const std::size_t count = runtime.workers().ajp13_workers().size();
    for (std::size_t i = 0; i < count; ++i) {
        const Ajp13Runtime& w = runtime.ajp13(i);
        if (w.resolved) continue;
        pending_.push_back({i, transport::ResolveRetry(now)});
        logger.log(log::Level::warn, msg::host_unresolved,
                   w.description + ": host name does not resolve; requests to it get 503 while it is asked again "
                                   "in the background (1 s, then doubling up to every 60 s)");
        for_each_member(runtime, i, [&](std::size_t l, std::size_t m) {
            if (runtime.lb_shared_present()) balancer::mark_unreachable(runtime.lb_shared().view(l), m, monotonic_now());
        });
    }
    if (!pending_.empty()) next_due_.store(pending_.front().retry.next_attempt().time_since_epoch().count());
}

bool HostRetries::due(transport::Clock::time_point now) const noexcept {
    return now.time_since_epoch().count() >= next_due_.load(std::memory_order_acquire);
}

void HostRetries::run(transport::Clock::time_point now) {
    auto next = std::numeric_limits<transport::Clock::rep>::max();
    for (Entry& e : pending_) {
        WorkerResolver resolver(runtime_, e.worker);
        const auto step = e.retry.poll(resolver, now);
        if (step == transport::ResolveRetry::Step::resolved) resolved(e.worker);
        if (step == transport::ResolveRetry::Step::failed && logger_.enabled(log::Level::debug)) {
            logger_.log(log::Level::debug, msg::host_unresolved,
                        runtime_.ajp13(e.worker).description + ": host name still does not resolve; next try in " +
                            std::to_string(transport::resolve_retry_delay(e.retry.failures()).count()) + " s");
        }
        if (!e.retry.resolved()) next = std::min(next, e.retry.next_attempt().time_since_epoch().count());
    }
    std::erase_if(pending_, [](const Entry& e) { return e.retry.resolved(); });
    next_due_.store(next, std::memory_order_release);
}

void HostRetries::resolved(std::size_t worker) {
    const Ajp13Runtime& w = runtime_.ajp13(worker);
    logger_.log(log::Level::info, msg::host_resolved,
                w.description + ": host name resolves now (" + w.connector->address_text() + "); the worker is usable");
    if (!runtime_.lb_shared_present()) return;
    for_each_member(runtime_, worker, [&](std::size_t l, std::size_t m) {
        // In ERR (from start-up or from requests meanwhile): probed at the next tick, not
        // after recover_time. Another child may have brought it back already.
        balancer::mark_for_recovery(runtime_.lb(l), runtime_.lb_shared().view(l), m);
    });
}

}  // namespace ajpgate::httpd
