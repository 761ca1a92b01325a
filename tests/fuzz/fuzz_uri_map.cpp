// Fuzz target for the URI map: rule parsing (uriworkermap lines, JkMount/JkUnMount, mount
// properties), map construction, servlet path normalisation and matching.
//
// Input: lines of rules (at most 64: building a map checks every pair of rules for conflicts,
// and a few thousand pairs already cover that; more only slows every execution down), then the
// request path after the last '\n'. A rule line starting with
// "M " / "U " is a JkMount / JkUnMount ("pattern worker"), "W " a worker.X.mount value
// ("worker patterns..."), anything else a uriworkermap.properties line.
//
// Beyond "no crash", it checks the properties the module relies on: a normalised path is in
// normal form and stable, never longer than its input; the matcher agrees with a simple
// dynamic-programming glob; a winner is an enabled mount that really matches.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/uri_map.hpp"
#include "config/uri_sources.hpp"

using namespace ajpgate::config;

namespace {

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// Reference glob: table over (pattern prefix, text prefix); slow but obviously right. Two
// rows reused across calls, so a long pattern costs no allocation per character.
bool reference_glob(std::string_view pattern, std::string_view text) {
    static std::vector<char> row;
    static std::vector<char> next;
    row.assign(text.size() + 1, 0);
    row[0] = 1;
    for (char p : pattern) {
        next.assign(text.size() + 1, 0);
        for (std::size_t t = 0; t <= text.size(); ++t) {
            if (p == '*') {
                next[t] = row[t] || (t > 0 && next[t - 1]);
            } else if (t > 0 && row[t - 1] && (p == '?' || p == text[t - 1])) {
                next[t] = 1;
            }
        }
        row.swap(next);
    }
    return row[text.size()] != 0;
}

void check_normal_form(std::string_view input, std::string_view path) {
    require(!path.empty() && path.front() == '/');
    require(path.size() <= input.size());
    require(path.find(';') == std::string_view::npos);
    require(path.find("//") == std::string_view::npos);
    require(path.find("/./") == std::string_view::npos);
    require(path.find("/../") == std::string_view::npos);
    require(path != "/." && path != "/..");
    require(path.size() < 2 || path.substr(path.size() - 2) != "/.");
    require(path.size() < 3 || path.substr(path.size() - 3) != "/..");
    const NormalizeResult again = normalize_path(path);
    require(again.ok() && again.path == path);
}

void add_directive(UriRuleSet& set, std::string_view line, Diagnostics& diags) {
    const char kind = line[0];
    line.remove_prefix(2);
    const std::size_t space = line.find(' ');
    const std::string_view first = line.substr(0, space);
    const std::string_view rest =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (kind == 'M') {
        set.add_jk_mount(first, rest, "fuzz.conf", 1, diags);
    } else if (kind == 'U') {
        set.add_jk_unmount(first, rest, "fuzz.conf", 1, diags);
    } else {
        set.add_worker_mounts(first, rest, "workers.properties", 1, diags);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (std::count(input.begin(), input.end(), '\n') > 64) return 0;
    const std::size_t last_newline = input.rfind('\n');
    const std::string_view rules_text =
        last_newline == std::string_view::npos ? std::string_view() : input.substr(0, last_newline);
    const std::string_view raw_path =
        last_newline == std::string_view::npos ? input : input.substr(last_newline + 1);

    Diagnostics diags;
    UriRuleSet directives;
    std::string file_text;
    std::size_t start = 0;
    while (start < rules_text.size()) {
        std::size_t end = rules_text.find('\n', start);
        if (end == std::string_view::npos) {
            end = rules_text.size();
        }
        const std::string_view line = rules_text.substr(start, end - start);
        if (line.size() >= 2 && line[1] == ' ' &&
            (line[0] == 'M' || line[0] == 'U' || line[0] == 'W')) {
            add_directive(directives, line, diags);
        } else {
            file_text.append(line).push_back('\n');
        }
        start = end + 1;
    }
    std::vector<UriRule> file_rules = parse_uriworkermap(file_text, "fuzz.properties", diags);
    const UriMap map = UriMap::build(directives.take(), file_rules, diags);
    const UriMap reloaded = map.with_file_rules(file_rules, diags);
    for (const Diagnostic& d : diags.all()) {
        require(!d.to_string().empty());
    }

    std::string buffer(raw_path.size(), '\0');
    const MapResult result = map.map_request(raw_path, std::span<char>(buffer));
    const NormalizeResult normal = normalize_path(raw_path);
    require(result.error == normal.error);
    if (!result.ok()) {
        require(result.rule == nullptr);
        return 0;
    }
    require(result.path == normal.path);
    check_normal_form(raw_path, result.path);

    // The first enabled mount that matches per the reference glob must be the winner,
    // unless an exclusion for its worker (or for "*") matches too.
    const UriRule* expected = nullptr;
    for (const UriRule* rule : map.mounts()) {
        const bool ref = rule->type == MatchType::exact
                             ? rule->pattern == result.path
                             : reference_glob(rule->pattern, result.path);
        require(ref == rule->matches(result.path));
        if (ref && expected == nullptr) {
            expected = rule;
        }
    }
    if (expected != nullptr) {
        for (const UriRule* rule : map.exclusions()) {
            if ((rule->worker == kAnyWorker || rule->worker == expected->worker) &&
                reference_glob(rule->pattern, result.path)) {
                expected = nullptr;
                break;
            }
        }
    }
    require(result.rule == expected);
    if (result.rule != nullptr) {
        require(!result.rule->disabled && !result.rule->exclusion);
    }
    const UriRule* again = reloaded.match(result.path);
    require((again == nullptr) == (expected == nullptr));
    require(again == nullptr || again->worker == expected->worker);
    return 0;
}
