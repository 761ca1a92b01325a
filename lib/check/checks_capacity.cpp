// 3xx: what httpd can put on one member at once against what the node takes, idle
// connection lifetimes on both sides, and the request attributes httpd adds.
#include <regex.h>

#include <memory>

#include "check/check_input.hpp"
#include "check/rules.hpp"

namespace ajpgate::check {
namespace {

std::string assumptions(const MpmLimits& limits) {
    if (limits.assumed.empty()) return "";
    std::string out = " (assumed: ";
    for (std::size_t i = 0; i < limits.assumed.size(); ++i) out += (i ? "; " : "") + limits.assumed[i];
    return out + ")";
}

// The threads that serve the connector: its Executor's when it names one.
const Attribute& threads_of(const Binding& b) {
    const Connector& c = *b.connector;
    if (c.executor.present() && b.service) {
        for (const Executor& e : b.service->executors) {
            if (e.name == *c.executor.value) return e.max_threads;
        }
    }
    return c.max_threads;
}

// Request attributes Tomcat's AJP connector knows by name and never refuses.
bool known_attribute(const std::string& name) {
    return name == "AJP_LOCAL_ADDR" || name == "AJP_REMOTE_PORT" || name == "AJP_SSL_PROTOCOL" ||
           name == "JK_LB_ACTIVATION";
}

// Java's Pattern.matches() is a whole-name match. POSIX extended syntax agrees with Java's
// on what these patterns use (classes, alternation, quantifiers, '.'); a pattern it cannot
// read gives no verdict rather than a wrong one.
class WholeMatch {
public:
    explicit WholeMatch(const std::string& pattern) {
        ok_ = regcomp(&re_, ("^(" + pattern + ")$").c_str(), REG_EXTENDED | REG_NOSUB) == 0;
    }
    ~WholeMatch() {
        if (ok_) regfree(&re_);
    }
    WholeMatch(const WholeMatch&) = delete;
    WholeMatch& operator=(const WholeMatch&) = delete;
    bool ok() const { return ok_; }
    bool matches(const std::string& s) const { return regexec(&re_, s.c_str(), 0, nullptr, 0) == 0; }

private:
    regex_t re_{};
    bool ok_ = false;
};

void check_env_vars(const CheckInput& in, const Binding& b, std::vector<Finding>& out) {
    if (!in.httpd) return;
    const Connector& c = *b.connector;
    std::unique_ptr<WholeMatch> allowed;
    if (c.allowed_request_attributes_pattern.present()) {
        allowed = std::make_unique<WholeMatch>(*c.allowed_request_attributes_pattern.value);
        if (!allowed->ok()) return;
    }
    for (const ConfValue& var : in.httpd->env_vars) {
        if (known_attribute(var.value)) continue;
        if (allowed && allowed->matches(var.value)) continue;
        Finding f = make_finding("JKC310",
                                 "JkEnvVar " + var.value + " is not allowed by the AJP connector of node '" +
                                     b.node->name + "'" +
                                     (allowed ? " (allowedRequestAttributesPattern does not match it)"
                                              : " (it has no allowedRequestAttributesPattern)"),
                                 var.where);
        f.add_related(c.allowed_request_attributes_pattern.where, "allowedRequestAttributesPattern");
        out.push_back(std::move(f));
    }
}

}  // namespace

void check_capacity(const CheckInput& in, std::vector<Finding>& out) {
    const MpmLimits limits = in.httpd ? mpm_limits(*in.httpd) : mpm_limits(HttpdConf{});
    for (const Binding& b : in.bindings) {
        if (!b.connector || !b.connector->ajp) continue;
        const Connector& c = *b.connector;
        const std::string& name = b.worker->name;
        const std::string node = "node '" + b.node->name + "'";

        const long keep_alive = keep_alive_ms(c);
        const long pool_timeout_s = b.worker->connection_pool_timeout.count();
        if (keep_alive > 0 && (pool_timeout_s == 0 || pool_timeout_s * 1000 > keep_alive)) {
            Finding f = make_finding("JKC301",
                                     "member '" + name + "' keeps idle connections " +
                                         (pool_timeout_s == 0 ? std::string("for ever (connection_pool_timeout 0)")
                                                              : "for " + std::to_string(pool_timeout_s) + " s") +
                                         " but " + node + " closes them after " + std::to_string(keep_alive) + " ms",
                                     where_property(in.workers, name, "connection_pool_timeout"));
            f.add_related(c.keep_alive_timeout.present() ? c.keep_alive_timeout.where : c.connection_timeout.where,
                    "Tomcat's idle timeout");
            f.fix = "Set worker." + name + ".connection_pool_timeout=" + std::to_string(keep_alive / 1000 > 0 ? keep_alive / 1000 : 1) +
                    " or raise the connector's keepAliveTimeout.";
            out.push_back(std::move(f));
        }

        const Attribute& threads_attr = threads_of(b);
        const long threads = attribute_number(threads_attr, 200);
        const long at_once = b.worker->busy_limit > 0 ? std::min<long>(b.worker->busy_limit, limits.max_request_workers)
                                                      : limits.max_request_workers;
        if (at_once > threads) {
            Finding f = make_finding("JKC302",
                                     "httpd can send " + std::to_string(at_once) + " requests at once to member '" + name +
                                         "' but " + node + " has " + std::to_string(threads) + " threads" +
                                         assumptions(limits),
                                     // Without an httpd configuration (--workers), the member's line.
                                     limits.where.file.empty() ? where_property(in.workers, name, "busy_limit")
                                                               : limits.where);
            f.add_related(threads_attr.where, "maxThreads");
            out.push_back(std::move(f));
        }
        const long pool = b.worker->connection_pool_size.value_or(limits.threads_per_child);
        const long connections = pool * limits.max_children;
        const long max_connections = attribute_number(c.max_connections, 8192);
        if (max_connections > 0 && connections > max_connections) {
            Finding f = make_finding("JKC303",
                                     "httpd's " + std::to_string(limits.max_children) + " children can open " +
                                         std::to_string(connections) + " connections to member '" + name + "' but " +
                                         node + " accepts " + std::to_string(max_connections) + assumptions(limits),
                                     where_property(in.workers, name, "connection_pool_size"));
            f.add_related(c.max_connections.where, "maxConnections");
            out.push_back(std::move(f));
        }
        check_env_vars(in, b, out);
    }
}

}  // namespace ajpgate::check
