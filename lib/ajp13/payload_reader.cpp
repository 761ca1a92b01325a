// PayloadReader: bounds are checked against the bytes received (data_), never against
// a buffer capacity, and the first failure poisons the reader for good.
#include "ajp13/payload_reader.hpp"

#include "ajp13/constants.hpp"

namespace ajpgate::ajp13 {

bool PayloadReader::take(std::size_t n, const std::uint8_t*& at) noexcept {
    if (failed_ || n > data_.size() - pos_) {
        failed_ = true;
        return false;
    }
    at = data_.data() + pos_;
    pos_ += n;
    return true;
}

bool PayloadReader::get_u8(std::uint8_t& out) noexcept {
    const std::uint8_t* at = nullptr;
    if (!take(1, at)) return false;
    out = at[0];
    return true;
}

bool PayloadReader::get_u16(std::uint16_t& out) noexcept {
    const std::uint8_t* at = nullptr;
    if (!take(2, at)) return false;
    out = static_cast<std::uint16_t>((at[0] << 8) | at[1]);
    return true;
}

bool PayloadReader::get_bool(bool& out) noexcept {
    std::uint8_t byte = 0;
    if (!get_u8(byte)) return false;
    out = byte != 0;
    return true;
}

bool PayloadReader::get_string(std::optional<std::string_view>& out) noexcept {
    std::uint16_t length = 0;
    if (!get_u16(length)) return false;
    if (length == null_string_length) {
        out = std::nullopt;
        return true;
    }
    const std::uint8_t* at = nullptr;
    if (!take(std::size_t{length} + 1, at)) return false;
    if (at[length] != 0) {
        failed_ = true;
        return false;
    }
    out = std::string_view(reinterpret_cast<const char*>(at), length);
    return true;
}

bool PayloadReader::get_required_string(std::string_view& out) noexcept {
    std::optional<std::string_view> value;
    if (!get_string(value)) return false;
    if (!value) {
        failed_ = true;
        return false;
    }
    out = *value;
    return true;
}

bool PayloadReader::get_bytes(std::size_t n, std::span<const std::uint8_t>& out) noexcept {
    const std::uint8_t* at = nullptr;
    if (!take(n, at)) return false;
    out = std::span<const std::uint8_t>(at, n);
    return true;
}

bool PayloadReader::peek_u8(std::uint8_t& out) const noexcept {
    if (failed_ || pos_ >= data_.size()) return false;
    out = data_[pos_];
    return true;
}

bool PayloadReader::get_header_name(std::uint16_t& code, std::string_view& name) noexcept {
    std::uint8_t first = 0;
    if (!peek_u8(first)) {
        failed_ = true;
        return false;
    }
    if (first == 0xA0) {
        std::uint16_t value = 0;
        if (!get_u16(value)) return false;
        code = value;
        name = {};
        return true;
    }
    std::string_view value;
    if (!get_required_string(value)) return false;
    code = 0;
    name = value;
    return true;
}

}  // namespace ajpgate::ajp13
