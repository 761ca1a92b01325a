// Serving a mapped request on its worker and turning the outcome into what the client sees:
// the backend's response, or 400/413/502/503/504 with one log line naming the worker.
#pragma once

#include "config/uri_extensions.hpp"
#include "modules/httpd.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

int forward_request(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const char* worker_name,
                    const config::RuleExtensions* extensions);

}  // namespace ajpgate::httpd
