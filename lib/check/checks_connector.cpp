// 2xx: the AJP connector a member reaches: that it exists, speaks AJP, runs, listens where
// httpd connects, and agrees with httpd on the secret and the packet size.
#include "check/check_input.hpp"
#include "check/rules.hpp"

namespace ajpgate::check {
namespace {

std::string member(const Binding& b) { return "member '" + b.worker->name + "'"; }
std::string node_of(const Binding& b) { return "node '" + b.node->name + "'"; }

// Secret rules, in the order Tomcat applies them when the connector starts and then per
// request. Returns after the first finding: the later ones would describe the same fault.
void check_secret(const CheckInput& in, const Binding& b, std::vector<Finding>& out) {
    const Connector& c = *b.connector;
    const bool required = attribute_flag(c.secret_required, true);
    const bool has_secret = c.secret.present() && !c.secret.value->empty();
    const Location secret_line = where_property(in.workers, b.worker->name, "secret");
    if (required && !has_secret) {
        Finding f = make_finding("JKC212", "the AJP connector of " + node_of(b) + ", which " + member(b) +
                                                     " uses, requires a secret and has none",
                                 c.where);
        f.add_related(secret_line, member(b) + " connects here");
        out.push_back(std::move(f));
        return;
    }
    if (has_secret && b.secret.empty()) {
        Finding f = make_finding("JKC211", member(b) + " sends no secret but the AJP connector of " + node_of(b) +
                                               " has one",
                                 secret_line);
        f.add_related(c.secret.where, "the connector's secret");
        out.push_back(std::move(f));
        return;
    }
    if (has_secret && b.secret != *c.secret.value) {
        Finding f = make_finding("JKC210", member(b) + "'s secret differs from the AJP connector's on " + node_of(b),
                                 secret_line);
        f.add_related(c.secret.where, "the connector's secret");
        out.push_back(std::move(f));
        return;
    }
    if (!has_secret && !b.secret.empty()) {
        Finding f = make_finding("JKC213", member(b) + " sends a secret that the AJP connector of " + node_of(b) +
                                               " does not check",
                                 c.secret_required.where);
        f.add_related(secret_line, "httpd's secret");
        out.push_back(std::move(f));
    }
    if (!has_secret) {
        const bool beyond_loopback = c.address.present() && !is_loopback_host(*c.address.value);
        if (beyond_loopback) {
            out.push_back(make_finding("JKC214", "the AJP connector of " + node_of(b) + " listens on " +
                                                     *c.address.value + " without a secret",
                                       c.address.where));
        }
        if (!attribute_flag(c.tomcat_authentication, true)) {
            out.push_back(make_finding("JKC215",
                                       "the AJP connector of " + node_of(b) +
                                           " trusts httpd's user name (tomcatAuthentication=\"false\") without a secret",
                                       c.tomcat_authentication.where));
        }
    }
}

void check_packet_size(const CheckInput& in, const Binding& b, std::vector<Finding>& out) {
    const Connector& c = *b.connector;
    const long tomcat = attribute_number(c.packet_size, 8192);
    const long httpd = b.worker->max_packet_size > 0 ? b.worker->max_packet_size : 8192;
    if (tomcat == httpd) return;
    Finding f = make_finding("JKC220",
                             member(b) + " has max_packet_size " + std::to_string(httpd) + " but the AJP connector of " +
                                 node_of(b) + " has packetSize " + std::to_string(tomcat),
                             where_property(in.workers, b.worker->name, "max_packet_size"));
    f.add_related(c.packet_size.where, "packetSize");
    out.push_back(std::move(f));
}

}  // namespace

void check_connectors(const CheckInput& in, std::vector<Finding>& out) {
    for (const Binding& b : in.bindings) {
        if (!b.node) continue;
        const Location port_line = where_property(in.workers, b.worker->name, "port");
        if (!b.connector) {
            Finding f = make_finding("JKC201", member(b) + " connects to port " + std::to_string(b.worker->port) +
                                                   ", where " + node_of(b) + " has no connector",
                                     port_line);
            f.add_related({b.node->server_xml, 0, 0}, "the node's connectors");
            out.push_back(std::move(f));
            continue;
        }
        const Connector& c = *b.connector;
        if (!c.ajp) {
            Finding f = make_finding("JKC202", member(b) + " connects to port " + std::to_string(b.worker->port) +
                                                   ", an HTTP connector of " + node_of(b),
                                     port_line);
            f.add_related(c.where, "that connector");
            out.push_back(std::move(f));
            continue;
        }
        if (!attribute_flag(c.enabled, true)) {
            Finding f = make_finding("JKC204", "the AJP connector of " + node_of(b) + " is disabled", c.enabled.where);
            f.add_related(port_line, member(b) + " connects to it");
            out.push_back(std::move(f));
            continue;
        }
        const bool connector_loopback = !c.address.present() || is_loopback_host(*c.address.value);
        if (connector_loopback && !is_loopback_host(b.worker->host)) {
            Finding f = make_finding("JKC203",
                                     "the AJP connector of " + node_of(b) + " listens on " +
                                         (c.address.present() ? *c.address.value : std::string("loopback (no address)")) +
                                         " but " + member(b) + " connects to " + b.worker->host,
                                     c.address.where);
            f.add_related(where_property(in.workers, b.worker->name, "host"), member(b) + "'s host");
            out.push_back(std::move(f));
        }
        check_secret(in, b, out);
        check_packet_size(in, b, out);
        const long redirect = attribute_number(c.redirect_port, 8443);
        if (redirect != 443 && c.redirect_port.present()) {
            out.push_back(make_finding("JKC221", "the AJP connector of " + node_of(b) + " redirects to port " +
                                                     std::to_string(redirect),
                                       c.redirect_port.where));
        }
    }
}

}  // namespace ajpgate::check
