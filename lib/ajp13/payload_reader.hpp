// Reads the fields of one payload, checking every length against the bytes actually
// received. A get that would run past the end fails, leaves the output untouched and
// poisons the reader (every later get fails). The null string (0xFFFF) is mapped here
// and nowhere else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ajpgate::ajp13 {

class PayloadReader {
public:
    explicit PayloadReader(std::span<const std::uint8_t> payload) noexcept : data_(payload) {}

    bool get_u8(std::uint8_t& out) noexcept;
    bool get_u16(std::uint16_t& out) noexcept;
    bool get_bool(bool& out) noexcept;  // any non-zero byte is true
    // length, bytes, NUL. nullopt for the null string. Fails if the NUL is missing.
    bool get_string(std::optional<std::string_view>& out) noexcept;
    // As get_string, but a null string is malformed (for mandatory fields).
    bool get_required_string(std::string_view& out) noexcept;
    bool get_bytes(std::size_t n, std::span<const std::uint8_t>& out) noexcept;
    bool peek_u8(std::uint8_t& out) const noexcept;
    // A header name: first byte 0xA0 means a 2-byte code (code set, name left empty); anything
    // else is a string length (name set, code = 0). A null string name fails.
    bool get_header_name(std::uint16_t& code, std::string_view& name) noexcept;

    std::size_t position() const noexcept { return pos_; }
    std::size_t remaining() const noexcept { return failed_ ? 0 : data_.size() - pos_; }
    bool at_end() const noexcept { return !failed_ && pos_ == data_.size(); }
    bool failed() const noexcept { return failed_; }

private:
    bool take(std::size_t n, const std::uint8_t*& at) noexcept;

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace ajpgate::ajp13
