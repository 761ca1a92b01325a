#include "config/property_checks.hpp"

#include <cctype>
#include <cstdlib>

namespace ajpgate::config {

namespace {

CheckResult error(std::string message) {
    return {CheckResult::Kind::error, std::move(message)};
}

CheckResult warning(std::string message) {
    return {CheckResult::Kind::warning, std::move(message)};
}

std::optional<int> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) return std::nullopt;
    int port = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        port = port * 10 + (c - '0');
    }
    if (port > 65535) return std::nullopt;
    return port;
}

// The letters of mod_jk's status ratings: activation a/d/s, state o/i/n/b/r/e.
bool is_rating_letter(char c) noexcept {
    switch (std::tolower(static_cast<unsigned char>(c))) {
        case 'a': case 'd': case 's': case 'o': case 'i': case 'n': case 'b': case 'r': case 'e':
            return true;
        default:
            return false;
    }
}

}  // namespace

bool is_valid_worker_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > max_worker_name_length) return false;
    for (const char c : name) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

bool is_tolerated_worker_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > max_tolerated_worker_name_length) return false;
    for (const char c : name) {
        if (static_cast<unsigned char>(c) <= ' ' || std::string_view(",;=|!*?").find(c) != std::string_view::npos) {
            return false;
        }
    }
    return true;
}

std::optional<HostPort> split_host_port(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close == 1) return std::nullopt;
        HostPort out{std::string(text.substr(1, close - 1)), std::nullopt};
        const auto rest = text.substr(close + 1);
        if (rest.empty()) return out;
        if (rest.front() != ':') return std::nullopt;
        out.port = parse_port(rest.substr(1));
        if (!out.port) return std::nullopt;
        return out;
    }
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return HostPort{std::string(text), std::nullopt};
    if (text.find(':', colon + 1) != std::string_view::npos) {
        return HostPort{std::string(text), std::nullopt};  // bare IPv6 address
    }
    if (colon == 0) return std::nullopt;
    auto port = parse_port(text.substr(colon + 1));
    if (!port) return std::nullopt;
    return HostPort{std::string(text.substr(0, colon)), port};
}

CheckResult check_worker_names(PropertyValue& value) {
    for (const auto& name : std::get<std::vector<std::string>>(value)) {
        if (!is_valid_worker_name(name)) {
            return error("'" + name + "' is not a valid worker name (letters, digits, '_' and '-', "
                         "at most 60 characters)");
        }
    }
    return {};
}

CheckResult check_host(PropertyValue& value) {
    const auto& text = std::get<std::string>(value);
    if (!split_host_port(text)) {
        return error("'" + text + "' is not a host, host:port or [ipv6]:port (port 0..65535)");
    }
    return {};
}

CheckResult check_recovery_options(PropertyValue& value) {
    const auto bits = std::get<std::int64_t>(value);
    if ((bits & ~std::int64_t{31}) != 0) {
        return warning("recovery_options bits above 16 have no meaning and are ignored");
    }
    return {};
}

CheckResult check_status_codes(PropertyValue& value) {
    for (const int code : std::get<std::vector<int>>(value)) {
        const int status = std::abs(code);
        if (status < 100 || status > 599) {
            return error(std::to_string(code) +
                         " is not an HTTP status code (100..599, '-' prefix allowed)");
        }
    }
    return {};
}

CheckResult check_max_packet_size(PropertyValue& value) {
    auto& size = std::get<std::int64_t>(value);
    // mod_jk rounds up to a multiple of 1024; say so, since it must equal Tomcat's packetSize.
    const auto aligned = (size + 1023) / 1024 * 1024;
    if (aligned == size) return {};
    const auto original = size;
    size = aligned;
    return warning("max_packet_size " + std::to_string(original) + " rounded up to " +
                   std::to_string(aligned) + " (a multiple of 1024, as mod_jk does)");
}

CheckResult check_ratings(PropertyValue& value) {
    for (const auto& item : std::get<std::vector<std::string>>(value)) {
        // Each item is one letter or letter.letter; words count by their first letter.
        std::size_t start = 0;
        int parts = 0;
        while (start <= item.size()) {
            auto dot = item.find('.', start);
            if (dot == std::string::npos) dot = item.size();
            const bool ok = dot > start && is_rating_letter(item[start]);
            if (!ok || ++parts > 2) {
                return error("'" + item + "' is not a rating: use letters a,d,s (activation) and "
                             "o,i,n,b,r,e (state), e.g. a.o");
            }
            start = dot + 1;
        }
    }
    return {};
}

}  // namespace ajpgate::config
