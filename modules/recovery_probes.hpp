// Load balancer upkeep off the request path, run by each child's background thread about
// every second: every lb's maintenance (lib/balancer runs it at most once per worker.maintain
// across all processes) and the recovery probes lib/balancer says are due (claim_due_probes:
// members in ERR/REC, including those the status worker's "recover" marked). Each probe is a
// CPING on a fresh connection, bounded by the worker's ping_timeout (and its connect by
// socket_connect_timeout), in a job of its own: a node that accepts and never answers holds
// up nothing else.
#pragma once

#include "log/log.hpp"
#include "modules/background_jobs.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

void run_lb_recovery(ChildRuntime& runtime, BackgroundJobs& jobs, const log::Logger& logger);

}  // namespace ajpgate::httpd
