#include "config/route_index.hpp"

#include "config/worker_model.hpp"

namespace ajpgate::config {

namespace {

// FNV-1a: routes are short (a jvmRoute), so a byte loop is cheaper than anything clever.
std::size_t route_hash(std::string_view route) noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : route) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h ^ (h >> 29));
}

std::optional<std::size_t> scan(const std::vector<LbMember>& members, std::string_view route) noexcept {
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (members[i].route == route) return i;
    }
    return std::nullopt;
}

}  // namespace

void RouteIndex::rebuild(const std::vector<LbMember>& members) {
    slots_.clear();
    if (members.empty() || members.size() >= 0xffff) return;  // empty table: find() scans
    std::size_t size = 4;
    while (size < members.size() * 2) size *= 2;  // at most half full: short probe runs
    slots_.assign(size, 0);
    const std::size_t mask = size - 1;
    for (std::size_t i = 0; i < members.size(); ++i) {
        std::size_t at = route_hash(members[i].route) & mask;
        bool taken = false;
        while (slots_[at] != 0) {
            if (members[slots_[at] - 1].route == members[i].route) taken = true;  // keep the first
            at = (at + 1) & mask;
        }
        if (!taken) slots_[at] = static_cast<std::uint16_t>(i + 1);
    }
}

std::optional<std::size_t> RouteIndex::find(const std::vector<LbMember>& members, std::string_view route) const noexcept {
    if (slots_.empty()) return scan(members, route);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = route_hash(route) & mask, probes = 0; probes < slots_.size(); at = (at + 1) & mask, ++probes) {
        const std::size_t entry = slots_[at];
        if (entry == 0) break;
        if (entry <= members.size() && members[entry - 1].route == route) return entry - 1;
    }
    return scan(members, route);  // a route no member has, or a table older than the routes
}

}  // namespace ajpgate::config
