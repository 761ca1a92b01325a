#include "config/property_value.hpp"

#include <cctype>
#include <limits>

namespace ajpgate::config {

namespace {

char lower(char c) noexcept {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

char first_letter(std::string_view text) noexcept {
    return text.empty() ? '\0' : lower(text.front());
}

}  // namespace

std::string_view trim(std::string_view text) noexcept {
    constexpr std::string_view blanks = " \t\r\n";
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(blanks);
    return text.substr(first, last - first + 1);
}

std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    std::int64_t multiplier = 1;
    if (!text.empty()) {
        const char suffix = lower(text.back());
        if (suffix == 'k') multiplier = 1024;
        if (suffix == 'm') multiplier = 1024 * 1024;
        if (multiplier != 1) text.remove_suffix(1);
    }
    if (text.empty()) return std::nullopt;
    constexpr std::int64_t limit = std::numeric_limits<std::int32_t>::max();
    std::int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
        // mod_jk keeps these in C ints: anything beyond 32 bits is a mistake.
        if (value > limit) return std::nullopt;
    }
    value *= multiplier;
    if (value > limit) return std::nullopt;
    return negative ? -value : value;
}

std::optional<bool> parse_boolean(std::string_view text) noexcept {
    if (text == "1" || iequals(text, "on")) return true;
    if (text == "0" || iequals(text, "off")) return false;
    switch (first_letter(text)) {
        case 't':
        case 'y':
            return true;
        case 'f':
        case 'n':
            return false;
        default:
            return std::nullopt;
    }
}

std::optional<Activation> parse_activation(std::string_view text) noexcept {
    switch (first_letter(text)) {
        case 'a': return Activation::active;
        case 'd': return Activation::disabled;
        case 's': return Activation::stopped;
        default: return std::nullopt;
    }
}

std::optional<LbMethod> parse_lb_method(std::string_view text) noexcept {
    switch (first_letter(text)) {
        case 'r': return LbMethod::requests;
        case 't': return LbMethod::traffic;
        case 'b': return LbMethod::busyness;
        case 's': return LbMethod::sessions;
        case 'n': return LbMethod::next;
        default: return std::nullopt;
    }
}

std::optional<LbLock> parse_lb_lock(std::string_view text) noexcept {
    switch (first_letter(text)) {
        case 'o': return LbLock::optimistic;
        case 'p': return LbLock::pessimistic;
        default: return std::nullopt;
    }
}

std::optional<PingFlags> parse_ping_flags(std::string_view text) noexcept {
    PingFlags flags;
    for (const char c : text) {
        switch (lower(c)) {
            case 'c': flags.connect = true; break;
            case 'p': flags.prepost = true; break;
            case 'i': flags.interval = true; break;
            case 'a': flags = {true, true, true}; break;
            // ajpgate: "N" (none) turns the default C off; mod_jk has no default to undo.
            case 'n': flags = {}; break;
            case ',': case ' ': case '\t': break;
            default: return std::nullopt;
        }
    }
    return flags;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    constexpr std::string_view separators = ", \t";
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto start = text.find_first_not_of(separators, pos);
        if (start == std::string_view::npos) break;
        auto end = text.find_first_of(separators, start);
        if (end == std::string_view::npos) end = text.size();
        items.emplace_back(text.substr(start, end - start));
        pos = end;
    }
    return items;
}

const char* to_string(WorkerType type) noexcept {
    switch (type) {
        case WorkerType::ajp13: return "ajp13";
        case WorkerType::lb: return "lb";
        case WorkerType::status: return "status";
    }
    return "?";
}

const char* to_string(Activation activation) noexcept {
    switch (activation) {
        case Activation::active: return "active";
        case Activation::disabled: return "disabled";
        case Activation::stopped: return "stopped";
    }
    return "?";
}

const char* to_string(LbMethod method) noexcept {
    switch (method) {
        case LbMethod::requests: return "requests";
        case LbMethod::traffic: return "traffic";
        case LbMethod::busyness: return "busyness";
        case LbMethod::sessions: return "sessions";
        case LbMethod::next: return "next";
    }
    return "?";
}

const char* to_string(LbLock lock) noexcept {
    switch (lock) {
        case LbLock::optimistic: return "optimistic";
        case LbLock::pessimistic: return "pessimistic";
    }
    return "?";
}

}  // namespace ajpgate::config
