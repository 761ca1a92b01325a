// scan_frame: decides from the 4-byte header alone whether a packet is acceptable, so a
// bad signature or an oversized length is refused before any payload is waited for.
#include "ajp13/framing.hpp"

namespace ajpgate::ajp13 {

std::optional<MessageType> Frame::type() const noexcept {
    if (payload.empty()) return std::nullopt;
    return static_cast<MessageType>(payload[0]);
}

Frame scan_frame(std::span<const std::uint8_t> received, Direction expected,
                 std::size_t packet_limit) noexcept {
    Frame frame;
    if (received.size() < header_size) {
        frame.status = Status::need_more;
        frame.needed = header_size - received.size();
        return frame;
    }
    const auto signature = static_cast<std::uint16_t>((received[0] << 8) | received[1]);
    const auto length = static_cast<std::size_t>((received[2] << 8) | received[3]);
    if (signature != signature_of(expected) || header_size + length > packet_limit) {
        frame.status = Status::malformed;
        return frame;
    }
    const std::size_t packet_size = header_size + length;
    if (received.size() < packet_size) {
        frame.status = Status::need_more;
        frame.needed = packet_size - received.size();
        return frame;
    }
    frame.status = Status::ok;
    frame.packet_size = packet_size;
    frame.payload = received.subspan(header_size, length);
    return frame;
}

}  // namespace ajpgate::ajp13
