// Socket set-up for the listener (separate from the accept loop to keep both small).
#pragma once

#include <string>

namespace ajpgate::testd {

struct Listener {
    int fd = -1;
    int port = 0;  // the actual port (useful with --port 0)
};

// Binds and listens on host:port (numeric IPv4 or IPv6). On failure fd is -1 and
// `error` says why.
Listener open_listener(const std::string& host, int port, int backlog, std::string& error);

// Writes "PORT\n" to `path` atomically (temporary file + rename), so a test polling for
// the file never reads a half-written one.
bool write_ready_file(const std::string& path, int port, std::string& error);

// "ip:port" of an accepted peer.
std::string peer_name(int fd);

}  // namespace ajpgate::testd
