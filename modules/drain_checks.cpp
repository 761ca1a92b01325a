#include "modules/drain_checks.hpp"

#include "balancer/drain.hpp"
#include "modules/lb_shared.hpp"
#include "modules/messages.hpp"
#include "modules/monotonic_clock.hpp"

namespace ajpgate::httpd {

void run_drain_checks(const ChildRuntime& runtime, const log::Logger& logger) {
    if (!runtime.lb_shared_present()) return;
    const auto& lbs = runtime.workers().lb_workers();
    const auto& ajp13 = runtime.workers().ajp13_workers();
    for (std::size_t l = 0; l < lbs.size(); ++l) {
        const balancer::LbStateView& view = runtime.lb_shared().view(l);
        for (std::size_t m = 0; m < view.size() && m < lbs[l].members.size(); ++m) {
            if (!balancer::draining(view, m)) continue;
            const balancer::Micros now = monotonic_now();
            const balancer::DrainEvents events = balancer::check_drain(view, m, now);
            if (!events.stopped && !events.drained) continue;
            const std::string what = "lb " + lbs[l].name + ": drain of member " + ajp13[lbs[l].members[m].worker].name;
            const balancer::DrainProgress p = balancer::drain_progress(view, m, now);
            if (events.stopped) {
                logger.log(log::Level::info, msg::drain_event,
                           what + ": nothing in flight, activation now STP: its sessions move to other members");
            }
            if (events.drained) {
                logger.log(log::Level::info, msg::drain_event,
                           what + ": drained after " + std::to_string(p.elapsed_s) + " s (idle for " +
                               std::to_string(p.idle_s) + " s, " + std::to_string(p.rebinds) + " sessions re-bound)");
            }
        }
    }
}

}  // namespace ajpgate::httpd
