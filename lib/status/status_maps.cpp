// mod_jk's display_map(): the rules of one server's map that name the worker or exclude for
// every worker ("*"), disabled ones included, in the order of mod_jk's sorted map
// (uri_worker_map_add's worker_compare): more '/' first, then longer URI, then source
// uriworkermap > JkMount > worker definition; rules equal in all three keep the order they
// were given (glibc's qsort is a stable merge sort for these sizes).
#include "status/status_maps.hpp"

#include <algorithm>

namespace ajpgate::status {

namespace {

std::string source_text(config::RuleSource source) {
    switch (source) {
    case config::RuleSource::worker_mount: return "worker definition";
    case config::RuleSource::jk_mount: return "JkMount";
    case config::RuleSource::uriworkermap: return "uriworkermap";
    }
    return "unknown";
}

// uri_worker_map_get_match(): "Disabled " and "Unmount " in front of "Exact" / "Wildchar".
std::string type_text(const config::UriRule& rule) {
    std::string text;
    if (rule.disabled) text += "Disabled ";
    if (rule.exclusion) text += "Unmount ";
    text += rule.type == config::MatchType::exact ? "Exact" : "Wildchar";
    return text;
}

std::optional<std::string> joined(const std::optional<std::vector<std::string>>& names) {
    if (!names) {
        return std::nullopt;
    }
    std::string text;
    for (const std::string& name : *names) {
        text += (text.empty() ? "" : ",") + name;
    }
    return text;
}

std::optional<std::string> joined(const std::optional<std::vector<int>>& codes) {
    if (!codes) {
        return std::nullopt;
    }
    std::string text;
    for (int code : *codes) {
        text += (text.empty() ? "" : ",") + std::to_string(code);
    }
    return text;
}

MapEntry describe(const config::UriRule& rule, std::string_view server) {
    const config::RuleExtensions& ext = rule.extensions();
    MapEntry entry;
    entry.server = std::string(server);
    entry.uri = rule.pattern;
    entry.type = type_text(rule);
    entry.source = source_text(rule.origin.source);
    entry.reply_timeout = ext.reply_timeout ? static_cast<int>(ext.reply_timeout->count()) : -1;
    entry.sticky_ignore = ext.sticky_ignore.value_or(false) ? 1 : 0;
    entry.stateless = ext.stateless.value_or(false) ? 1 : 0;
    entry.fail_on_status = joined(ext.fail_on_status);
    entry.active = joined(ext.active);
    entry.disabled = joined(ext.disabled);
    entry.stopped = joined(ext.stopped);
    entry.use_server_errors = ext.use_server_errors.value_or(0);
    return entry;
}

bool shown_before(const config::UriRule* a, const config::UriRule* b) {
    if (a->slashes != b->slashes) return a->slashes > b->slashes;
    if (a->pattern.size() != b->pattern.size()) return a->pattern.size() > b->pattern.size();
    return a->origin.source > b->origin.source;
}

}  // namespace

std::vector<MapEntry> describe_maps(const config::UriMap& map, std::string_view worker, std::string_view server) {
    std::vector<const config::UriRule*> rules;
    for (const auto* list : {&map.static_rules(), &map.file_rules()}) {
        for (const config::UriRule& rule : *list) {
            if (rule.worker == worker || rule.worker == config::kAnyWorker) {
                rules.push_back(&rule);
            }
        }
    }
    std::stable_sort(rules.begin(), rules.end(), shown_before);
    std::vector<MapEntry> entries;
    entries.reserve(rules.size());
    for (const config::UriRule* rule : rules) {
        entries.push_back(describe(*rule, server));
    }
    return entries;
}

}  // namespace ajpgate::status
