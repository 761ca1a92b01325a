#include "config/uri_sources.hpp"

#include "config/text_file.hpp"


#include "config/property_value.hpp"
#include "config/uri_text.hpp"

namespace ajpgate::config {

bool UriRuleSet::add(std::string_view pattern, std::string_view worker_spec,
                     const RuleOrigin& origin, bool force_exclusion, Diagnostics& diags) {
    return parse_rule(pattern, worker_spec, origin, force_exclusion, diags, rules_);
}

bool UriRuleSet::add_jk_mount(std::string_view pattern, std::string_view worker_spec,
                              std::string_view file, std::size_t line, Diagnostics& diags) {
    return add(pattern, worker_spec, {RuleSource::jk_mount, std::string(file), line}, false, diags);
}

bool UriRuleSet::add_jk_unmount(std::string_view pattern, std::string_view worker_spec,
                                std::string_view file, std::size_t line, Diagnostics& diags) {
    return add(pattern, worker_spec, {RuleSource::jk_mount, std::string(file), line}, true, diags);
}

bool UriRuleSet::add_location_mount(std::string_view location_path, std::string_view worker_spec,
                                    bool unmount, std::string_view file, std::size_t line,
                                    Diagnostics& diags) {
    // A Location path never carries rule modifiers; refusing them here keeps a path such as
    // "-x" or "!x" from silently becoming a disabled rule or an exclusion.
    if (location_path.empty() || location_path.front() != '/') {
        diags.error(std::string(file), line,
                    "JkMount without a pattern needs a <Location> path starting with '/', got '" +
                        std::string(location_path) + "'");
        return false;
    }
    return add(location_path, worker_spec, {RuleSource::jk_mount, std::string(file), line}, unmount,
               diags);
}

bool UriRuleSet::add_worker_mounts(std::string_view worker, std::string_view patterns,
                                   std::string_view file, std::size_t line, Diagnostics& diags) {
    const RuleOrigin origin{RuleSource::worker_mount, std::string(file), line};
    bool ok = true;
    for (const std::string& pattern : split_list(patterns)) {
        ok = add(pattern, worker, origin, false, diags) && ok;
    }
    return ok;
}

void UriRuleSet::append(std::span<const UriRule> rules) {
    rules_.insert(rules_.end(), rules.begin(), rules.end());
}

std::vector<UriRule> parse_uriworkermap(std::string_view text, std::string_view file,
                                        Diagnostics& diags) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";  // some editors write one
    if (text.substr(0, kBom.size()) == kBom) {
        text.remove_prefix(kBom.size());
    }
    std::vector<UriRule> rules;
    std::size_t line_no = 0;
    for (std::string_view line : split_at(text, '\n')) {
        ++line_no;
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) {
            continue;
        }
        // mod_jk reads this file as properties: a line it cannot split is skipped.
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            diags.compat(std::string(file), line_no,
                         "expected 'pattern=worker', got '" + std::string(line) +
                             "': skipped, as mod_jk skips it (fix or remove the line)");
            continue;
        }
        const std::string_view pattern = trim(line.substr(0, eq));
        const std::string_view worker = trim(line.substr(eq + 1));
        if (pattern.empty() || worker.empty()) {
            diags.compat(std::string(file), line_no,
                         std::string(pattern.empty() ? "missing pattern" : "missing worker") +
                             " in '" + std::string(line) +
                             "': skipped, as mod_jk skips it (fix or remove the line)");
            continue;
        }
        parse_rule(pattern, worker, {RuleSource::uriworkermap, std::string(file), line_no}, false,
                   diags, rules);
    }
    return rules;
}

std::optional<std::vector<UriRule>> read_uriworkermap_file(const std::string& path,
                                                           Diagnostics& diags) {
    auto content = read_text_file(path, "uriworkermap file", diags);
    if (!content) return std::nullopt;
    return parse_uriworkermap(*content, path, diags);
}

}  // namespace ajpgate::config
