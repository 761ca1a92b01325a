// "Did you mean" hints for unknown property names (edit distance).
#include <algorithm>
#include <vector>

#include "config/property_table.hpp"

namespace ajpgate::config {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string_view suggest_property(std::string_view name, unsigned scope) {
    // Long garbage is not worth comparing, and a bound keeps this cheap.
    if (name.empty() || name.size() > 64) return {};
    std::string_view best;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
    for (const auto& spec : property_table()) {
        if ((spec.scope & scope) == 0 || spec.deprecation != Deprecation::none) continue;
        const auto distance = edit_distance(name, spec.name);
        if (distance < best_distance) {
            best_distance = distance;
            best = spec.name;
        }
    }
    return best;
}

}  // namespace ajpgate::config
