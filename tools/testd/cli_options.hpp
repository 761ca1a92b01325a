// ajp-testd's command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "testd/request_options.hpp"

namespace ajpgate::testd {

struct ServerOptions {
    std::string host = "127.0.0.1";  // loopback unless told otherwise
    int port = -1;                   // 0: pick a free port
    std::size_t packet_size = 8192;  // aligned as mod_jk does
    std::string route;               // jvmRoute; empty: no session handling
    std::string name = "ajp-testd";  // reported in the echo body
    std::optional<std::string> secret;
    std::string record_path;         // --record FILE
    std::string ready_file;          // the port is written here once listening
    bool no_cpong = false;
    bool quiet = false;              // no per-connection error lines on stderr
    RequestOptions defaults;         // per-request defaults, overridable by X-Testd
};

enum class CliOutcome { run, help, error };

// args excludes the program name. On error, `error` says what is wrong.
CliOutcome parse_command_line(std::span<const std::string_view> args, ServerOptions& options,
                              std::string& error);

std::string usage_text();

}  // namespace ajpgate::testd
