// Asking whether a member is alive while a request waits on it (balancer/hung_check.hpp
// decides when; this is the asking): the exchange calls a LivenessCheck when the first packet
// of the answer is late, and a probe is a CPING on a connection of its own, never on the one
// the request waits on (AJP has no way to ask a busy connection).
#pragma once

#include <chrono>
#include <cstddef>

#include "transport/connection_pool.hpp"

namespace ajpgate::transport {

class LivenessCheck {
public:
    virtual ~LivenessCheck() = default;
    // false: the member is hung; the waiting request gives up on it.
    virtual bool member_alive() = 0;
};

// Opens a new connection (outside any pool), sends a CPING and waits `timeout` for the CPONG.
bool probe_new_connection(Connector& connector, std::size_t packet_size, std::chrono::milliseconds timeout);

}  // namespace ajpgate::transport
