// jkcheck: checks httpd's side of an AJP set-up (Jk directives, workers.properties) against
// each Tomcat node's configuration, before a failover finds out. This file only reads the
// command line, calls lib/check and prints; every verdict is made in lib/check.
#include <apr_general.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "check/check_input.hpp"
#include "check/probe_verdict.hpp"
#include "check/report.hpp"
#include "check/rules.hpp"
#include "check/server_xml.hpp"
#include "check/suppress.hpp"
#include "member_probe.hpp"

using namespace ajpgate::check;

namespace {

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUnreadable = 2;
constexpr int kExitUsage = 3;

constexpr const char* kUsage =
    "usage: jkcheck [--httpd-conf FILE | --workers FILE] [--node [NAME=]CATALINA_BASE ...]\n"
    "               [--catalina-home DIR] [-D name=value ...] [--define NAME ...]\n"
    "               [--format text|json|sarif] [--fail-on error|warning|info]\n"
    "               [--probe [--probe-timeout MS]]\n"
    "       jkcheck --explain ID|NAME\n"
    "       jkcheck --list-rules\n"
    "\n"
    "  --httpd-conf FILE   httpd's configuration: Jk directives, JkWorkersFile, MPM limits\n"
    "                      (Include and IncludeOptional followed)\n"
    "  --workers FILE      a workers.properties alone (httpd's MPM defaults are assumed)\n"
    "  --node [NAME=]DIR   a Tomcat node's CATALINA_BASE; NAME is the worker's name or route,\n"
    "                      else the node is matched by its AJP connector's port\n"
    "  --catalina-home DIR CATALINA_HOME, for Tomcat's version (default: $CATALINA_HOME)\n"
    "  -D name=value       a Java system property for ${name} in server.xml\n"
    "  --define NAME       an httpd -D NAME, for <IfDefine NAME>\n"
    "  --format FORMAT     text (default), json or sarif\n"
    "  --fail-on LEVEL     exit 1 when a finding is at LEVEL or above (default: error)\n"
    "  --probe             also connect to every ajp13 worker: CPING it, and send one GET /\n"
    "                      with its secret (tells 'secret refused' from 'no connector')\n"
    "  --probe-timeout MS  how long each step of a probe may take (default: 3000)\n"
    "\n"
    "exit: 0 nothing at or above --fail-on, 1 findings, 2 unreadable input, 3 usage\n"
    "suppress a finding with a comment 'jkcheck:disable=ID' on its line or the line above\n";

struct Options {
    std::optional<std::string> httpd_conf;
    std::optional<std::string> workers;
    std::vector<std::pair<std::string, std::string>> nodes;  // name (may be empty), base
    std::optional<std::string> home;
    std::map<std::string, std::string> system_properties;
    std::set<std::string> defines;
    std::string format = "text";
    Severity fail_on = Severity::error;
    bool probe = false;
    std::chrono::milliseconds probe_timeout{3000};
};

int usage(const std::string& why) {
    std::cerr << "jkcheck: " << why << "\n" << kUsage;
    return kExitUsage;
}

int explain(const std::string& id) {
    const Rule* rule = find_rule(id);
    if (!rule) {
        std::cerr << "jkcheck: no rule '" << id << "' (jkcheck --list-rules lists them)\n";
        return kExitUsage;
    }
    std::cout << rule->id << " (" << rule->name << "), " << severity_name(rule->severity) << ": " << rule->title
              << "\n\n" << rule->explanation << "\n\nFix: " << rule->fix << "\n";
    return kExitClean;
}

int list_rules() {
    for (const Rule& rule : all_rules()) {
        std::cout << rule.id << "  " << rule.name << "  " << severity_name(rule.severity) << "  " << rule.title << "\n";
    }
    return kExitClean;
}

std::optional<Severity> severity_of(const std::string& s) {
    if (s == "error") return Severity::error;
    if (s == "warning") return Severity::warning;
    if (s == "info") return Severity::info;
    return std::nullopt;
}

// Every ajp13 worker with a port, each probed once (a member of several lbs included).
void probe_members(const CheckInput& input, std::chrono::milliseconds timeout, std::vector<Finding>& findings) {
    apr_initialize();
    for (const Binding& member : input.bindings) {
        if (member.worker->port <= 0 || member.worker->host.empty()) continue;
        judge_probe(input, member, probe_member(*member.worker, member.secret, timeout), findings);
    }
    sort_findings(findings);
    apr_terminate();
}

bool readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto next = [&](std::string& out) {
            if (i + 1 >= args.size()) return false;
            out = args[++i];
            return true;
        };
        std::string v;
        if (a == "-h" || a == "--help") {
            std::cout << kUsage;
            return kExitClean;
        } else if (a == "--version") {
            std::cout << "jkcheck " << PACKAGE_VERSION << "\n";
            return kExitClean;
        } else if (a == "--list-rules") {
            return list_rules();
        } else if (a == "--explain") {
            if (!next(v)) return usage("--explain needs a rule id");
            return explain(v);
        } else if (a == "--httpd-conf") {
            if (!next(v)) return usage("--httpd-conf needs a file");
            o.httpd_conf = v;
        } else if (a == "--workers") {
            if (!next(v)) return usage("--workers needs a file");
            o.workers = v;
        } else if (a == "--node") {
            if (!next(v)) return usage("--node needs [NAME=]CATALINA_BASE");
            const std::size_t eq = v.find('=');
            o.nodes.emplace_back(eq == std::string::npos ? "" : v.substr(0, eq),
                                 eq == std::string::npos ? v : v.substr(eq + 1));
        } else if (a == "--catalina-home") {
            if (!next(v)) return usage("--catalina-home needs a directory");
            o.home = v;
        } else if (a == "-D" || (a.rfind("-D", 0) == 0 && a.size() > 2)) {
            if (a == "-D" && !next(v)) return usage("-D needs name=value");
            const std::string def = a == "-D" ? v : a.substr(2);
            const std::size_t eq = def.find('=');
            o.system_properties[def.substr(0, eq)] = eq == std::string::npos ? "" : def.substr(eq + 1);
        } else if (a == "--define") {
            if (!next(v)) return usage("--define needs a name");
            o.defines.insert(v);
        } else if (a == "--format") {
            if (!next(v) || (v != "text" && v != "json" && v != "sarif")) return usage("--format is text, json or sarif");
            o.format = v;
        } else if (a == "--fail-on") {
            if (!next(v) || !severity_of(v)) return usage("--fail-on is error, warning or info");
            o.fail_on = *severity_of(v);
        } else if (a == "--probe") {
            o.probe = true;
        } else if (a == "--probe-timeout") {
            char* end = nullptr;
            const long ms = next(v) ? std::strtol(v.c_str(), &end, 10) : 0;
            if (v.empty() || *end != '\0' || ms < 1 || ms > 600000) return usage("--probe-timeout is 1 to 600000 ms");
            o.probe_timeout = std::chrono::milliseconds(ms);
        } else {
            return usage("unknown argument '" + a + "'");
        }
    }
    if (o.httpd_conf.has_value() == o.workers.has_value()) return usage("give one of --httpd-conf and --workers");
    if (!o.home) {
        if (const char* env = std::getenv("CATALINA_HOME")) o.home = env;
    }

    CheckInput input;
    ReportContext context;
    context.tool_version = PACKAGE_VERSION;
    std::optional<HttpdConf> httpd;
    std::optional<std::string> workers_file = o.workers;
    if (o.httpd_conf) {
        HttpdReadResult read = read_httpd_conf(*o.httpd_conf, o.defines);
        if (!read.conf) {
            std::cerr << "jkcheck: " << read.error << "\n";
            return kExitUnreadable;
        }
        httpd = std::move(read.conf);
        input.httpd = &*httpd;
        context.inputs = httpd->files;
        if (httpd->workers_file) workers_file = httpd->workers_file->value;
    }
    if (workers_file && !readable(*workers_file)) {
        std::cerr << "jkcheck: cannot read the workers file " << *workers_file << "\n";
        return kExitUnreadable;
    }
    if (workers_file) context.inputs.push_back(*workers_file);
    input.workers = read_workers_side(input.httpd, workers_file);

    for (const auto& [name, base] : o.nodes) {
        NodeSource source;
        source.base = base;
        source.name = name.empty() ? base.substr(base.find_last_of('/', base.size() - 2) + 1) : name;
        if (!source.name.empty() && source.name.back() == '/') source.name.pop_back();
        source.home = o.home;
        source.system_properties = o.system_properties;
        NodeReadResult read = read_tomcat_node(source);
        if (!read.node) {
            std::cerr << "jkcheck: " << read.error << "\n";
            return kExitUnreadable;
        }
        context.inputs.push_back(read.node->server_xml);
        if (!read.node->version) {
            context.assumptions.push_back("node '" + read.node->name + "': Tomcat 9.0.31 or later (version not found; "
                                          "give --catalina-home)");
        }
        input.nodes.push_back(std::move(*read.node));
        input.node_names.push_back(name);
    }
    bind_nodes(input);
    std::vector<Finding> findings = run_checks(input);
    if (o.probe) probe_members(input, o.probe_timeout, findings);
    context.suppressed = apply_suppressions(findings, lines_from_disk());
    const MpmLimits limits = mpm_limits(httpd ? *httpd : HttpdConf{});
    for (const std::string& a : limits.assumed) context.assumptions.push_back("httpd: " + a);

    const std::string out = o.format == "json"    ? render_json(findings, context)
                            : o.format == "sarif" ? render_sarif(findings, context)
                                                  : render_text(findings, context);
    std::fwrite(out.data(), 1, out.size(), stdout);
    for (const Finding& f : findings) {
        if (f.severity >= o.fail_on) return kExitFindings;
    }
    return kExitClean;
}
