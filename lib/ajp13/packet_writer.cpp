// PacketWriter: every put reserves its whole size first, so a field is either written
// completely or not at all, and the first failure poisons the packet.
#include "ajp13/packet_writer.hpp"

#include <algorithm>
#include <cstring>

namespace ajpgate::ajp13 {

namespace {

// The payload length travels in 2 bytes, so no packet can carry more than this,
// whatever the size of the buffer the caller hands us.
constexpr std::size_t max_encodable_packet = header_size + 0xFFFF;

// A string name whose length starts with 0xA0 would be read back as a header code.
constexpr std::size_t max_header_name_length = 0xA000 - 1;

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

bool PacketWriter::reserve(std::size_t n) noexcept {
    if (overflowed_ || n > buffer_.size() - used_) {
        overflowed_ = true;
        return false;
    }
    return true;
}

bool PacketWriter::put_u8(std::uint8_t value) noexcept {
    if (!reserve(1)) return false;
    buffer_[used_++] = value;
    return true;
}

bool PacketWriter::put_u16(std::uint16_t value) noexcept {
    if (!reserve(2)) return false;
    buffer_[used_++] = static_cast<std::uint8_t>(value >> 8);
    buffer_[used_++] = static_cast<std::uint8_t>(value & 0xFF);
    return true;
}

bool PacketWriter::put_bool(bool value) noexcept { return put_u8(value ? 1 : 0); }

bool PacketWriter::put_string(std::string_view value) noexcept {
    // 0xFFFF is the null marker, so the longest real string is 0xFFFE bytes.
    if (value.size() >= null_string_length) {
        overflowed_ = true;
        return false;
    }
    if (!reserve(2 + value.size() + 1)) return false;
    put_u16(static_cast<std::uint16_t>(value.size()));
    if (!value.empty()) std::memcpy(buffer_.data() + used_, value.data(), value.size());
    used_ += value.size();
    buffer_[used_++] = 0;
    return true;
}

bool PacketWriter::put_null_string() noexcept { return put_u16(null_string_length); }

bool PacketWriter::put_bytes(std::span<const std::uint8_t> bytes) noexcept {
    if (!reserve(bytes.size())) return false;
    if (!bytes.empty()) std::memcpy(buffer_.data() + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
    return true;
}

bool PacketWriter::put_header_name(std::string_view name, std::optional<std::uint16_t> code) noexcept {
    if (code) return put_u16(*code);
    if (name.size() > max_header_name_length) {
        overflowed_ = true;
        return false;
    }
    return put_string(name);
}

Status PacketWriter::finish() noexcept {
    if (overflowed_) return Status::does_not_fit;
    const std::size_t length = payload_size();
    buffer_[2] = static_cast<std::uint8_t>(length >> 8);
    buffer_[3] = static_cast<std::uint8_t>(length & 0xFF);
    return Status::ok;
}

}  // namespace ajpgate::ajp13
