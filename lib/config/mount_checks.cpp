#include "config/mount_checks.hpp"

#include <algorithm>

namespace ajpgate::config {

WorkerCatalog catalog_of(const WorkersConfig& workers) {
    return WorkerCatalog{
        [&workers](std::string_view name) { return workers.find(name).has_value(); },
        [&workers](std::string_view name) { return workers.find_mapped(name).has_value(); },
        [&workers](std::string_view name) { return workers.find_lb(name) != nullptr; },
        [&workers](std::string_view lb, std::string_view member) {
            const auto* balancer = workers.find_lb(lb);
            if (balancer == nullptr) return false;
            return std::any_of(balancer->members.begin(), balancer->members.end(),
                               [&](const LbMember& m) {
                                   return workers.ajp13_workers()[m.worker].name == member;
                               });
        },
    };
}

void check_map_workers(const UriMap& map, const WorkersConfig& workers, Diagnostics& diags) {
    const auto catalog = catalog_of(workers);
    check_rule_workers(map.static_rules(), catalog, diags);
    check_rule_workers(map.file_rules(), catalog, diags);
}

}  // namespace ajpgate::config
