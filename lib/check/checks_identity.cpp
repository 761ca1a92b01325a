// 1xx: which node is which. A member's route against its node's jvmRoute, routes shared by
// nodes, dots in routes, and members and nodes that match nothing.
#include <map>

#include "check/check_input.hpp"
#include "check/rules.hpp"

namespace ajpgate::check {
namespace {

Location engine_route_where(const Binding& b) {
    const Service* s = b.service ? b.service : (b.node->services.empty() ? nullptr : &b.node->services.front());
    return s ? s->engine.jvm_route.where : Location{b.node->server_xml, 0, 0};
}

const Attribute* engine_route(const Binding& b) {
    const Service* s = b.service ? b.service : (b.node->services.empty() ? nullptr : &b.node->services.front());
    return s ? &s->engine.jvm_route : nullptr;
}

}  // namespace

void check_identity(const CheckInput& in, std::vector<Finding>& out) {
    for (const Binding& b : in.bindings) {
        const std::string& name = b.worker->name;
        if (!b.node) {
            if (!in.nodes.empty() && !b.lbs.empty()) {
                out.push_back(make_finding("JKC105",
                                           "member '" + name + "' (" + b.worker->host + ":" +
                                               std::to_string(b.worker->port) + ") matches none of the given nodes",
                                           where_property(in.workers, name, "port")));
            }
            continue;
        }
        if (b.route.find('.') != std::string::npos) {
            out.push_back(make_finding("JKC104", "member '" + name + "' has route '" + b.route + "', with a '.'",
                                       where_property(in.workers, name, "route")));
        }
        if (b.lbs.empty()) continue;  // a lone worker needs no route
        const Attribute* jvm_route = engine_route(b);
        if (!jvm_route) continue;
        if (!jvm_route->present() || jvm_route->value->empty()) {
            Finding f = make_finding("JKC101",
                                     "node '" + b.node->name + "' (member '" + name + "') has no jvmRoute; the member's route is '" +
                                         b.route + "'",
                                     engine_route_where(b));
            f.add_related(where_property(in.workers, name, "route"), "the member is defined here");
            f.fix = "Set <Engine jvmRoute=\"" + b.route + "\"> on node '" + b.node->name + "'.";
            out.push_back(std::move(f));
        } else if (*jvm_route->value != b.route) {
            Finding f = make_finding("JKC102",
                                     "member '" + name + "' has route '" + b.route + "' but node '" + b.node->name +
                                         "' has jvmRoute '" + *jvm_route->value + "'",
                                     where_property(in.workers, name, "route"));
            f.add_related(jvm_route->where, "jvmRoute is set here");
            f.fix = "Set worker." + name + ".route=" + *jvm_route->value + ", or <Engine jvmRoute=\"" + b.route + "\">.";
            out.push_back(std::move(f));
        }
    }
    // Routes shared by nodes, and nodes no worker points at.
    std::map<std::string, const Attribute*> first_route;
    for (std::size_t i = 0; i < in.nodes.size(); ++i) {
        const TomcatNode& node = in.nodes[i];
        for (const Service& s : node.services) {
            const Attribute& r = s.engine.jvm_route;
            if (!r.present() || r.value->empty()) continue;
            bool member_says_it = false;  // the member's JKC104 already names this route
            for (const Binding& b : in.bindings) member_says_it = member_says_it || (b.node && b.route == *r.value);
            if (r.value->find('.') != std::string::npos && !member_says_it) {
                out.push_back(make_finding("JKC104", "node '" + node.name + "' has jvmRoute '" + *r.value + "', with a '.'",
                                           r.where));
            }
            const auto [it, inserted] = first_route.emplace(*r.value, &r);
            if (!inserted) {
                Finding f = make_finding("JKC103", "node '" + node.name + "' has jvmRoute '" + *r.value +
                                                       "', as another node has", r.where);
                f.add_related(it->second->where, "the same jvmRoute here");
                out.push_back(std::move(f));
            }
        }
        bool used = false;
        for (const Binding& b : in.bindings) used = used || b.node == &node;
        if (!used) {
            out.push_back(make_finding("JKC106", "node '" + node.name + "' is the target of no ajp13 worker",
                                       {node.server_xml, 0, 0}));
        }
    }
}

}  // namespace ajpgate::check
