#include "modules/recovery_probes.hpp"
#include "modules/monotonic_clock.hpp"

#include <algorithm>

#include "balancer/health.hpp"
#include "modules/lb_shared.hpp"
#include "modules/messages.hpp"

namespace ajpgate::httpd {

namespace {

// A CPING on a fresh connection (never a pooled one: it must say whether the node answers
// now); an answered one joins the pool.
bool probe(Ajp13Runtime& w) {
    if (!w.resolved) return false;
    std::unique_ptr<transport::Connection> connection;
    if (w.pool->acquire(connection, false) != transport::AcquireResult::connected) return false;
    const bool answered = transport::cping(connection->channel(), w.config->ping_timeout);
    w.pool->release(std::move(connection), answered, w.pool->now());
    return answered;
}

void probe_member(ChildRuntime& runtime, std::size_t lb_index, std::size_t member, const log::Logger& logger) {
    const config::LbWorker& lb = runtime.lb(lb_index);
    const balancer::LbStateView& view = runtime.lb_shared().view(lb_index);
    const std::size_t worker = lb.members[member].worker;
    // Another child resolved the name and asked for this probe before this child's own retry
    // came round: ask once more here rather than fail the member for another recover_time.
    if (!runtime.ajp13(worker).resolved) runtime.retry_resolve(worker);
    Ajp13Runtime& w = runtime.ajp13(worker);
    const bool answered = probe(w);
    const auto change = balancer::probe_result(view, member, answered, monotonic_now());
    if (answered) {
        if (change == balancer::HealthChange::recovered) {
            logger.log(log::Level::info, msg::lb_member_recovered,
                       "lb " + lb.name + ": member " + w.config->name + " is back (recovery probe answered)");
        }
    } else {
        logger.log(log::Level::info, msg::lb_member_error,
                   "lb " + lb.name + ": recovery probe of " + w.config->name + " got no CPONG; still in error");
    }
}

// The longest a probe of one of the lb's members may take: its connect (ping_timeout again
// when socket_connect_timeout leaves it to the OS) and its CPING, and a second to spare.
std::chrono::milliseconds probe_timeout(ChildRuntime& runtime, const config::LbWorker& lb) {
    std::chrono::milliseconds longest{0};
    for (const config::LbMember& member : lb.members) {
        const config::Ajp13Worker& w = *runtime.ajp13(member.worker).config;
        const auto connect = w.socket_connect_timeout.count() > 0 ? w.socket_connect_timeout : w.ping_timeout;
        longest = std::max(longest, connect + w.ping_timeout + std::chrono::milliseconds(1000));
    }
    return longest;
}

}  // namespace

void run_lb_recovery(ChildRuntime& runtime, BackgroundJobs& jobs, const log::Logger& logger) {
    const std::size_t lbs = runtime.workers().lb_workers().size();
    for (std::size_t l = 0; l < lbs; ++l) {
        const config::LbWorker& lb = runtime.lb(l);
        const balancer::LbStateView& view = runtime.lb_shared().view(l);
        balancer::maintain(lb, view, runtime.workers().maintain_interval(), monotonic_now(), probe_timeout(runtime, lb));
        for (const std::size_t m : balancer::claim_due_probes(view, monotonic_now())) {
            // Claimed: this job must report a result (or the claim expires after recover_time).
            jobs.start(0, [&runtime, l, m, logger] { probe_member(runtime, l, m, logger); });
        }
    }
}

}  // namespace ajpgate::httpd
