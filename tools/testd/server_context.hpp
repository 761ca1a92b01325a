// What every connection of one ajp-testd process shares.
#pragma once

#include "testd/cli_options.hpp"
#include "testd/recorder.hpp"
#include "testd/session_route.hpp"
#include "testd/stop_signal.hpp"

namespace ajpgate::testd {

struct ServerContext {
    const ServerOptions& options;
    Recorder& recorder;
    SessionCounter& sessions;
    StopSignal& stop;
};

}  // namespace ajpgate::testd
