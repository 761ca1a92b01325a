#include "status/html_writer.hpp"

#include <array>

namespace ajpgate::status::detail::html {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string url_encode(std::string_view text) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                                (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

std::string size_text(std::uint64_t bytes) {
    constexpr std::array<char, 6> kUnits{'K', 'M', 'G', 'T', 'P', 'E'};
    constexpr std::uint64_t kRoundUp = 973;  // 973 and above is shown in the next unit
    if (bytes < kRoundUp) {
        return std::to_string(bytes) + " ";
    }
    std::size_t unit = 0;
    std::uint64_t rest = bytes & 0x3FF;
    bytes >>= 10;
    while (bytes >= kRoundUp) {
        rest = bytes & 0x3FF;
        bytes >>= 10;
        ++unit;
    }
    if (bytes < 9 || (bytes == 9 && rest < kRoundUp)) {
        std::uint64_t tenth = (rest * 5 + 256) / 512;  // rest / 1024 rounded to tenths
        if (tenth >= 10) {
            ++bytes;
            tenth = 0;
        }
        return std::to_string(bytes) + "." + std::to_string(tenth) + kUnits[unit];
    }
    if (rest >= 512) {
        ++bytes;
    }
    return std::to_string(bytes) + kUnits[unit];
}

}  // namespace ajpgate::status::detail::html
