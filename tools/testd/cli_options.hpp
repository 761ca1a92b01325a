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
    std::chrono::milliseconds cpong_delay{0};  // wait before each CPONG (a JVM that is slow to answer)
    // The command line's delays, fault and cpong_delay apply to what arrives from fault_after
    // after the start (a backend that turns bad), for fault_for (one that recovers by itself;
    // 0: for ever). Both 0 by default: from the start, for ever.
    std::chrono::milliseconds fault_after{0};
    std::chrono::milliseconds fault_for{0};
    bool quiet = false;              // no per-connection error lines on stderr
    // Tomcat's maxConnections and acceptCount: with this many connections open the server
    // accepts no more; further ones wait in a listen backlog of accept_count, and beyond it
    // the kernel drops their SYN (the client's connect times out). 0: no limit.
    std::size_t max_connections = 0;
    int accept_count = 1024;
    RequestOptions defaults;         // per-request defaults, overridable by X-Testd
};

enum class CliOutcome { run, help, error };

// args excludes the program name. On error, `error` says what is wrong.
CliOutcome parse_command_line(std::span<const std::string_view> args, ServerOptions& options,
                              std::string& error);

std::string usage_text();

// Whether the command line's delays, fault and cpong_delay apply to something that arrives
// `since_start` after the server started (see fault_after, fault_for).
bool command_line_faults_apply(const ServerOptions& options, std::chrono::milliseconds since_start) noexcept;

// The per-request defaults for something arriving `since_start` after the start: the
// command line's, without its delays and fault outside the fault window.
RequestOptions defaults_at(const ServerOptions& options, std::chrono::milliseconds since_start);

}  // namespace ajpgate::testd
