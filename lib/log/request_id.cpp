#include "log/request_id.hpp"

#include <cstring>

namespace ajpgate::log {

namespace {

// RFC 4648 §5: no character that needs escaping in a URL, a log field or a regex class.
constexpr char url_safe_base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool id_character(char c) noexcept {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    // mod_unique_id uses '@' and '-' (httpd 2.4), older ones '+' '/' '='; ':' and '.' are
    // what a hand-made id (host:counter, a UUID with dots) is likely to hold.
    return c != '\0' && std::strchr("@-_.:+/=", c) != nullptr;
}

}  // namespace

bool usable_request_id(std::string_view text) noexcept {
    if (text.empty() || text.size() > max_request_id) return false;
    for (char c : text) {
        if (!id_character(c)) return false;
    }
    return true;
}

RequestIdSource choose_request_id(std::string_view environment, std::string_view inherited) noexcept {
    if (usable_request_id(environment)) return RequestIdSource::environment;
    if (usable_request_id(inherited)) return RequestIdSource::inherited;
    return RequestIdSource::generated;
}

AttributeName check_request_id_attribute(std::string_view name) noexcept {
    if (name.empty() || name.size() > max_request_id) return AttributeName::bad_characters;
    for (char c : name) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                           c == '.' || c == '-';
        if (!plain) return AttributeName::bad_characters;
    }
    for (std::string_view taken : {"AJP_REMOTE_PORT", "AJP_LOCAL_ADDR", "AJP_SSL_PROTOCOL", "JK_LB_ACTIVATION"}) {
        if (name == taken) return AttributeName::reserved;
    }
    return AttributeName::usable;
}

RequestIdGenerator::RequestIdGenerator(const Seed& seed) noexcept {
    // Three bytes make four characters.
    for (std::size_t group = 0; group < seed.size() / 3; ++group) {
        const std::uint32_t bits = (std::uint32_t{seed[group * 3]} << 16) | (std::uint32_t{seed[group * 3 + 1]} << 8) |
                                   std::uint32_t{seed[group * 3 + 2]};
        for (std::size_t i = 0; i < 4; ++i) prefix_[group * 4 + i] = url_safe_base64[(bits >> (18 - 6 * i)) & 63];
    }
}

void RequestIdGenerator::next(char* out) noexcept {
    // Relaxed: the counter only has to hand each caller a different number.
    const std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
    std::memcpy(out, prefix_.data(), prefix_length);
    // Most significant digit first, as numbers are written: the id after ...AAAZ is ...AABA.
    for (std::size_t i = 0; i < counter_length; ++i) {
        out[prefix_length + i] = url_safe_base64[(n >> (6 * (counter_length - 1 - i))) & 63];
    }
}

}  // namespace ajpgate::log
