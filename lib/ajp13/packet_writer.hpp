// Encodes one packet straight into a caller-owned buffer of max_packet_size bytes.
// A put that does not fit fails and poisons the writer: every later put fails and
// finish() reports does_not_fit. Nothing is ever truncated.
// The puts are inline: a FORWARD_REQUEST makes some forty of them, and as out-of-line
// calls they cost more than the bytes they write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

    bool put_u8(std::uint8_t value) noexcept {
        std::uint8_t* at = nullptr;
        if (!claim(1, at)) return false;
        at[0] = value;
        return true;
    }
    bool put_u16(std::uint16_t value) noexcept {
        std::uint8_t* at = nullptr;
        if (!claim(2, at)) return false;
        store_u16(at, value);
        return true;
    }
    bool put_bool(bool value) noexcept { return put_u8(value ? 1 : 0); }
    // length, bytes, NUL. Strings of 0xFFFF bytes or more cannot be encoded: fails.
    bool put_string(std::string_view value) noexcept {
        // 0xFFFF is the null marker, so the longest real string is 0xFFFE bytes.
        if (value.size() >= null_string_length) return poison();
        std::uint8_t* at = nullptr;
        if (!claim(2 + value.size() + 1, at)) return false;
        store_u16(at, static_cast<std::uint16_t>(value.size()));
        if (!value.empty()) std::memcpy(at + 2, value.data(), value.size());
        at[2 + value.size()] = 0;
        return true;
    }
    bool put_null_string() noexcept { return put_u16(null_string_length); }  // 0xFFFF, nothing follows
    bool put_bytes(std::span<const std::uint8_t> bytes) noexcept {  // raw, no length
        std::uint8_t* at = nullptr;
        if (!claim(bytes.size(), at)) return false;
        if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
        return true;
    }
    // A header name: the 2-byte code when there is one, else a string. A string name must be
    // shorter than 0xA000 bytes, or its length would read as a code: such a name fails.
    bool put_header_name(std::string_view name, std::optional<std::uint16_t> code) noexcept {
        if (code) return put_u16(*code);
        if (name.size() > max_header_name_length) return poison();
        return put_string(name);
    }

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
    // A string name whose length starts with 0xA0 would be read back as a header code.
    static constexpr std::size_t max_header_name_length = 0xA000 - 1;

    // The n bytes of a whole field at `at`; false (and the writer poisoned) when they do not
    // fit or an earlier put failed: a field is written completely or not at all.
    bool claim(std::size_t n, std::uint8_t*& at) noexcept {
        if (overflowed_ || n > buffer_.size() - used_) return poison();
        at = buffer_.data() + used_;
        used_ += n;
        return true;
    }
    bool poison() noexcept {
        overflowed_ = true;
        return false;
    }
    static void store_u16(std::uint8_t* at, std::uint16_t value) noexcept {
        at[0] = static_cast<std::uint8_t>(value >> 8);
        at[1] = static_cast<std::uint8_t>(value & 0xFF);
    }

    std::span<std::uint8_t> buffer_;
    Direction direction_;
    std::size_t used_ = 0;
    bool overflowed_ = false;
};

}  // namespace ajpgate::ajp13
