// The drains' checks (lib/balancer/drain.hpp), run by each child's background thread about
// every second and by each status request before it reads the state: a migrate drain stops
// its member here, and a drain that reaches "drained" is told in the log once (AJPG0152).
#pragma once

#include "log/log.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

void run_drain_checks(const ChildRuntime& runtime, const log::Logger& logger);

}  // namespace ajpgate::httpd
