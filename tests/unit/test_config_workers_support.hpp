// Helpers shared by the workers.properties test programs.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "config/diagnostic.hpp"
#include "config/workers_parser.hpp"

// cmocka.h after the standard headers: its macros (fail, ...) must not meet them.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
// C linkage: the header itself wraps only part of its declarations in extern "C".
extern "C" {
#include <cmocka.h>
}

namespace test_support {

using ajpgate::config::Diagnostics;
using ajpgate::config::EnvLookup;
using ajpgate::config::PropertySource;
using ajpgate::config::PropertySources;
using ajpgate::config::Severity;
using ajpgate::config::Strictness;
using ajpgate::config::WorkersConfig;

struct Parsed {
    std::optional<WorkersConfig> config;
    Diagnostics diagnostics;
};

inline Parsed parse_sources(PropertySources sources,
                            Strictness strictness = Strictness::compatible) {
    Parsed out{std::nullopt, Diagnostics(strictness)};
    out.config = ajpgate::config::parse_workers(sources, out.diagnostics);
    return out;
}

inline Parsed parse_text(std::string text, Strictness strictness = Strictness::compatible) {
    PropertySources sources;
    sources.sources.push_back(PropertySource::from_text("workers.properties", std::move(text)));
    return parse_sources(std::move(sources), strictness);
}

inline void dump(const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics.all()) std::fprintf(stderr, "  %s\n", d.to_string().c_str());
}

// Number of diagnostics of `severity` whose text contains `needle` (and, when
// line > 0, that are on that line).
inline std::size_t count_diag(const Diagnostics& diagnostics, Severity severity,
                              std::string_view needle, std::size_t line = 0) {
    std::size_t n = 0;
    for (const auto& d : diagnostics.all()) {
        if (d.severity != severity) continue;
        if (line != 0 && d.line != line) continue;
        if (d.message.find(needle) != std::string::npos) ++n;
    }
    return n;
}

inline std::size_t count_severity(const Diagnostics& diagnostics, Severity severity) {
    std::size_t n = 0;
    for (const auto& d : diagnostics.all()) n += d.severity == severity ? 1 : 0;
    return n;
}

// Asserts exactly one error/warning containing `needle` (on `line` if given).
inline void expect_error(const Parsed& p, std::string_view needle, std::size_t line = 0) {
    if (count_diag(p.diagnostics, Severity::error, needle, line) != 1) {
        std::fprintf(stderr, "expected one error '%.*s' (line %zu), got:\n",
                     static_cast<int>(needle.size()), needle.data(), line);
        dump(p.diagnostics);
        fail();
    }
    assert_false(p.config.has_value());
}

inline void expect_warning(const Diagnostics& diagnostics, std::string_view needle,
                           std::size_t line = 0) {
    if (count_diag(diagnostics, Severity::warning, needle, line) != 1) {
        std::fprintf(stderr, "expected one warning '%.*s' (line %zu), got:\n",
                     static_cast<int>(needle.size()), needle.data(), line);
        dump(diagnostics);
        fail();
    }
}

inline void expect_clean(const Parsed& p) {
    if (!p.diagnostics.all().empty() || !p.config) {
        std::fprintf(stderr, "expected no diagnostics, got:\n");
        dump(p.diagnostics);
        fail();
    }
}

// Number of compatibility diagnostics containing `needle` on `line` (0: any line).
inline std::size_t count_compat(const Diagnostics& diagnostics, Severity severity,
                                std::string_view needle, std::size_t line = 0) {
    std::size_t n = 0;
    for (const auto& d : diagnostics.all()) {
        const bool here = line == 0 || d.line == line;
        if (d.compat && d.severity == severity && here &&
            d.message.find(needle) != std::string::npos) {
            ++n;
        }
    }
    return n;
}

// A file mod_jk starts with: parsed as JkStrict Off, it gives a configuration and exactly
// one compatibility warning containing `needle` on `line`; as JkStrict On, no configuration
// and that finding as an error. Returns the JkStrict Off result, to check the model.
inline Parsed expect_compat(const std::string& text, std::string_view needle,
                            std::size_t line) {
    auto off = parse_text(text);
    auto on = parse_text(text, Strictness::strict);
    const bool ok = off.config.has_value() && !on.config.has_value() &&
                    count_compat(off.diagnostics, Severity::warning, needle, line) == 1 &&
                    count_compat(on.diagnostics, Severity::error, needle, line) == 1 &&
                    off.diagnostics.error_count() == 0;
    if (!ok) {
        std::fprintf(stderr, "expected one compatibility warning '%.*s' (line %zu); got:\n",
                     static_cast<int>(needle.size()), needle.data(), line);
        dump(off.diagnostics);
        std::fprintf(stderr, "and under JkStrict On:\n");
        dump(on.diagnostics);
        fail();
    }
    return off;
}

// Parses and asserts success (warnings allowed).
inline const WorkersConfig& expect_config(const Parsed& p) {
    if (!p.config) {
        std::fprintf(stderr, "expected a configuration, got:\n");
        dump(p.diagnostics);
        fail();
    }
    return *p.config;
}

}  // namespace test_support
