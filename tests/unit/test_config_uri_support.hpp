// Helpers for the URI rule tests: the one error a bad input must produce. They fail the test
// through cmocka, so this header comes after cmocka.h (and cmocka.h after every standard
// header, for its macros); the including file brings <cstdio>, <string>, <string_view> and
// config/uri_sources.hpp.
#pragma once

namespace uri_rules_test {

using namespace ajpgate::config;

inline bool contains(const std::string& text, std::string_view needle) {
    return text.find(needle) != std::string::npos;
}

// The single error a bad input must produce, checked for file, line and wording.
inline void expect_one_error(const Diagnostics& diags, std::string_view file, std::size_t line,
                      std::string_view needle) {
    std::size_t errors = 0;
    for (const Diagnostic& d : diags.all()) {
        if (d.severity != Severity::error) {
            continue;
        }
        ++errors;
        if (!contains(d.message, needle) || d.file != file || d.line != line) {
            std::fprintf(stderr, "unexpected diagnostic: %s (wanted '%.*s')\n",
                         d.to_string().c_str(), static_cast<int>(needle.size()), needle.data());
        }
        assert_true(contains(d.message, needle));
        assert_true(d.file == file);
        assert_int_equal(d.line, line);
    }
    assert_int_equal(errors, 1);
}

}  // namespace uri_rules_test
