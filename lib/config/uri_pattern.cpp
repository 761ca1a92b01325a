#include "config/uri_pattern.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace ajpgate::config {

std::string_view to_string(RuleSource source) noexcept {
    switch (source) {
        case RuleSource::worker_mount:
            return "mount";
        case RuleSource::jk_mount:
            return "JkMount";
        case RuleSource::uriworkermap:
            return "uriworkermap";
    }
    return "unknown";
}

bool wildcard_match(std::string_view pattern, std::string_view text) noexcept {
    // Greedy scan remembering only the last '*': on a mismatch, let that star swallow one
    // more character and retry. Earlier stars never need revisiting, since the later star
    // can absorb anything they would have.
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_text = t;
        } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

const RuleExtensions& UriRule::extensions() const noexcept {
    static const RuleExtensions kNone;
    return own_extensions ? *own_extensions : kNone;
}

bool UriRule::matches(std::string_view normalised_path) const noexcept {
    return type == MatchType::exact ? normalised_path == pattern
                                    : wildcard_match(pattern, normalised_path);
}

std::string UriRule::describe() const {
    std::string out;
    if (disabled) {
        out += '-';
    }
    if (exclusion) {
        out += '!';
    }
    out += pattern;
    out += '=';
    out += worker;
    out += " (";
    out += to_string(origin.source);
    if (!origin.file.empty()) {
        out += ' ';
        out += origin.file;
        if (origin.line > 0) {
            out += ':' + std::to_string(origin.line);
        }
    }
    out += ')';
    return out;
}

namespace {

struct Modifiers {
    bool exclusion = false;
    bool disabled = false;
    std::size_t length = 0;
};

// Reads the '!' / '-' prefix; nullopt when one is repeated ("!!/x" is a typo, not a toggle).
std::optional<Modifiers> read_modifiers(std::string_view pattern) {
    Modifiers m;
    for (; m.length < pattern.size(); ++m.length) {
        const char c = pattern[m.length];
        if (c != '!' && c != '-') {
            break;
        }
        bool& flag = c == '!' ? m.exclusion : m.disabled;
        if (flag) {
            return std::nullopt;
        }
        flag = true;
    }
    return m;
}

// Normalised paths hold no params, empty segments or dot segments; a literal run of the
// pattern that requires one can never match. Wildcards cannot stand in for these runs, since
// the check only looks at characters that must appear verbatim.
bool can_never_match(std::string_view pattern) {
    auto ends_with = [&](std::string_view tail) {
        return pattern.size() >= tail.size() &&
               pattern.substr(pattern.size() - tail.size()) == tail;
    };
    return pattern.find(';') != std::string_view::npos ||
           pattern.find("//") != std::string_view::npos ||
           pattern.find("/./") != std::string_view::npos ||
           pattern.find("/../") != std::string_view::npos || ends_with("/.") || ends_with("/..");
}

UriRule make_rule(std::string pattern, const WorkerSpec& spec, const Modifiers& mods,
                  const RuleOrigin& origin) {
    UriRule rule;
    rule.type =
        pattern.find_first_of("*?") == std::string::npos ? MatchType::exact : MatchType::wildcard;
    rule.slashes = static_cast<std::size_t>(std::count(pattern.begin(), pattern.end(), '/'));
    rule.pattern = std::move(pattern);
    rule.worker = spec.worker;
    if (!spec.extensions.empty()) rule.own_extensions = std::make_shared<const RuleExtensions>(spec.extensions);
    rule.exclusion = mods.exclusion;
    rule.disabled = mods.disabled;
    rule.origin = origin;
    return rule;
}

}  // namespace

bool parse_rule(std::string_view pattern, std::string_view worker_spec, const RuleOrigin& origin,
                bool force_exclusion, Diagnostics& diags, std::vector<UriRule>& out) {
    auto error = [&](std::string message) {
        diags.error(origin.file, origin.line, std::move(message));
        return false;
    };
    const std::string quoted = "'" + std::string(pattern) + "'";
    std::optional<Modifiers> mods = read_modifiers(pattern);
    if (!mods) {
        return error("repeated '!' or '-' modifier in pattern " + quoted);
    }
    if (force_exclusion) {
        if (mods->exclusion) {
            return error("JkUnMount pattern " + quoted +
                         " must not start with '!': it is an "
                         "exclusion already");
        }
        mods->exclusion = true;
    }
    const std::string_view body = pattern.substr(mods->length);
    if (body.empty() || std::string_view("/*?").find(body.front()) == std::string_view::npos) {
        // mod_jk refuses such a JkMount or worker.X.mount, but skips such a file line.
        if (origin.source == RuleSource::uriworkermap) {
            diags.compat(origin.file, origin.line,
                         "pattern " + quoted + " does not start with '/': mod_jk ignores this "
                         "rule, and so does ajpgate (fix the pattern)");
            return true;
        }
        return error("pattern " + quoted + " must start with '/', '*' or '?'");
    }
    const std::size_t bar = body.find('|');
    if (bar != std::string_view::npos && body.find('|', bar + 1) != std::string_view::npos) {
        return error("pattern " + quoted + " has more than one '|'");
    }
    std::optional<WorkerSpec> spec =
        parse_worker_spec(worker_spec, origin.file, origin.line, diags);
    if (!spec) {
        return false;
    }
    if (spec->worker == kAnyWorker && !mods->exclusion) {
        return error("worker '*' is only allowed on an exclusion rule, not on " + quoted);
    }
    if (mods->exclusion && !spec->extensions.empty()) {
        diags.warning(origin.file, origin.line,
                      "rule extensions on exclusion " + quoted + " have no effect");
    }
    std::vector<std::string> expanded{std::string(body.substr(0, bar))};
    if (bar != std::string_view::npos && bar + 1 < body.size()) {
        expanded.push_back(expanded.front() + std::string(body.substr(bar + 1)));
    }
    for (std::string& one : expanded) {
        if (can_never_match(one)) {
            diags.warning(origin.file, origin.line,
                          "pattern '" + one +
                              "' can never match a normalised path "
                              "(';', '//', '.' or '..' segment)");
        }
        out.push_back(make_rule(std::move(one), *spec, *mods, origin));
    }
    return true;
}

}  // namespace ajpgate::config
