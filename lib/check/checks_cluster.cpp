// 4xx and 5xx: sessions across nodes. Whether the lb finds the session cookie, whether a
// cluster replicates (its valves, listeners, managers, send options, membership), and
// whether each application takes part.
#include <algorithm>
#include <map>
#include <set>

#include "check/check_input.hpp"
#include "check/rules.hpp"

namespace ajpgate::check {
namespace {

bool ends_with(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool has_class(const std::vector<ClusterElement>& elements, std::string_view simple_name) {
    return std::any_of(elements.begin(), elements.end(),
                       [&](const ClusterElement& e) { return ends_with(e.class_name, simple_name); });
}

bool cluster_manager(const std::string& class_name) {
    return ends_with(class_name, "DeltaManager") || ends_with(class_name, "BackupManager");
}

// channelSendOptions: a number, or names joined with commas (Tomcat 8.5.21+: "async", "use_ack"...).
bool waits_for_ack(const Attribute& options) {
    if (!options.present()) return false;  // 8: asynchronous
    const std::string& v = *options.value;
    if (!v.empty() && std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        return (std::stol(v.substr(0, 9)) & 0x2) != 0;  // Channel.SEND_OPTIONS_USE_ACK
    }
    std::string lowered = v;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    return lowered.find("use_ack") != std::string::npos || lowered.find("synchronized_ack") != std::string::npos;
}

void check_one_cluster(const TomcatNode& node, const Cluster& cluster, std::vector<Finding>& out) {
    const std::string who = "the cluster of node '" + node.name + "'";
    if (!cluster.valves.empty()) {
        if (!has_class(cluster.valves, "JvmRouteBinderValve")) {
            out.push_back(make_finding("JKC404", who + " lists valves without JvmRouteBinderValve", cluster.where));
        }
        if (!has_class(cluster.valves, "ReplicationValve")) {
            out.push_back(make_finding("JKC405", who + " lists valves without ReplicationValve", cluster.where));
        }
    }
    for (const ClusterElement& valve : cluster.valves) {
        if (ends_with(valve.class_name, "JvmRouteBinderValve") && !attribute_flag(valve.enabled, true)) {
            out.push_back(make_finding("JKC407", who + " has JvmRouteBinderValve enabled=\"false\"", valve.enabled.where));
        }
    }
    if (!cluster.listeners.empty() && !has_class(cluster.listeners, "ClusterSessionListener")) {
        out.push_back(make_finding("JKC406", who + " lists cluster listeners without ClusterSessionListener",
                                   cluster.where));
    }
    if (!waits_for_ack(cluster.channel_send_options)) {
        out.push_back(make_finding("JKC408",
                                   who + " sends asynchronously (channelSendOptions " +
                                       cluster.channel_send_options.or_default("8 by default") + ")",
                                   cluster.channel_send_options.where));
    }
    if (attribute_flag(cluster.expire_sessions_on_shutdown, false)) {
        out.push_back(make_finding("JKC409", who + " expires sessions on shutdown",
                                   cluster.expire_sessions_on_shutdown.where));
    }
}

// Static membership: every member must be some node's receiver; receivers on one host need
// their own ports; "auto" addresses reach only this host's peers.
void check_membership(const CheckInput& in, std::vector<Finding>& out) {
    std::map<std::pair<std::string, long>, const TomcatNode*> receivers;
    std::set<std::string> hosts;
    for (const TomcatNode& node : in.nodes) {
        for (const Service& s : node.services) {
            if (!s.cluster) continue;
            const std::string address = s.cluster->receiver_address.or_default("auto");
            const long port = attribute_number(s.cluster->receiver_port, 4000);
            hosts.insert(address);
            const auto [it, inserted] = receivers.emplace(std::make_pair(address, port), &node);
            if (!inserted) {
                Finding f = make_finding("JKC411", "nodes '" + it->second->name + "' and '" + node.name +
                                                       "' both receive on " + address + ":" + std::to_string(port),
                                         s.cluster->receiver_port.where);
                out.push_back(std::move(f));
            }
        }
    }
    for (const TomcatNode& node : in.nodes) {
        for (const Service& s : node.services) {
            if (!s.cluster) continue;
            const Cluster& c = *s.cluster;
            if (c.receiver_address.or_default("auto") == "auto" && in.nodes.size() > 1 && hosts.size() > 1) {
                out.push_back(make_finding("JKC412", "the receiver of node '" + node.name + "' has address \"auto\"",
                                           c.receiver_address.where));
            }
            if (!c.static_membership || in.nodes.size() < 2) continue;
            for (const StaticMember& m : c.members) {
                if (m.local) continue;
                const std::string host = m.host.or_default("");
                const long port = attribute_number(m.port, -1);
                bool found = false;
                for (const auto& [key, peer] : receivers) {
                    const bool same_host = key.first == host || (is_loopback_host(key.first) && is_loopback_host(host));
                    found = found || (same_host && key.second == port && peer != &node);
                }
                if (!found) {
                    out.push_back(make_finding("JKC410", "node '" + node.name + "' has static member " + host + ":" +
                                                             std::to_string(port) + ", where no other node receives",
                                               m.where));
                }
            }
        }
    }
}

// Is the application reached through httpd at all? Without an httpd configuration, or when a
// mount (JkMount or worker.X.mount) could send its requests, yes; Tomcat's own manager or
// docs applications behind no mount are nobody's failover concern.
bool served_through_httpd(const CheckInput& in, const std::string& app_path) {
    std::vector<std::string> patterns;
    if (in.httpd) {
        for (const ConfValue& m : in.httpd->mounts) patterns.push_back(m.value);
    }
    for (const config::WorkerMount& m : in.workers.workers->mounts()) patterns.push_back(m.pattern);
    if (patterns.empty()) return true;
    const std::string prefix = app_path + "/";
    for (const std::string& p : patterns) {
        const std::string literal = p.substr(0, p.find_first_of("*?"));
        // The pattern's literal start and the application's path agree as far as both go.
        const std::size_t n = std::min(literal.size(), prefix.size());
        if (literal.compare(0, n, prefix, 0, n) == 0) return true;
    }
    return false;
}

}  // namespace

void check_cluster(const CheckInput& in, std::vector<Finding>& out) {
    for (const config::LbWorker& lb : in.workers.workers->lb_workers()) {
        std::vector<const Binding*> members;
        for (const Binding& b : in.bindings) {
            if (std::find(b.lbs.begin(), b.lbs.end(), &lb) != b.lbs.end() && b.node) members.push_back(&b);
        }
        for (const Binding* b : members) {
            const Service* s = b->service ? b->service : &b->node->services.front();
            if (lb.members.size() > 1 && !s->cluster) {
                Finding f = make_finding("JKC402", "lb '" + lb.name + "' has " + std::to_string(lb.members.size()) +
                                                       " members but node '" + b->node->name + "' has no <Cluster>",
                                         s->engine.where);
                if (!lb.sticky_session) {
                    f.severity = Severity::error;
                    f.message += " and sticky_session is off";
                }
                f.add_related(where_property(in.workers, lb.name, "balance_workers"), "the lb");
                out.push_back(std::move(f));
            }
            for (const Host& host : s->engine.hosts) {
                for (const WebApp& app : host.apps) {
                    if (!served_through_httpd(in, app.path)) continue;
                    const std::string& cookie = app.session_cookie_name.present() ? *app.session_cookie_name.value
                                                : app.web_xml_cookie_name ? *app.web_xml_cookie_name : std::string("JSESSIONID");
                    if (cookie != lb.session_cookie) {
                        Finding f = make_finding("JKC401", "lb '" + lb.name + "' reads cookie '" + lb.session_cookie +
                                                               "' but application '" + (app.path.empty() ? "/" : app.path) +
                                                               "' on node '" + b->node->name + "' sets '" + cookie + "'",
                                                 where_property(in.workers, lb.name, "session_cookie"));
                        f.add_related(app.session_cookie_name.present() ? app.session_cookie_name.where : app.web_xml,
                                "the application's cookie name");
                        out.push_back(std::move(f));
                    }
                }
            }
        }
    }
    for (const TomcatNode& node : in.nodes) {
        for (const Service& s : node.services) {
            if (s.cluster) check_one_cluster(node, *s.cluster, out);
        }
    }
    check_membership(in, out);
}

void check_webapps(const CheckInput& in, std::vector<Finding>& out) {
    for (const TomcatNode& node : in.nodes) {
        const bool tomcat10 = !node.version || std::atoi(node.version->c_str()) >= 10;
        for (const Service& s : node.services) {
            for (const Host& host : s.engine.hosts) {
                for (const WebApp& app : host.apps) {
                    if (!served_through_httpd(in, app.path)) continue;
                    const std::string name = "application '" + (app.path.empty() ? std::string("/") : app.path) +
                                             "' on node '" + node.name + "'";
                    if (s.cluster && app.manager && !cluster_manager(app.manager->class_name)) {
                        out.push_back(make_finding("JKC403", name + " has its own " + app.manager->class_name,
                                                   app.manager->where));
                    }
                    if (s.cluster && !app.distributable && app.web_xml.line > 0) {
                        out.push_back(make_finding("JKC501", name + " is not <distributable/>", app.web_xml));
                    } else if (s.cluster && !app.distributable) {
                        out.push_back(make_finding("JKC501", name + " has no WEB-INF/web.xml, so it is not distributable",
                                                   app.web_xml));
                    }
                    if (tomcat10 && app.javax_namespace) {
                        out.push_back(make_finding("JKC502", name + " declares the javax (Java EE) web.xml namespace",
                                                   app.namespace_where));
                    }
                }
            }
        }
    }
}

}  // namespace ajpgate::check
