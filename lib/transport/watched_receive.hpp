// The exchange's wait for the backend, with the hung-member check on the first packet: while
// that packet is late by `liveness_after`, ask the LivenessCheck, and again after each further
// `liveness_after`, until it comes, the check says "hung", or the wait's limit passes.
// The limit is reply_timeout, or when that is zero the socket timeout: the checks slice the
// wait into short reads, and without a limit of their own a member that keeps answering its
// CPINGs would keep a request waiting for ever, past the socket_timeout it is configured with.
#pragma once

#include <chrono>

#include "ajp13/framing.hpp"
#include "transport/liveness.hpp"
#include "transport/packet_channel.hpp"

namespace ajpgate::transport {

struct ReceiveLimits {
    std::chrono::milliseconds reply_timeout{0};   // between two packets; zero: socket_timeout
    std::chrono::milliseconds socket_timeout{0};  // the link's own; zero: no limit
    LivenessCheck* liveness = nullptr;            // null: no hung-member check
    std::chrono::milliseconds liveness_after{0};
};

class WatchedReceive {
public:
    WatchedReceive(PacketChannel& channel, const ReceiveLimits& limits) : channel_(channel), limits_(limits) {}

    // The next packet; the wait for the first one is watched by the liveness check.
    ReceiveResult next(ajp13::Frame& frame);
    // A timeout from next() came from the liveness check's "hung", not from the clock.
    bool member_hung() const noexcept { return hung_; }

private:
    PacketChannel& channel_;
    ReceiveLimits limits_;
    bool answered_ = false;  // a packet came: the liveness check is over
    bool hung_ = false;      // the liveness check said the member is hung
};

}  // namespace ajpgate::transport
