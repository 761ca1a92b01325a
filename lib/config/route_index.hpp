// Finding an lb member by its route without comparing the route with every member's: a sticky
// request names its route, and an lb may have dozens of members (issue 15: the lb path should
// cost the same with 64 members as with 2).
//
// A small open-addressed table of member indexes, built when the members or their routes
// change (the parser, and each time a child applies the status worker's edits). It only
// speeds the search up: a hit is confirmed by comparing the route itself, and a miss falls
// back to the scan, so a table built for other routes can be slow but never wrong. With
// duplicate routes (refused at start-up, possible after an edit) the first member wins, as
// in the scan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ajpgate::config {

struct LbMember;

class RouteIndex {
public:
    void rebuild(const std::vector<LbMember>& members);

    // The first member whose route is `route`.
    std::optional<std::size_t> find(const std::vector<LbMember>& members, std::string_view route) const noexcept;

private:
    std::vector<std::uint16_t> slots_;  // member index + 1; 0 is an empty slot
};

}  // namespace ajpgate::config
