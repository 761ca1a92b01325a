#include "config/uri_map.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace ajpgate::config {

namespace {

// True when `a` must be tried before `b`; equal keys keep their given order (stable sort).
bool precedes(const UriRule* a, const UriRule* b) noexcept {
    if (a->type != b->type) {
        return a->type == MatchType::exact;
    }
    if (a->slashes != b->slashes) {
        return a->slashes > b->slashes;
    }
    if (a->pattern.size() != b->pattern.size()) {
        return a->pattern.size() > b->pattern.size();
    }
    return a->origin.source > b->origin.source;
}

// Only the first of two same-source rules for one pattern can ever win; say so, since the
// user probably meant something else (mod_jk leaves the outcome undefined). Such rules have
// equal sort keys, so they sit in one run of the sorted list: each run is read once, with the
// first rule of each pattern in a hash (100,000 rules of one length are one run).
void warn_conflicts(std::span<const UriRule* const> mounts, Diagnostics& diags) {
    std::unordered_map<std::string_view, const UriRule*> first_of_pattern;
    for (std::size_t run_start = 0; run_start < mounts.size();) {
        std::size_t run_end = run_start + 1;
        while (run_end < mounts.size() && !precedes(mounts[run_start], mounts[run_end])) ++run_end;
        first_of_pattern.clear();
        for (std::size_t i = run_start; i < run_end; ++i) {
            const auto [at, inserted] = first_of_pattern.try_emplace(mounts[i]->pattern, mounts[i]);
            if (!inserted && at->second->worker != mounts[i]->worker) {
                diags.warning(mounts[i]->origin.file, mounts[i]->origin.line,
                              "rule " + mounts[i]->describe() + " is shadowed by " + at->second->describe());
            }
        }
        run_start = run_end;
    }
}

}  // namespace

UriMap::UriMap()
    : static_(std::make_shared<const std::vector<UriRule>>()),
      file_(std::make_shared<const std::vector<UriRule>>()) {}

UriMap::UriMap(Rules static_rules, Rules file_rules, Diagnostics& diags)
    : static_(std::move(static_rules)), file_(std::move(file_rules)) {
    for (const auto* rules : {static_.get(), file_.get()}) {
        for (const UriRule& rule : *rules) {
            if (!rule.disabled) {
                (rule.exclusion ? exclusions_ : mounts_).push_back(&rule);
            }
        }
    }
    std::stable_sort(mounts_.begin(), mounts_.end(), precedes);
    warn_conflicts(mounts_, diags);
    mount_index_ = UriIndex(mounts_);
    exclusion_index_ = UriIndex(exclusions_);
}

UriMap UriMap::build(std::vector<UriRule> static_rules, std::vector<UriRule> file_rules,
                     Diagnostics& diags) {
    return UriMap(std::make_shared<const std::vector<UriRule>>(std::move(static_rules)),
                  std::make_shared<const std::vector<UriRule>>(std::move(file_rules)), diags);
}

UriMap UriMap::with_file_rules(std::vector<UriRule> file_rules, Diagnostics& diags) const {
    return UriMap(static_, std::make_shared<const std::vector<UriRule>>(std::move(file_rules)),
                  diags);
}

const UriRule* UriMap::match(std::string_view normalised_path) const noexcept {
    const UriRule* winner = mount_index_.first_match(normalised_path);
    if (winner == nullptr || exclusion_index_.first_match_for(normalised_path, winner->worker) != nullptr) {
        return nullptr;
    }
    return winner;
}

MapResult UriMap::map_request(std::string_view decoded_path,
                              std::span<char> buffer) const noexcept {
    MapResult result;
    std::size_t len = 0;
    result.error = normalize_path_into(decoded_path, buffer, len);
    if (result.ok()) {
        result.path = std::string_view(buffer.data(), len);
        result.rule = match(result.path);
    }
    return result;
}

MapResult UriMap::map_request(std::string_view decoded_path, std::string& storage) const {
    storage.assign(decoded_path.size(), '\0');
    MapResult result = map_request(decoded_path, std::span<char>(storage));
    storage.resize(result.path.size());
    result.path = storage;
    return result;
}

}  // namespace ajpgate::config
