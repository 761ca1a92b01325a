// Serving a request on an lb worker: choose a member (session route first, then by the lb
// method), run the attempt on it, report the outcome to the shared health state, and fail
// over to another member while nothing has reached the client and the request can be
// replayed. Members in recovery are probed with CPING, never with a user's request.
#pragma once

#include "modules/forward.hpp"

namespace ajpgate::httpd {

int forward_to_lb(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, std::size_t lb_index,
                  const config::RuleExtensions* ext, ClientSide& client);

}  // namespace ajpgate::httpd
