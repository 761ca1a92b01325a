// Periodic upkeep of a child's workers (idle connections past connection_pool_timeout):
// on requests every worker.maintain seconds, or in a background thread every
// JkWatchdogInterval seconds when that is set.
#pragma once

#include "modules/httpd.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

void run_maintenance_if_due(ChildRuntime& runtime, const GlobalConfig& global);
// Starts the watchdog thread of this child; it stops when `pchild` is destroyed.
void start_watchdog(apr_pool_t* pchild, ChildRuntime& runtime, std::chrono::seconds interval);

}  // namespace ajpgate::httpd
