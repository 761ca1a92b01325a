// The three places mapping rules come from, turned into UriRule values that remember their
// source and file:line:
//   - JkMount / JkUnMount directives (two-argument form, or one argument inside <Location>),
//   - worker.X.mount properties of workers.properties,
//   - uriworkermap.properties files (JkMountFile), which may be reloaded at run time.
// Directive and property rules are "static"; file rules are swapped on reload (see uri_map).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/uri_pattern.hpp"

namespace ajpgate::config {

class UriRuleSet {
public:
    // `JkMount pattern worker[;ext=val...]`.
    bool add_jk_mount(std::string_view pattern, std::string_view worker_spec, std::string_view file,
                      std::size_t line, Diagnostics& diags);

    // `JkUnMount pattern worker`: an exclusion for that worker, or for every worker if "*".
    bool add_jk_unmount(std::string_view pattern, std::string_view worker_spec,
                        std::string_view file, std::size_t line, Diagnostics& diags);

    // One-argument JkMount / JkUnMount inside `<Location path>`: the Location path itself is
    // the pattern, with no implicit `/*` (so `<Location /app>` maps exactly `/app`).
    bool add_location_mount(std::string_view location_path, std::string_view worker_spec,
                            bool unmount, std::string_view file, std::size_t line,
                            Diagnostics& diags);

    // `worker.X.mount=/a/* /b|/*`: patterns separated by spaces, tabs or commas (mod_jk's list
    // separators), all mapped to `worker`.
    bool add_worker_mounts(std::string_view worker, std::string_view patterns,
                           std::string_view file, std::size_t line, Diagnostics& diags);

    // Any rule with an explicit origin.
    bool add(std::string_view pattern, std::string_view worker_spec, const RuleOrigin& origin,
             bool force_exclusion, Diagnostics& diags);

    // Rules that were already parsed elsewhere, e.g. the main server's JkMounts copied into a
    // virtual host by JkMountCopy.
    void append(std::span<const UriRule> rules);

    const std::vector<UriRule>& rules() const noexcept { return rules_; }
    std::vector<UriRule> take() noexcept { return std::move(rules_); }

private:
    std::vector<UriRule> rules_;
};

// Parses uriworkermap.properties text: one `pattern=worker[;ext=val...]` per line, '#' starts
// a comment, blanks around pattern and worker are trimmed, blank lines are skipped. Every bad
// line is reported as `file:line` and skipped (a line without pattern or worker, which mod_jk
// skips too, with a compatibility warning); the good ones are returned.
std::vector<UriRule> parse_uriworkermap(std::string_view text, std::string_view file,
                                        Diagnostics& diags);

// Reads and parses a uriworkermap file. std::nullopt (with an error naming the file) when it
// cannot be read; otherwise the rules, with any line errors in `diags`.
std::optional<std::vector<UriRule>> read_uriworkermap_file(const std::string& path,
                                                           Diagnostics& diags);

}  // namespace ajpgate::config
