#include "testd/request_options.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "testd/text.hpp"

namespace ajpgate::testd {
namespace {

constexpr std::array<std::pair<Fault, std::string_view>, 15> fault_names = {{
    {Fault::none, "none"},
    {Fault::close_before_headers, "close-before-headers"},
    {Fault::close_mid_body, "close-mid-body"},
    {Fault::garbage, "garbage"},
    {Fault::oversize_packet, "oversize-packet"},
    {Fault::chunk_length_overflow, "chunk-length-overflow"},
    {Fault::no_cpong, "no-cpong"},
    {Fault::second_response, "second-response"},
    {Fault::no_reuse, "no-reuse"},
    {Fault::close_after_end, "close-after-end"},
    {Fault::headers_twice, "headers-twice"},
    {Fault::slow, "slow"},
    {Fault::hang, "hang"},
    {Fault::body_anyway, "body-anyway"},
    {Fault::reset_mid_body, "reset-mid-body"},
}};

// Decimal with an optional k/M/G suffix (powers of 1024), as sizes in tests read best.
bool parse_unsigned(std::string_view text, std::uint64_t max, std::uint64_t& out) noexcept {
    std::uint64_t multiplier = 1;
    if (!text.empty()) {
        switch (text.back()) {
        case 'k': case 'K': multiplier = 1024; break;
        case 'm': case 'M': multiplier = 1024 * 1024; break;
        case 'g': case 'G': multiplier = 1024 * 1024 * 1024; break;
        default: break;
        }
        if (multiplier != 1) text.remove_suffix(1);
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return false;
    if (value > max / multiplier) return false;
    out = value * multiplier;
    return true;
}

bool parse_millis(std::string_view text, std::chrono::milliseconds& out) noexcept {
    std::uint64_t value = 0;
    // A day is far beyond any test's patience; larger is a mistake.
    if (!parse_unsigned(text, 86'400'000, value)) return false;
    out = std::chrono::milliseconds(static_cast<std::int64_t>(value));
    return true;
}

bool valid_header_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    for (const char c : name) {
        const auto b = static_cast<unsigned char>(c);
        if (b <= 0x20 || b >= 0x7F || c == ':') return false;
    }
    return true;
}

bool valid_header_value(std::string_view value) noexcept {
    for (const char c : value) {
        if (c == '\r' || c == '\n' || c == '\0') return false;
    }
    return true;
}

bool apply_header(RequestOptions& options, std::string_view value, std::string& error) {
    const auto colon = value.find(':');
    const std::string_view name = colon == std::string_view::npos ? value : trim_blanks(value.substr(0, colon));
    const std::string_view field = colon == std::string_view::npos ? "" : trim_blanks(value.substr(colon + 1));
    if (colon == std::string_view::npos || !valid_header_name(name) || !valid_header_value(field)) {
        error = "header wants Name:Value, got '" + std::string(value) + "'";
        return false;
    }
    options.headers.push_back({std::string(name), std::string(field)});
    return true;
}

bool apply_mode(RequestOptions& options, std::string_view value, std::string& error) {
    if (value == "echo") {
        options.mode = BodyMode::echo;
    } else if (value == "fixed") {
        options.mode = BodyMode::fixed;
    } else if (value == "empty") {
        options.mode = BodyMode::empty;
    } else {
        error = "mode must be echo, fixed or empty, got '" + std::string(value) + "'";
        return false;
    }
    return true;
}

bool apply_number(RequestOptions& options, std::string_view key, std::string_view value, std::string& error) {
    std::uint64_t number = 0;
    if (key == "size") {
        if (!parse_unsigned(value, max_fixed_size, number)) {
            error = "size must be a byte count up to 16G, got '" + std::string(value) + "'";
            return false;
        }
        options.size = number;
        if (options.mode == BodyMode::echo) options.mode = BodyMode::fixed;  // size implies fixed
        return true;
    }
    if (key == "chunk" || key == "body-request") {
        if (!parse_unsigned(value, 65536, number) || number == 0) {
            error = std::string(key) + " must be 1..65536, got '" + std::string(value) + "'";
            return false;
        }
        (key == "chunk" ? options.chunk : options.body_request) = static_cast<std::size_t>(number);
        return true;
    }
    // status
    if (!parse_unsigned(value, 999, number) || number < 100) {
        error = "status must be 100..999, got '" + std::string(value) + "'";
        return false;
    }
    options.status = static_cast<std::uint16_t>(number);
    return true;
}

bool apply_duration(RequestOptions& options, std::string_view key, std::string_view value, std::string& error) {
    std::chrono::milliseconds ms{0};
    if (!parse_millis(value, ms)) {
        error = std::string(key) + " must be milliseconds, got '" + std::string(value) + "'";
        return false;
    }
    if (key == "delay") {
        options.delay = ms;
    } else if (key == "body-delay") {
        options.body_delay = ms;
    } else {
        options.hang = ms;
    }
    return true;
}

}  // namespace

std::optional<Fault> fault_from_name(std::string_view name) noexcept {
    for (const auto& [fault, text] : fault_names) {
        if (text == name) return fault;
    }
    return std::nullopt;
}

std::string_view fault_name(Fault fault) noexcept {
    for (const auto& [f, text] : fault_names) {
        if (f == fault) return text;
    }
    return "unknown";
}

std::string_view mode_name(BodyMode mode) noexcept {
    switch (mode) {
    case BodyMode::echo: return "echo";
    case BodyMode::fixed: return "fixed";
    case BodyMode::empty: return "empty";
    }
    return "unknown";
}

bool apply_option(RequestOptions& options, std::string_view key, std::string_view value, std::string& error) {
    if (key == "mode") return apply_mode(options, value, error);
    if (key == "size" || key == "chunk" || key == "body-request" || key == "status") {
        return apply_number(options, key, value, error);
    }
    if (key == "delay" || key == "body-delay" || key == "hang-ms") return apply_duration(options, key, value, error);
    if (key == "header") return apply_header(options, value, error);
    if (key == "reason") {
        if (!valid_header_value(value)) {
            error = "reason must not contain CR, LF or NUL";
            return false;
        }
        options.reason = std::string(value);
        return true;
    }
    if (key == "flush") {
        if (value != "0" && value != "1") {
            error = "flush must be 0 or 1, got '" + std::string(value) + "'";
            return false;
        }
        options.flush = value == "1";
        return true;
    }
    if (key == "fault") {
        const auto fault = fault_from_name(value);
        if (!fault) {
            error = "unknown fault '" + std::string(value) + "'";
            return false;
        }
        options.fault = *fault;
        return true;
    }
    error = "unknown X-Testd key '" + std::string(key) + "'";
    return false;
}

bool apply_testd_header(RequestOptions& options, std::string_view header, std::string& error) {
    while (!header.empty()) {
        const auto semicolon = header.find(';');
        const std::string_view item = trim_blanks(header.substr(0, semicolon));
        header = semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
        if (item.empty()) continue;
        const auto equals = item.find('=');
        const std::string_view key = trim_blanks(item.substr(0, equals));
        // A bare key is a flag: `flush` reads as flush=1.
        const std::string_view value = equals == std::string_view::npos ? "1" : trim_blanks(item.substr(equals + 1));
        if (!apply_option(options, key, value, error)) return false;
    }
    return true;
}

}  // namespace ajpgate::testd
