// Small text helpers shared by the header and option parsers.
#pragma once

#include <cstddef>
#include <string_view>

namespace ajpgate::testd {

// Strips spaces and tabs at both ends (HTTP's optional whitespace).
constexpr std::string_view trim_blanks(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// ASCII case-insensitive equality, as HTTP header names compare.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
        if (x != y) return false;
    }
    return true;
}

// Compares in time that depends only on `given`'s length, as a secret check should:
// the position of the first difference must not leak through timing.
constexpr bool constant_time_equals(std::string_view expected, std::string_view given) noexcept {
    unsigned difference = expected.size() == given.size() ? 0 : 1;
    for (std::size_t i = 0; i < given.size(); ++i) {
        const char want = expected.empty() ? '\0' : expected[i % expected.size()];
        difference |= static_cast<unsigned char>(given[i]) ^ static_cast<unsigned char>(want);
    }
    return difference == 0;
}

}  // namespace ajpgate::testd
