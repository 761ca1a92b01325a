#include "check/check_input.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "check/rules.hpp"
#include "config/workers_parser.hpp"

namespace ajpgate::check {
namespace {

std::optional<std::string> env_of(std::string_view name) {
    const std::string key(name);
    if (const char* v = std::getenv(key.c_str())) return std::string(v);
    return std::nullopt;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// Can a connector bound to `address` (absent: loopback, Tomcat >= 9.0.31) be the one a
// worker reaches at `host`? Only what is certainly different is ruled out.
bool address_can_be(const Attribute& address, const std::string& host) {
    if (!address.present()) return true;  // loopback: a remote host is judged by JKC203
    const std::string a = lower(*address.value);
    if (a == "0.0.0.0" || a == "::" || a == "[::]" || a == lower(host)) return true;
    return is_loopback_host(a) && is_loopback_host(host);
}

const Connector* connector_on(const TomcatNode& node, const Binding& b, const Service** service) {
    const Connector* any = nullptr;
    for (const Service& s : node.services) {
        for (const Connector& c : s.connectors) {
            if (attribute_number(c.port, -1) != b.worker->port || !address_can_be(c.address, b.worker->host)) {
                continue;
            }
            if (c.ajp) {
                *service = &s;
                return &c;
            }
            if (!any) {
                any = &c;
                *service = &s;
            }
        }
    }
    return any;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    const std::string h = lower(host);
    return h == "localhost" || h == "::1" || h == "[::1]" || h.rfind("127.", 0) == 0 || h == "ip6-localhost";
}

long attribute_number(const Attribute& a, long fallback) {
    if (!a.present()) return fallback;
    long out = 0;
    const std::string& v = *a.value;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && end == v.data() + v.size() ? out : fallback;
}

bool attribute_flag(const Attribute& a, bool fallback) {
    if (!a.present()) return fallback;
    return lower(*a.value) == "true";
}

long keep_alive_ms(const Connector& c) {
    return attribute_number(c.keep_alive_timeout, attribute_number(c.connection_timeout, -1));
}

WorkersSide read_workers_side(const HttpdConf* httpd, const std::optional<std::string>& workers_file) {
    std::vector<config::PropertySource> lines;
    if (httpd) {
        for (const ConfValue& line : httpd->worker_properties) {
            lines.push_back(config::PropertySource::from_text(
                line.where.file + ":" + std::to_string(line.where.line) + " JkWorkerProperty", line.value));
        }
    }
    auto sources = config::httpd_sources(std::move(lines), workers_file);
    sources.process_env = env_of;
    return workers_side_of(workers_file ? *workers_file : (httpd ? httpd->main_file : std::string()),
                           std::move(sources));
}

WorkersSide workers_side_of(std::string label, config::PropertySources sources) {
    WorkersSide side;
    side.label = std::move(label);
    side.sources = std::move(sources);
    config::Diagnostics store_diags;
    side.store = config::read_properties(side.sources, store_diags);
    config::Diagnostics diags;
    side.workers = config::parse_workers(side.sources, diags);
    side.diagnostics = diags.all();
    return side;
}

Location where_property(const WorkersSide& side, const std::string& worker, const std::string& property) {
    const std::string prefix = "worker." + worker + ".";
    for (const std::string& key : {prefix + property, prefix + "type", prefix + "host", prefix + "port"}) {
        if (const config::RawProperty* p = side.store.find(key); p && !p->pieces.empty()) {
            return {p->pieces.front().origin.file, p->pieces.front().origin.line, 0};
        }
    }
    for (const config::RawProperty& p : side.store.all()) {  // first line naming the worker at all
        if (p.key.rfind(prefix, 0) == 0 && !p.pieces.empty()) {
            return {p.pieces.front().origin.file, p.pieces.front().origin.line, 0};
        }
    }
    return {side.label, 0, 0};
}

void bind_nodes(CheckInput& in) {
    in.bindings.clear();
    if (!in.workers.workers) return;
    const config::WorkersConfig& cfg = *in.workers.workers;
    for (const config::Ajp13Worker& w : cfg.ajp13_workers()) {
        Binding b;
        b.worker = &w;
        b.route = w.route.empty() ? w.name : w.route;
        b.secret = w.secret;
        for (const config::LbWorker& lb : cfg.lb_workers()) {
            for (const config::LbMember& m : lb.members) {
                if (&cfg.ajp13_workers()[m.worker] != &w) continue;
                b.lbs.push_back(&lb);
                if (b.secret.empty()) b.secret = m.secret;
            }
        }
        for (std::size_t i = 0; i < in.nodes.size() && !b.node; ++i) {
            const std::string& named = i < in.node_names.size() ? in.node_names[i] : std::string();
            if (!named.empty() && (named == w.name || named == b.route)) b.node = &in.nodes[i];
        }
        if (b.node) {
            b.connector = connector_on(*b.node, b, &b.service);
        } else {
            for (std::size_t i = 0; i < in.nodes.size() && !b.node; ++i) {
                const bool named = i < in.node_names.size() && !in.node_names[i].empty();
                if (named && in.node_names[i] != w.name && in.node_names[i] != b.route) {
                    // A node named after another worker is that worker's, not this one's.
                    bool other = false;
                    for (const auto& x : cfg.ajp13_workers()) other = other || x.name == in.node_names[i] || x.route == in.node_names[i];
                    if (other) continue;
                }
                if (const Connector* c = connector_on(in.nodes[i], b, &b.service)) {
                    b.node = &in.nodes[i];
                    b.connector = c;
                }
            }
        }
        in.bindings.push_back(b);
    }
}

std::vector<Finding> run_checks(const CheckInput& in) {
    std::vector<Finding> out;
    for (const config::Diagnostic& d : in.workers.diagnostics) {
        Finding f = make_finding("JKC001", d.message, {d.file, d.line, 0});
        f.severity = d.severity == config::Severity::error ? Severity::error : Severity::warning;
        f.effect = d.severity == config::Severity::error ? "httpd does not start with this configuration."
                                                          : "httpd starts, with what mod_jk makes of the line.";
        f.fix = "";
        out.push_back(std::move(f));
    }
    if (in.httpd) {
        for (const ReadNote& note : in.httpd->notes) {
            Finding f = make_finding("JKC001", note.message, note.where);
            f.fix = "";
            out.push_back(std::move(f));
        }
    }
    for (const TomcatNode& node : in.nodes) {
        for (const ReadNote& note : node.notes) out.push_back(make_finding("JKC002", note.message, note.where));
    }
    if (in.workers.workers) {
        check_identity(in, out);
        check_connectors(in, out);
        check_capacity(in, out);
        check_cluster(in, out);
        check_webapps(in, out);
    }
    sort_findings(out);
    return out;
}

}  // namespace ajpgate::check
