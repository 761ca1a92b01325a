// Each httpd child's background thread: everything the module does on its own time, never on
// a user's request.
// - About every second: every lb's maintenance and the recovery probes it says are due
//   (recovery_probes.hpp), which also answers the status worker's "recover" within a tick.
// - Host names that did not resolve at start-up, asked again with backoff (host_retries.hpp).
// - Every JkWatchdogInterval seconds (worker.maintain when unset): idle connections past
//   connection_pool_timeout closed, and ping_mode I's CPINGs on idle connections.
// What may wait on the network runs in jobs of its own (background_jobs.hpp).
#pragma once

#include <chrono>
#include <memory>

#include "log/log.hpp"
#include "modules/httpd.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

// Starts the thread of this child (child_init); it stops, and its jobs are joined, when
// `pchild` is destroyed at the child's exit.
void start_background(apr_pool_t* pchild, std::shared_ptr<ChildRuntime> runtime, const log::Logger& logger,
                      std::chrono::seconds watchdog_interval);

}  // namespace ajpgate::httpd
