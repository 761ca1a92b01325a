// "Did you mean" hints for unknown property names (edit distance).
#include <algorithm>
#include <vector>

#include "config/property_table.hpp"

namespace ajpgate::config {

namespace {

// The edit distance of a and b when it is below `limit`, otherwise `limit`. Hints are computed
// for every unknown name against every property, so hopeless candidates stop early: the
// distance is at least the difference in length, and never less than the smallest entry of
// the current row. `row` is scratch space, reused across calls.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit, std::vector<std::size_t>& row) {
    const std::size_t length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (length_gap >= limit) return limit;
    row.resize(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        std::size_t smallest = row[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
            smallest = std::min(smallest, row[j]);
        }
        if (smallest >= limit) return limit;
    }
    return std::min(row[b.size()], limit);
}

}  // namespace

std::string_view suggest_property(std::string_view name, unsigned scope) {
    // Long garbage is not worth comparing, and a bound keeps this cheap.
    if (name.empty() || name.size() > 64) return {};
    std::string_view best;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
    std::vector<std::size_t> row;
    for (const auto& spec : property_table()) {
        if ((spec.scope & scope) == 0 || spec.deprecation != Deprecation::none) continue;
        const auto distance = edit_distance(name, spec.name, best_distance, row);
        if (distance < best_distance) {
            best_distance = distance;
            best = spec.name;
        }
    }
    return best;
}

}  // namespace ajpgate::config
