#include "transport/packet_channel.hpp"

#include <cstring>

namespace ajpgate::transport {

namespace {

constexpr std::size_t min_receive_buffer = 64 * 1024;

}  // namespace

PacketChannel::PacketChannel(Link& link, std::size_t packet_size)
    : link_(link),
      packet_size_(packet_size),
      send_buffer_(2 * packet_size),
      receive_buffer_(packet_size > min_receive_buffer ? packet_size : min_receive_buffer) {}

bool PacketChannel::has_complete_packet() const noexcept {
    const std::span<const std::uint8_t> pending(receive_buffer_.data() + consumed_, filled_ - consumed_);
    return ajp13::scan_frame(pending, ajp13::Direction::to_server, packet_size_).status == ajp13::Status::ok;
}

IoResult PacketChannel::send(std::span<const std::uint8_t> packet) { return link_.write_all(packet); }

ReceiveResult PacketChannel::receive(ajp13::Frame& frame, std::chrono::milliseconds timeout) {
    for (;;) {
        const std::span<const std::uint8_t> pending(receive_buffer_.data() + consumed_, filled_ - consumed_);
        frame = ajp13::scan_frame(pending, ajp13::Direction::to_server, packet_size_);
        if (frame.status == ajp13::Status::ok) {
            consumed_ += frame.packet_size;
            return ReceiveResult::packet;
        }
        if (frame.status != ajp13::Status::need_more) return ReceiveResult::malformed;

        // Make room for the rest of this packet: it always fits once moved to the front,
        // because scan_frame rejected anything larger than the buffer.
        if (consumed_ > 0 && filled_ + frame.needed > receive_buffer_.size()) {
            std::memmove(receive_buffer_.data(), receive_buffer_.data() + consumed_, filled_ - consumed_);
            filled_ -= consumed_;
            consumed_ = 0;
        }
        if (consumed_ == filled_) consumed_ = filled_ = 0;
        std::size_t got = 0;
        const std::span<std::uint8_t> space(receive_buffer_.data() + filled_, receive_buffer_.size() - filled_);
        switch (link_.read_some(space, got, timeout)) {
        case IoResult::ok: filled_ += got; break;
        case IoResult::eof: return ReceiveResult::closed;
        case IoResult::timeout: return ReceiveResult::timeout;
        case IoResult::error: return ReceiveResult::io_error;
        }
    }
}

}  // namespace ajpgate::transport
