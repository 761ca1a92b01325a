#include "transport/watched_receive.hpp"

namespace ajpgate::transport {

ReceiveResult WatchedReceive::next(ajp13::Frame& frame) {
    if (!limits_.liveness || limits_.liveness_after.count() <= 0 || answered_) {
        return channel_.receive(frame, limits_.reply_timeout);
    }
    // The slices below replace the link's own timeout: the whole wait must still end by it.
    std::chrono::milliseconds left =
        limits_.reply_timeout.count() > 0 ? limits_.reply_timeout : limits_.socket_timeout;  // zero: no limit
    for (;;) {
        const auto slice = left.count() > 0 && left < limits_.liveness_after ? left : limits_.liveness_after;
        const ReceiveResult received = channel_.receive(frame, slice);
        if (received != ReceiveResult::timeout) {
            answered_ = received == ReceiveResult::packet;
            return received;
        }
        if (left.count() > 0 && (left -= slice).count() <= 0) return received;
        if (!limits_.liveness->member_alive()) {
            hung_ = true;
            return received;
        }
    }
}

}  // namespace ajpgate::transport
