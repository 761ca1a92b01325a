#include "modules/member_liveness.hpp"

#include <string>

#include "modules/messages.hpp"
#include "modules/monotonic_clock.hpp"
#include "check/rule_ids.hpp"

namespace ajpgate::httpd {

bool MemberLiveness::member_alive() {
    if (!worker_.shared) return true;  // nothing to share a verdict in: do not guess
    switch (balancer::assess_liveness(*worker_.shared, monotonic_now(), settings_.after)) {
    case balancer::Liveness::alive: return true;
    case balancer::Liveness::hung: return false;
    case balancer::Liveness::probe: break;
    }
    const bool answered = transport::probe_new_connection(
        *worker_.connector, static_cast<std::size_t>(worker_.config->max_packet_size), settings_.probe_timeout);
    if (answered) {
        balancer::record_answer(*worker_.shared, monotonic_now());
    } else {
        balancer::record_hung(*worker_.shared, monotonic_now());
        logger_.log(log::Level::warn, msg::backend_hung,
                    worker_.description + ": a request waited " + std::to_string(settings_.after.count()) +
                        " ms for its answer and a new connection got no CPONG within " +
                        std::to_string(settings_.probe_timeout.count()) + " ms: the member is hung" +
                        check::rule_ids::no_cpong_note);
    }
    return answered;
}

void note_answer(Ajp13Runtime& worker) {
    if (worker.shared) balancer::record_answer(*worker.shared, monotonic_now());
}

}  // namespace ajpgate::httpd
