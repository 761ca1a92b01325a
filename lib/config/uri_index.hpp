// A lookup over URI rules that does not scan them, so a request costs about the same with 10
// or 100,000 mounts. Built once (at start-up, or when JkMountFile is re-read) over rules given
// in precedence order; a rule's rank is its position there, and a query answers the
// lowest-ranked matching rule, exactly as a first-match scan of the same list would.
//
// Rules fall into three kinds, each looked up its own way:
//   exact       "/app/login"   a hash of the whole pattern;
//   one star    "/ctx/*", "*.jsp", "/img/*.png"   (a literal head, '*', a literal tail):
//               a hash of the heads, probed with the path's prefixes of each head length
//               that occurs, then in that head's group a hash of the tails, probed with the
//               path's suffixes of each tail length that occurs;
//   general     several stars or a '?': scanned in rank order, stopping at the best rank
//               found so far (real configurations have few of these).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/uri_pattern.hpp"

namespace ajpgate::config {

class UriIndex {
public:
    // `rules` in precedence order; the rules must outlive the index (it keeps views of their
    // patterns).
    explicit UriIndex(std::span<const UriRule* const> rules = {});

    // The first rule of the list that matches `path`, or nullptr.
    const UriRule* first_match(std::string_view path) const noexcept;
    // The first rule that matches `path` and is for `worker` or for every worker ("*").
    const UriRule* first_match_for(std::string_view path, std::string_view worker) const noexcept;

private:
    using Ranks = std::vector<std::uint32_t>;  // ascending
    struct TailGroup {
        std::unordered_map<std::string_view, Ranks> by_tail;
        std::vector<std::size_t> tail_lengths;  // distinct, ascending
    };

    template <class Accept>
    const UriRule* first(std::string_view path, Accept accept) const noexcept;

    std::vector<const UriRule*> rules_;  // by rank
    std::unordered_map<std::string_view, Ranks> exact_;
    std::unordered_map<std::string_view, TailGroup> heads_;
    std::vector<std::size_t> head_lengths_;  // distinct, ascending
    Ranks general_;
};

}  // namespace ajpgate::config
