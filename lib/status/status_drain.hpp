// cmd=drain of the status worker (ajpgate's own): drain one lb member in one action
// (lib/balancer/drain.hpp has the rules). Parameters:
//   w           the lb worker
//   sw          one member of it (no wildcards)
//   mode        drain (default: DIS, sessions end where they are) or migrate (then STP, so the
//               sessions move to other members)
//   drain_idle  seconds without requests in flight or carrying the member's route after which
//               it is drained: 0..86400, default 30
// It changes state like update: refused in read-only mode and from another site's page.
// Here: the parameters' checks, the log line, and what the views show of a drain (the JSON
// object, the HTML line) for the renderers and the dashboard.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "balancer/drain.hpp"
#include "status/status_model.hpp"
#include "status/status_request.hpp"

namespace ajpgate::status {

struct DrainOrder {
    balancer::DrainMode mode = balancer::DrainMode::drain;
    std::chrono::seconds drain_idle = balancer::kDrainIdleDefault;
};

// The order, or the message of what is wrong with the parameters (w and sw are checked to
// exist by check_target before).
struct DrainParse {
    std::optional<DrainOrder> order;
    std::optional<std::string> error;
};
DrainParse parse_drain_order(const StatusRequest& request);

// The info line of a started drain (with who asked, added by the caller).
std::string drain_change_text(std::string_view status_name, std::string_view lb, std::string_view member,
                              const DrainOrder& order, std::string_view activation_before);

// The "drain" object of a member in mime=json: {"mode":..,"phase":..,...}; every value a
// number, a boolean or a fixed word.
std::string drain_json(const DrainView& drain);

// One line of plain text telling a drain's progress (the HTML page, the dashboard):
// "migrate: migrating for 12 s; in flight 0; 3 requests with its route in the last 10 s,
// the last 1 s ago; idle 0 of 30 s; 5 sessions re-bound".
std::string drain_summary(const DrainView& drain);

}  // namespace ajpgate::status
