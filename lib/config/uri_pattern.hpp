// One URI mapping rule (`pattern worker[;ext=val...]`) and its pattern syntax.
//
// A pattern starts with '/', '*' or '?', optionally preceded by the modifiers '!' (exclusion)
// and '-' (disabled), each at most once, in any order. '*' matches any run of characters,
// '/' included; '?' matches exactly one character; everything else matches itself, case
// sensitively. A pattern without '*' or '?' is an exact rule. `X|Y` is shorthand for the two
// rules `X` and `XY` (`/app|/*` maps `/app` and everything below it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/uri_extensions.hpp"

namespace ajpgate::config {

// Where a rule came from. The enumerator order is the tie-break priority (higher wins):
// uriworkermap file > JkMount/JkUnMount directive > worker.X.mount property.
enum class RuleSource : std::uint8_t { worker_mount = 0, jk_mount = 1, uriworkermap = 2 };

std::string_view to_string(RuleSource source) noexcept;

struct RuleOrigin {
    RuleSource source = RuleSource::jk_mount;
    std::string file;      // config file naming the rule; empty if unknown
    std::size_t line = 0;  // 1-based; 0 if unknown
};

enum class MatchType : std::uint8_t { exact, wildcard };

// Worker name that makes an exclusion apply to every worker.
inline constexpr std::string_view kAnyWorker = "*";

struct UriRule {
    std::string pattern;  // without modifiers, after `|` expansion
    std::string worker;
    // Most rules have no extensions: they share none, out of line (inline, 100,000 rules
    // carried 28 MB of empty ones in every httpd child). Read through extensions().
    std::shared_ptr<const RuleExtensions> own_extensions;
    MatchType type = MatchType::exact;
    bool exclusion = false;   // '!': cancels a match of the same worker (or of any, for '*')
    bool disabled = false;    // '-': kept for display, never used for matching
    std::size_t slashes = 0;  // '/' count in pattern, the first precedence key
    RuleOrigin origin;

    const RuleExtensions& extensions() const noexcept;
    bool matches(std::string_view normalised_path) const noexcept;
    // "!/app/*.gif=lb (uriworkermap.properties:3)" style, for logs and the status page.
    std::string describe() const;
};

// '*' / '?' glob match of the whole text. Allocation-free; worst case O(|pattern| * |text|).
bool wildcard_match(std::string_view pattern, std::string_view text) noexcept;

// Parses one rule and appends the one or two rules it stands for to `out`. `force_exclusion`
// is JkUnMount: the rule is an exclusion and the pattern must not carry its own '!'.
// Problems go to `diags` at origin.file:origin.line; returns false (and appends nothing) on
// error. A uriworkermap line whose pattern does not start right is skipped, as mod_jk skips
// it (a compatibility warning). A pattern that can never match a normalised path (it holds
// ';', "//", "/./", "/../" or ends in "/." or "/..") is accepted with a warning.
bool parse_rule(std::string_view pattern, std::string_view worker_spec, const RuleOrigin& origin,
                bool force_exclusion, Diagnostics& diags, std::vector<UriRule>& out);

}  // namespace ajpgate::config
