// PacketWriter: construction, reset and finish. The puts are inline in the header; each
// claims its whole size first, so a field is either written completely or not at all, and
// the first failure poisons the packet.
#include "ajp13/packet_writer.hpp"

#include <algorithm>

namespace ajpgate::ajp13 {

namespace {

// The payload length travels in 2 bytes, so no packet can carry more than this,
// whatever the size of the buffer the caller hands us.
constexpr std::size_t max_encodable_packet = header_size + 0xFFFF;

}  // namespace

PacketWriter::PacketWriter(std::span<std::uint8_t> buffer, Direction direction) noexcept
    : buffer_(buffer.first(std::min(buffer.size(), max_encodable_packet))), direction_(direction) {
    reset();
}

void PacketWriter::reset() noexcept {
    used_ = 0;
    overflowed_ = false;
    if (buffer_.size() < header_size) {
        overflowed_ = true;
        return;
    }
    const std::uint16_t signature = signature_of(direction_);
    buffer_[0] = static_cast<std::uint8_t>(signature >> 8);
    buffer_[1] = static_cast<std::uint8_t>(signature & 0xFF);
    buffer_[2] = 0;
    buffer_[3] = 0;
    used_ = header_size;
}

Status PacketWriter::finish() noexcept {
    if (overflowed_) return Status::does_not_fit;
    const std::size_t length = payload_size();
    buffer_[2] = static_cast<std::uint8_t>(length >> 8);
    buffer_[3] = static_cast<std::uint8_t>(length & 0xFF);
    return Status::ok;
}

}  // namespace ajpgate::ajp13
