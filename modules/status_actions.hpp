// The status worker's changes (update, reset, recover, drain) carried out on shared memory, so every
// httpd child sees them at once. What to change is decided in lib/status (status_edit.hpp);
// this writes it through lib/balancer's API. Each change is logged by the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "modules/worker_runtime.hpp"
#include "status/status_request.hpp"

namespace ajpgate::httpd {

struct ActionOutcome {
    std::optional<std::string> error;  // mod_jk's worker.result.message
    std::vector<std::string> changes;  // what changed, one line each, for the log
};

// `status_name`: the status worker's name (log lines). The request's w / sw name the target,
// already checked to exist (check_target).
ActionOutcome run_update(ChildRuntime& runtime, const status::StatusRequest& request, const std::string& status_name);
ActionOutcome run_reset(ChildRuntime& runtime, const status::StatusRequest& request, std::int64_t now_unix);
ActionOutcome run_recover(ChildRuntime& runtime, const status::StatusRequest& request, const std::string& status_name);
// cmd=drain (lib/status/status_drain.hpp); its parameters were checked by request_error.
ActionOutcome run_drain(ChildRuntime& runtime, const status::StatusRequest& request, const std::string& status_name);

}  // namespace ajpgate::httpd
