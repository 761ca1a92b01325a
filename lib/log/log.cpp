#include "log/log.hpp"

#include <array>
#include <cctype>

namespace ajpgate::log {

namespace {

constexpr std::array<std::string_view, 6> names = {"trace", "debug", "info", "warn", "error", "emerg"};

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    }
    return true;
}

}  // namespace

std::string_view level_name(Level level) noexcept { return names[static_cast<std::size_t>(level)]; }

std::optional<Level> parse_level(std::string_view text) noexcept {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (equals_ignoring_case(text, names[i])) return static_cast<Level>(i);
    }
    return std::nullopt;
}

}  // namespace ajpgate::log
