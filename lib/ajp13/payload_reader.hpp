// Reads the fields of one payload, checking every length against the bytes actually
// received. A get that would run past the end fails, leaves the output untouched and
// poisons the reader (every later get fails). The null string (0xFFFF) is mapped here
// and nowhere else.
// The gets are inline: a response header is four of them, and as out-of-line calls
// they cost more than the bytes they read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ajp13/constants.hpp"

namespace ajpgate::ajp13 {

class PayloadReader {
public:
    explicit PayloadReader(std::span<const std::uint8_t> payload) noexcept : data_(payload) {}

    bool get_u8(std::uint8_t& out) noexcept {
        const std::uint8_t* at = nullptr;
        if (!take(1, at)) return false;
        out = at[0];
        return true;
    }
    bool get_u16(std::uint16_t& out) noexcept {
        const std::uint8_t* at = nullptr;
        if (!take(2, at)) return false;
        out = static_cast<std::uint16_t>((at[0] << 8) | at[1]);
        return true;
    }
    bool get_bool(bool& out) noexcept {  // any non-zero byte is true
        std::uint8_t byte = 0;
        if (!get_u8(byte)) return false;
        out = byte != 0;
        return true;
    }
    // length, bytes, NUL. nullopt for the null string. Fails if the NUL is missing.
    bool get_string(std::optional<std::string_view>& out) noexcept {
        std::uint16_t length = 0;
        if (!get_u16(length)) return false;
        if (length == null_string_length) {
            out = std::nullopt;
            return true;
        }
        std::string_view value;
        if (!get_string_body(length, value)) return false;
        out = value;
        return true;
    }
    // As get_string, but a null string is malformed (for mandatory fields).
    bool get_required_string(std::string_view& out) noexcept {
        std::uint16_t length = 0;
        return get_u16(length) && get_required_string_body(length, out);
    }
    bool get_bytes(std::size_t n, std::span<const std::uint8_t>& out) noexcept {
        const std::uint8_t* at = nullptr;
        if (!take(n, at)) return false;
        out = std::span<const std::uint8_t>(at, n);
        return true;
    }
    bool peek_u8(std::uint8_t& out) const noexcept {
        if (failed_ || pos_ >= data_.size()) return false;
        out = data_[pos_];
        return true;
    }
    // A header name: first byte 0xA0 means a 2-byte code (code set, name left empty); anything
    // else is a string length (name set, code = 0). A null string name fails.
    bool get_header_name(std::uint16_t& code, std::string_view& name) noexcept {
        // Both forms start with 2 bytes, so one read serves as the code or as the length.
        std::uint16_t first = 0;
        if (!get_u16(first)) return false;
        if ((first >> 8) == 0xA0) {
            code = first;
            name = {};
            return true;
        }
        std::string_view value;
        if (!get_required_string_body(first, value)) return false;
        code = 0;
        name = value;
        return true;
    }

    std::size_t position() const noexcept { return pos_; }
    std::size_t remaining() const noexcept { return failed_ ? 0 : data_.size() - pos_; }
    bool at_end() const noexcept { return !failed_ && pos_ == data_.size(); }
    bool failed() const noexcept { return failed_; }

private:
    // The next n bytes at `at`; false (and the reader poisoned) when fewer were received.
    bool take(std::size_t n, const std::uint8_t*& at) noexcept {
        if (failed_ || n > data_.size() - pos_) return fail();
        at = data_.data() + pos_;
        pos_ += n;
        return true;
    }
    bool fail() noexcept {
        failed_ = true;
        return false;
    }
    // The bytes and NUL of a string whose length has been read.
    bool get_string_body(std::uint16_t length, std::string_view& out) noexcept {
        const std::uint8_t* at = nullptr;
        if (!take(std::size_t{length} + 1, at)) return false;
        if (at[length] != 0) return fail();
        out = std::string_view(reinterpret_cast<const char*>(at), length);
        return true;
    }
    bool get_required_string_body(std::uint16_t length, std::string_view& out) noexcept {
        if (length == null_string_length) return fail();
        return get_string_body(length, out);
    }

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace ajpgate::ajp13
