// cmd=update of the status worker, decided here on plain values: which settings a request
// changes, to what, and what each change logs, with mod_jk 1.2.48's parameter names, ranges
// and messages. modules/ reads the current values out of shared memory, calls plan_update and
// writes the result back (lib/balancer's lb_settings, ajp_state, member activation and
// lbfactor). Nothing here touches shared memory.
//
// Parameters (mod_jk's): lb      vlr retries, vlri retry_interval, vlt recover_time, vlee
// error_escalation_time, vlx max_reply_timeouts, vls sticky_session, vlf sticky_session_force,
// vlm method, vll lock; member  vwa activation, vwf lbfactor, vwn route, vwr redirect, vwc
// domain, vwd distance; ajp13   vahst host, vaprt port, vacpt connection_pool_timeout, vapng
// ping_timeout, vact connect_timeout, vapt prepost_timeout, vart reply_timeout, var retries,
// vari retry_interval, vacpi connection_ping_interval, varo recovery_options, vabl busy_limit,
// vamps max_packet_size. Mass edit: att=<one of the member/ajp13 names>, val<N> for member N.
// As in mod_jk a value out of range (or not a number: atoi gives 0) is ignored silently, an
// unknown activation/method/lock letter means the default, and a text longer than 63 bytes
// fails the update with mod_jk's message.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "balancer/ajp_state.hpp"
#include "balancer/lb_settings.hpp"
#include "balancer/lb_state.hpp"
#include "status/status_request.hpp"

namespace ajpgate::status {

// An lb member's values an update may change.
struct MemberValues {
    std::string name;  // the member's ajp13 worker name (sw)
    balancer::RuntimeActivation activation = balancer::RuntimeActivation::active;
    int lbfactor = 1;
    balancer::MemberSettings lb;
    balancer::AjpSettings ajp;
};

struct LbValues {
    std::string name;
    balancer::LbSettings settings;
    std::vector<MemberValues> members;
};

struct AjpValues {
    std::string name;
    balancer::AjpSettings settings;
};

// What plan_update decided. The values passed in were changed in place.
struct UpdateResult {
    std::optional<std::string> error;   // worker.result.message; nullopt: "Action finished"
    std::vector<std::string> changes;   // one info line per changed value (mod_jk's wording)
    bool lb_changed = false;            // lb settings or any member's route/redirect/domain/distance
    bool activation_changed = false;    // mod_jk then resets every member's lb value
    bool lbfactor_changed = false;      // mod_jk then recomputes the multipliers
    std::vector<bool> ajp_changed;      // per member (lb), or [0] for an ajp13 worker
};

// True when host:port resolves (mod_jk refuses an address it cannot resolve). Injected so the
// decision stays testable.
using Resolver = std::function<bool(const std::string& host, int port)>;

// An update addressed to an lb (w=lb, with or without sw / att) or to an ajp13 worker.
// `status_name` is the status worker's name, for the log lines.
UpdateResult plan_update(LbValues& lb, const StatusRequest& request, std::string_view status_name,
                         const Resolver& resolves);
UpdateResult plan_update(AjpValues& ajp, const StatusRequest& request, std::string_view status_name,
                         const Resolver& resolves);

}  // namespace ajpgate::status
