// The status worker's view of this httpd (lib/status/status_model.hpp) and the values its
// edits start from, read out of the configuration, this child's current worker copies and
// the shared memory every child writes to. Pure reading: nothing here changes state.
#pragma once

#include <string>

#include "modules/httpd.hpp"
#include "modules/worker_runtime.hpp"
#include "status/status_edit.hpp"
#include "status/status_model.hpp"

namespace ajpgate::httpd {

// Everything cmd=list/show/dump/version may show. `r` gives the server name and port as the
// client addressed them, and the virtual hosts whose URI maps are listed.
status::StatusPage take_snapshot(request_rec* r, ChildRuntime& runtime, const GlobalConfig& global);

// cmd=history: a copy of every ajp13 worker's ring (empty without shared state).
std::vector<status::WorkerHistory> history_snapshot(const ChildRuntime& runtime);

// The current editable values of lb `index` / ajp13 worker `index` (config order).
status::LbValues lb_values(ChildRuntime& runtime, std::size_t index);
status::AjpValues ajp_values(ChildRuntime& runtime, std::size_t index);

// mod_jk's text for a virtual host: "name:port" for the main server, "name [addr:port]" for
// a virtual host.
std::string vhost_text(const server_rec* s);

}  // namespace ajpgate::httpd
