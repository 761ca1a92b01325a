// A request mapped to a status worker (worker.X.type=status): mod_jk's jkstatus, answered
// from lib/status (request parsing, access, edits, renderers) over this child's workers and
// the shared memory. Every answer is HTTP 200 as in mod_jk (errors are told in the body's
// result), except a change sent by another site's page (403) and methods other than
// GET/HEAD/POST (405).
#pragma once

#include "config/worker_model.hpp"
#include "modules/httpd.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

int serve_status(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const GlobalConfig& global,
                 const config::StatusWorker& worker);

}  // namespace ajpgate::httpd
