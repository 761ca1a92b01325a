#include "config/uri_index.hpp"

#include <algorithm>
#include <limits>

namespace ajpgate::config {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

void add_length(std::vector<std::size_t>& lengths, std::size_t length) {
    const auto at = std::lower_bound(lengths.begin(), lengths.end(), length);
    if (at == lengths.end() || *at != length) lengths.insert(at, length);
}

}  // namespace

UriIndex::UriIndex(std::span<const UriRule* const> rules) : rules_(rules.begin(), rules.end()) {
    for (std::uint32_t rank = 0; rank < rules_.size(); ++rank) {
        const std::string_view pattern = rules_[rank]->pattern;
        if (rules_[rank]->type == MatchType::exact) {
            exact_[pattern].push_back(rank);
            continue;
        }
        const std::size_t star = pattern.find('*');
        const bool one_star = star != std::string_view::npos && pattern.find('*', star + 1) == std::string_view::npos &&
                              pattern.find('?') == std::string_view::npos;
        if (!one_star) {
            general_.push_back(rank);
            continue;
        }
        const std::string_view head = pattern.substr(0, star);
        const std::string_view tail = pattern.substr(star + 1);
        TailGroup& group = heads_[head];
        if (group.by_tail.empty()) add_length(head_lengths_, head.size());
        Ranks& ranks = group.by_tail[tail];
        if (ranks.empty()) add_length(group.tail_lengths, tail.size());
        ranks.push_back(rank);
    }
}

// The lowest rank that matches and is accepted. Every candidate list is ascending, so each is
// read only up to its first accepted entry, and only while it can still beat `best`.
template <class Accept>
const UriRule* UriIndex::first(std::string_view path, Accept accept) const noexcept {
    std::uint32_t best = kNone;
    auto consider = [&](const Ranks& ranks) {
        for (const std::uint32_t rank : ranks) {
            if (rank >= best) return;
            if (accept(*rules_[rank])) {
                best = rank;
                return;
            }
        }
    };
    if (const auto found = exact_.find(path); found != exact_.end()) consider(found->second);
    for (const std::size_t head_length : head_lengths_) {
        if (head_length > path.size()) break;
        const auto group = heads_.find(path.substr(0, head_length));
        if (group == heads_.end()) continue;
        const std::size_t room = path.size() - head_length;  // the tail may not overlap the head
        for (const std::size_t tail_length : group->second.tail_lengths) {
            if (tail_length > room) break;
            const auto tail = group->second.by_tail.find(path.substr(path.size() - tail_length));
            if (tail != group->second.by_tail.end()) consider(tail->second);
        }
    }
    for (const std::uint32_t rank : general_) {
        if (rank >= best) break;
        if (wildcard_match(rules_[rank]->pattern, path) && accept(*rules_[rank])) {
            best = rank;
            break;
        }
    }
    return best == kNone ? nullptr : rules_[best];
}

const UriRule* UriIndex::first_match(std::string_view path) const noexcept {
    return first(path, [](const UriRule&) { return true; });
}

const UriRule* UriIndex::first_match_for(std::string_view path, std::string_view worker) const noexcept {
    return first(path, [worker](const UriRule& rule) { return rule.worker == worker || rule.worker == kAnyWorker; });
}

}  // namespace ajpgate::config
