// The listener: binds, announces the port, accepts, runs one thread per connection,
// and on SIGTERM/SIGINT closes everything and returns.
#pragma once

#include "testd/cli_options.hpp"

namespace ajpgate::testd {

// Process exit status: 0 after a clean stop, 1 when start-up failed.
int run_server(const ServerOptions& options);

}  // namespace ajpgate::testd
