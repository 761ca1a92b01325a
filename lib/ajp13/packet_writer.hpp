// Encodes one packet straight into a caller-owned buffer of max_packet_size bytes.
// A put that does not fit fails and poisons the writer: every later put fails and
// finish() reports does_not_fit. Nothing is ever truncated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ajp13/constants.hpp"
#include "ajp13/status.hpp"

namespace ajpgate::ajp13 {

class PacketWriter {
public:
    // buffer.size() is the packet size limit (header included).
    PacketWriter(std::span<std::uint8_t> buffer, Direction direction) noexcept;

    // Start a new packet: writes the signature, clears the payload and the overflow flag.
    void reset() noexcept;

    bool put_u8(std::uint8_t value) noexcept;
    bool put_u16(std::uint16_t value) noexcept;
    bool put_bool(bool value) noexcept;
    // length, bytes, NUL. Strings of 0xFFFF bytes or more cannot be encoded: fails.
    bool put_string(std::string_view value) noexcept;
    bool put_null_string() noexcept;  // 0xFFFF, nothing follows
    bool put_bytes(std::span<const std::uint8_t> bytes) noexcept;  // raw, no length
    // A header name: the 2-byte code when there is one, else a string. A string name must be
    // shorter than 0xA000 bytes, or its length would read as a code: such a name fails.
    bool put_header_name(std::string_view name, std::optional<std::uint16_t> code) noexcept;

    // Writes the payload length into the header. ok, or does_not_fit if any put failed.
    Status finish() noexcept;

    bool overflowed() const noexcept { return overflowed_; }
    // 0 when the buffer cannot even hold a header (such a writer is always overflowed).
    std::size_t payload_size() const noexcept { return used_ < header_size ? 0 : used_ - header_size; }
    std::size_t remaining() const noexcept { return buffer_.size() - used_; }
    std::size_t capacity() const noexcept { return buffer_.size(); }
    // Header + payload written so far (valid as a packet after finish()).
    std::span<const std::uint8_t> packet() const noexcept { return buffer_.first(used_); }

private:
    bool reserve(std::size_t n) noexcept;

    std::span<std::uint8_t> buffer_;
    Direction direction_;
    std::size_t used_ = 0;
    bool overflowed_ = false;
};

}  // namespace ajpgate::ajp13
