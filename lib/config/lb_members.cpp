#include "config/lb_members.hpp"

#include <algorithm>
#include <map>

namespace ajpgate::config {

bool add_member(LbWorker& lb, const std::vector<Ajp13Worker>& ajp13, std::size_t index,
                const Origin& where, Diagnostics& diagnostics) {
    const auto& worker = ajp13[index];
    const bool twice = std::any_of(lb.members.begin(), lb.members.end(),
                                   [&](const LbMember& m) { return m.worker == index; });
    if (twice) {
        // mod_jk keeps both entries, finds their routes equal and does not start.
        diagnostics.error(where.file, where.line,
                          "lb '" + lb.name + "' lists member '" + worker.name + "' twice (mod_jk "
                          "does not start either: both entries have route '" + worker.route +
                              "')");
        return false;
    }
    LbMember member;
    member.worker = index;
    member.lbfactor = worker.lbfactor;
    member.distance = worker.distance;
    member.route = worker.route;
    member.domain = worker.domain;
    member.redirect = worker.redirect;
    member.activation = worker.port == 0 ? Activation::stopped : worker.activation;
    member.secret = worker.secret.empty() ? lb.secret : worker.secret;
    lb.members.push_back(std::move(member));
    return true;
}

void validate_member_routes(const LbWorker& lb, const std::vector<Ajp13Worker>& ajp13,
                            const std::vector<Origin>& listed_at, Diagnostics& diagnostics) {
    std::map<std::string, std::string> owner;  // route -> member name
    for (std::size_t i = 0; i < lb.members.size(); ++i) {
        const auto& member = lb.members[i];
        const auto& where = listed_at[i];
        const auto& name = ajp13[member.worker].name;
        const auto [it, inserted] = owner.emplace(member.route, name);
        if (!inserted) {
            diagnostics.error(where.file, where.line,
                              "lb '" + lb.name + "': members '" + it->second + "' and '" + name +
                                  "' have the same route '" + member.route +
                                  "' (routes must be unique within an lb; mod_jk does not start "
                                  "either)");
        }
    }
    for (std::size_t i = 0; i < lb.members.size(); ++i) {
        const auto& member = lb.members[i];
        const auto& where = listed_at[i];
        if (member.redirect.empty()) continue;
        const auto& name = ajp13[member.worker].name;
        if (owner.count(member.redirect) == 0) {
            diagnostics.compat(where.file, where.line,
                               "lb '" + lb.name + "': member '" + name + "' redirects to '" +
                                   member.redirect + "', which is not a route of this lb: "
                                   "mod_jk never redirects there, and neither does ajpgate (set "
                                   "redirect to another member's route)");
        } else if (member.redirect == member.route) {
            diagnostics.warning(where.file, where.line,
                                "lb '" + lb.name + "': member '" + name +
                                    "' redirects to its own route");
        }
    }
}

}  // namespace ajpgate::config
