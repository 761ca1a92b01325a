// What every connection of one ajp-testd process shares.
#pragma once

#include <chrono>

#include "testd/cli_options.hpp"
#include "testd/recorder.hpp"
#include "testd/request_gauge.hpp"
#include "testd/session_route.hpp"
#include "testd/stop_signal.hpp"

namespace ajpgate::testd {

struct ServerContext {
    const ServerOptions& options;
    Recorder& recorder;
    SessionCounter& sessions;
    StopSignal& stop;
    RequestGauge& requests;  // requests being answered now, and the most at once
    std::chrono::steady_clock::time_point started;  // when the server began listening

    std::chrono::milliseconds since_start() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    }
};

}  // namespace ajpgate::testd
