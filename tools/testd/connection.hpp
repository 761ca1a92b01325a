// One accepted connection: the container side of the AJP13 exchange, request after
// request, until the peer closes, a fault asks to close, or the server stops.
#pragma once

#include <cstdint>
#include <string>

#include "testd/server_context.hpp"

namespace ajpgate::testd {

// Serves `fd` until done; does not close it (the caller owns the descriptor).
void serve_connection(int fd, std::uint64_t connection_number, const std::string& peer, ServerContext& context);

}  // namespace ajpgate::testd
