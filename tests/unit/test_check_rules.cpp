// lib/check's checks on in-memory models: a correct two-node cluster (the shape the
// integration tests run) gives no finding; each mutation of it gives exactly the finding of
// its rule, at the right place. Plus the rule table, suppressions and the three formats.
#include <algorithm>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <setjmp.h>
#include <string>
#include <vector>

#include "check/check_input.hpp"
#include "check/report.hpp"
#include "check/rules.hpp"
#include "check/suppress.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <setjmp.h>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using namespace ajpgate::check;
namespace config = ajpgate::config;

namespace {

const char* kWorkers =
    "worker.list=lb\n"                                   // 1
    "worker.was1.type=ajp13\n"                           // 2
    "worker.was1.host=127.0.0.1\n"                       // 3
    "worker.was1.port=8109\n"                            // 4
    "worker.was1.connection_pool_timeout=60\n"           // 5
    "worker.was2.type=ajp13\n"                           // 6
    "worker.was2.host=127.0.0.1\n"                       // 7
    "worker.was2.port=8209\n"                            // 8
    "worker.was2.connection_pool_timeout=60\n"           // 9
    "worker.lb.type=lb\n"                                // 10
    "worker.lb.balance_workers=was1,was2\n";             // 11

Attribute attr(const std::string& file, std::size_t line, const char* value = nullptr) {
    Attribute a;
    if (value) a.value = value;
    a.where = {file, line, 0};
    return a;
}

// Node `index` (0 or 1): server.xml lines are fixed so tests can name them.
//   3 AJP connector, 5 Engine, 6 Cluster, 7 Valve ReplicationValve, 8 Valve JvmRouteBinderValve,
//   9 ClusterListener, 10 Receiver, 11 Member (the other node), 12 Manager, 20 web.xml of /app
TomcatNode node(int index) {
    const std::string route = index == 0 ? "was1" : "was2";
    const std::string file = "/t/" + route + "/conf/server.xml";
    TomcatNode n;
    n.name = route;
    n.base = "/t/" + route;
    n.server_xml = file;
    n.version = "10.1.60";
    Service s;
    s.name = "Catalina";
    Connector http;
    http.where = {file, 2, 0};
    http.port = attr(file, 2, index == 0 ? "8180" : "8280");
    http.protocol = attr(file, 2, "HTTP/1.1");
    Connector ajp;
    ajp.where = {file, 3, 0};
    ajp.ajp = true;
    ajp.protocol = attr(file, 3, "AJP/1.3");
    ajp.port = attr(file, 3, index == 0 ? "8109" : "8209");
    ajp.address = attr(file, 3, "127.0.0.1");
    ajp.secret_required = attr(file, 3, "false");
    ajp.connection_timeout = attr(file, 3, "60000");
    for (Attribute* a : {&ajp.secret, &ajp.packet_size, &ajp.keep_alive_timeout, &ajp.max_threads,
                         &ajp.max_connections, &ajp.executor, &ajp.allowed_request_attributes_pattern,
                         &ajp.tomcat_authentication, &ajp.redirect_port, &ajp.enabled}) {
        *a = attr(file, 3);
    }
    s.connectors = {http, ajp};
    s.engine.name = "Catalina";
    s.engine.where = {file, 5, 0};
    s.engine.jvm_route = attr(file, 5, route.c_str());
    Cluster c;
    c.where = {file, 6, 0};
    c.class_name = "org.apache.catalina.ha.tcp.SimpleTcpCluster";
    c.channel_send_options = attr(file, 6, "6");
    c.valves = {{"org.apache.catalina.ha.tcp.ReplicationValve", {file, 7, 0}, attr(file, 7)},
                {"org.apache.catalina.ha.session.JvmRouteBinderValve", {file, 8, 0}, attr(file, 8)}};
    c.listeners = {{"org.apache.catalina.ha.session.ClusterSessionListener", {file, 9, 0}, attr(file, 9)}};
    c.manager = ClusterElement{"org.apache.catalina.ha.session.DeltaManager", {file, 12, 0}, attr(file, 12)};
    c.expire_sessions_on_shutdown = attr(file, 12, "false");
    c.receiver_address = attr(file, 10, "127.0.0.1");
    c.receiver_port = attr(file, 10, index == 0 ? "4100" : "4200");
    c.receiver_where = {file, 10, 0};
    c.static_membership = true;
    StaticMember other;
    other.host = attr(file, 11, "127.0.0.1");
    other.port = attr(file, 11, index == 0 ? "4200" : "4100");
    other.where = {file, 11, 0};
    c.members = {other};
    s.cluster = c;
    Host host;
    host.name = "localhost";
    host.app_base = "webapps";
    WebApp app;
    app.path = "/app";
    app.directory = "/t/" + route + "/webapps/app";
    app.session_cookie_name = attr(file, 0);
    app.web_xml = {"/t/" + route + "/webapps/app/WEB-INF/web.xml", 20, 0};
    app.distributable = true;
    host.apps = {app};
    s.engine.hosts = {host};
    n.services = {s};
    return n;
}

HttpdConf debian_httpd() {
    HttpdConf h;
    h.main_file = "/t/httpd.conf";
    h.mpm = "event";
    h.max_request_workers = ConfValue{"150", {"/t/httpd.conf", 4, 0}};
    h.threads_per_child = ConfValue{"25", {"/t/httpd.conf", 3, 0}};
    h.env_vars = {{"MY_TENANT", {"/t/httpd.conf", 9, 0}}};
    return h;
}

struct Setup {
    std::string workers = kWorkers;
    std::vector<TomcatNode> nodes{node(0), node(1)};
    HttpdConf httpd = debian_httpd();
    bool with_httpd = true;
    bool named = false;  // --node was1=... --node was2=...
};

std::vector<Finding> run(Setup s) {
    CheckInput in;
    in.httpd = s.with_httpd ? &s.httpd : nullptr;
    config::PropertySources sources;
    sources.sources.push_back(config::PropertySource::from_text("workers.properties", s.workers));
    in.workers = workers_side_of("workers.properties", std::move(sources));
    in.nodes = std::move(s.nodes);
    for (const TomcatNode& n : in.nodes) in.node_names.push_back(s.named ? n.name : "");
    bind_nodes(in);
    return run_checks(in);
}

Setup correct() {
    Setup s;
    for (TomcatNode& n : s.nodes) {
        n.services[0].connectors[1].allowed_request_attributes_pattern.value = "MY_.*";
    }
    return s;
}

std::string describe(const std::vector<Finding>& findings) {
    std::string out;
    for (const Finding& f : findings) out += f.id + " " + f.primary.file + ":" + std::to_string(f.primary.line) + " " + f.message + "\n";
    return out;
}

void test_correct_cluster_has_no_finding(void**) {
    const auto findings = run(correct());
    if (!findings.empty()) print_error("%s", describe(findings).c_str());
    assert_int_equal(findings.size(), 0);
}

struct Case {
    const char* id;
    std::function<void(Setup&)> change;
    const char* file;  // primary location
    std::size_t line;
    const char* also = "";  // another rule the same fault must also raise
};

void set_workers(Setup& s, const std::string& extra) { s.workers += extra; }
// Changes a line in place, so the only diagnostics are the checks' own.
void replace_line(Setup& s, const std::string& from, const std::string& to) {
    const std::size_t at = s.workers.find(from + "\n");
    if (at == std::string::npos) fail_msg("no line '%s'", from.c_str());
    s.workers.replace(at, from.size(), to);
}

const std::string kXml1 = "/t/was1/conf/server.xml";
const std::string kXml2 = "/t/was2/conf/server.xml";
Connector& ajp(Setup& s, int i) { return s.nodes[i].services[0].connectors[1]; }
Cluster& cluster(Setup& s, int i) { return *s.nodes[i].services[0].cluster; }

const std::vector<Case>& cases() {
    static const std::vector<Case> table = {
        {"JKC001", [](Setup& s) { set_workers(s, "worker.was1.bogus_property=1\n"); }, "workers.properties", 12},
        {"JKC101", [](Setup& s) { s.nodes[0].services[0].engine.jvm_route.value.reset(); }, kXml1.c_str(), 5},
        {"JKC102", [](Setup& s) { s.nodes[1].services[0].engine.jvm_route.value = "node2"; }, "workers.properties", 6},
        {"JKC102", [](Setup& s) { set_workers(s, "worker.was1.route=tc1\n"); }, "workers.properties", 12},
        // A shared jvmRoute is also a route that differs from the second member's.
        {"JKC103", [](Setup& s) { s.nodes[1].services[0].engine.jvm_route.value = "was1"; }, kXml2.c_str(), 5, "JKC102"},
        {"JKC104", [](Setup& s) {
             set_workers(s, "worker.was1.route=a.b\n");
             s.nodes[0].services[0].engine.jvm_route.value = "a.b";
         }, "workers.properties", 12},
        {"JKC105", [](Setup& s) { s.nodes.pop_back(); }, "workers.properties", 8},
        {"JKC106", [](Setup& s) { s.nodes.push_back(node(1)); ajp(s, 2).port.value = "8309";
                                  s.nodes[2].services[0].engine.jvm_route.value = "was3";
                                  s.nodes[2].name = "was3";
                                  s.nodes[2].server_xml = "/t/was3/conf/server.xml";
                                  cluster(s, 2).receiver_port.value = "4300"; }, "/t/was3/conf/server.xml", 0},
        {"JKC201", [](Setup& s) { replace_line(s, "worker.was1.port=8109", "worker.was1.port=8111"); s.named = true; },
         "workers.properties", 4},
        {"JKC202", [](Setup& s) { replace_line(s, "worker.was2.port=8209", "worker.was2.port=8280"); }, "workers.properties", 8},
        {"JKC203", [](Setup& s) { replace_line(s, "worker.was2.host=127.0.0.1", "worker.was2.host=10.0.0.2");
                                  ajp(s, 1).address.value.reset(); }, kXml2.c_str(), 3},
        {"JKC204", [](Setup& s) { ajp(s, 0).enabled.value = "false"; }, kXml1.c_str(), 3},
        {"JKC210", [](Setup& s) { set_workers(s, "worker.was1.secret=abc\n"); ajp(s, 0).secret.value = "xyz";
                                  ajp(s, 0).secret_required.value = "true"; }, "workers.properties", 12},
        {"JKC211", [](Setup& s) { ajp(s, 1).secret.value = "xyz"; ajp(s, 1).secret_required.value.reset(); }, "workers.properties", 6},
        {"JKC212", [](Setup& s) { ajp(s, 0).secret_required.value.reset(); }, kXml1.c_str(), 3},
        {"JKC213", [](Setup& s) { set_workers(s, "worker.lb.secret=abc\n"); }, kXml1.c_str(), 3},
        {"JKC214", [](Setup& s) { ajp(s, 0).address.value = "0.0.0.0"; }, kXml1.c_str(), 3},
        {"JKC215", [](Setup& s) { ajp(s, 1).tomcat_authentication.value = "false"; }, kXml2.c_str(), 3},
        {"JKC220", [](Setup& s) { ajp(s, 0).packet_size.value = "65536"; }, "workers.properties", 2},
        {"JKC221", [](Setup& s) { ajp(s, 0).redirect_port.value = "8443"; }, kXml1.c_str(), 3},
        {"JKC301", [](Setup& s) { ajp(s, 1).keep_alive_timeout.value = "20000"; }, "workers.properties", 9},
        {"JKC302", [](Setup& s) { ajp(s, 0).max_threads.value = "100"; }, "/t/httpd.conf", 4},
        {"JKC303", [](Setup& s) { ajp(s, 1).max_connections.value = "100"; }, "workers.properties", 6},
        {"JKC310", [](Setup& s) { ajp(s, 0).allowed_request_attributes_pattern.value = "OTHER_.*"; }, "/t/httpd.conf", 9},
        {"JKC401", [](Setup& s) { s.nodes[1].services[0].engine.hosts[0].apps[0].session_cookie_name.value = "SID"; },
         "workers.properties", 10},
        // was2's static member is was1's receiver, gone with its cluster.
        {"JKC402", [](Setup& s) { s.nodes[0].services[0].cluster.reset(); }, kXml1.c_str(), 5, "JKC410"},
        {"JKC403", [](Setup& s) { s.nodes[0].services[0].engine.hosts[0].apps[0].manager =
                                      ClusterElement{"org.apache.catalina.session.StandardManager", {"/t/ctx.xml", 2, 0}, {}}; },
         "/t/ctx.xml", 2},
        {"JKC404", [](Setup& s) { cluster(s, 0).valves.pop_back(); }, kXml1.c_str(), 6},
        {"JKC405", [](Setup& s) { cluster(s, 1).valves.erase(cluster(s, 1).valves.begin()); }, kXml2.c_str(), 6},
        {"JKC406", [](Setup& s) { cluster(s, 0).listeners[0].class_name = "com.example.Listener"; }, kXml1.c_str(), 6},
        {"JKC407", [](Setup& s) { cluster(s, 0).valves[1].enabled.value = "false"; }, kXml1.c_str(), 8},
        {"JKC408", [](Setup& s) { cluster(s, 0).channel_send_options.value.reset(); }, kXml1.c_str(), 6},
        {"JKC409", [](Setup& s) { cluster(s, 1).expire_sessions_on_shutdown.value = "true"; }, kXml2.c_str(), 12},
        {"JKC410", [](Setup& s) { cluster(s, 0).members[0].port.value = "4999"; }, kXml1.c_str(), 11},
        {"JKC411", [](Setup& s) { cluster(s, 1).receiver_port.value = "4100"; cluster(s, 0).members[0].port.value = "4100"; },
         kXml2.c_str(), 10, "JKC410"},
        {"JKC412", [](Setup& s) { cluster(s, 0).receiver_address.value.reset(); cluster(s, 1).members[0].host.value = "auto"; },
         kXml1.c_str(), 10},
        {"JKC501", [](Setup& s) { s.nodes[1].services[0].engine.hosts[0].apps[0].distributable = false; },
         "/t/was2/webapps/app/WEB-INF/web.xml", 20},
        {"JKC502", [](Setup& s) { auto& app = s.nodes[0].services[0].engine.hosts[0].apps[0];
                                  app.javax_namespace = true; app.namespace_where = app.web_xml; },
         "/t/was1/webapps/app/WEB-INF/web.xml", 20},
    };
    return table;
}

void test_each_rule_fires_alone(void**) {
    int failed = 0;
    for (const Case& c : cases()) {
        Setup s = correct();
        c.change(s);
        const auto findings = run(s);
        const bool only_this = !findings.empty() &&
                               std::all_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == c.id || f.id == c.also; });
        const auto first = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == c.id; });
        if (!only_this || first == findings.end() ||
            (c.file[0] && (first->primary.file != c.file || first->primary.line != c.line))) {
            print_error("case %s gave:\n%s", c.id, describe(findings).c_str());
            ++failed;
        }
    }
    assert_int_equal(failed, 0);
}

void test_every_rule_has_a_case_and_unique_ids(void**) {
    for (const Rule& rule : all_rules()) {
        if (rule.id == "JKC002") continue;  // reading notes: test_check_server_xml
        if (rule.id.starts_with("JKC6")) continue;  // --probe's verdicts: test_check_probe
        const bool covered = std::any_of(cases().begin(), cases().end(), [&](const Case& c) { return rule.id == c.id; });
        if (!covered) print_error("no case for %s\n", std::string(rule.id).c_str());
        assert_true(covered);
        assert_ptr_equal(find_rule(rule.name), &rule);
        assert_ptr_equal(find_rule(std::string(rule.id)), &rule);
    }
    assert_null(find_rule("JKC999"));
    assert_non_null(find_rule("jkc102"));
}

void test_without_httpd_conf_defaults_are_assumed(void**) {
    Setup s = correct();
    s.with_httpd = false;
    const auto findings = run(s);
    // 400 requests at once (ServerLimit 16 x ThreadsPerChild 25) against 200 threads, per node.
    assert_int_equal(findings.size(), 2);
    assert_string_equal(findings[0].id.c_str(), "JKC302");
    assert_true(findings[0].message.find("assumed: ") != std::string::npos);
}

void test_suppression_comments(void**) {
    Setup s = correct();
    ajp(s, 0).redirect_port.value = "8443";
    ajp(s, 1).redirect_port.value = "8443";
    auto findings = run(s);
    assert_int_equal(findings.size(), 2);
    const LinesOf lines = [](const std::string& file) -> std::optional<std::vector<std::string>> {
        if (file == kXml1) return std::vector<std::string>{"<Server>", "<!-- jkcheck:disable=redirect-port -->", "<Connector"};
        if (file == kXml2) return std::vector<std::string>{"<Server>", "<!-- jkcheck:disable=JKC999,JKC220 -->", "<Connector"};
        return std::nullopt;
    };
    assert_int_equal(apply_suppressions(findings, lines), 1);
    assert_int_equal(findings.size(), 1);
    assert_string_equal(findings[0].primary.file.c_str(), kXml2.c_str());
}

void test_formats(void**) {
    Setup s = correct();
    ajp(s, 0).secret_required.value.reset();
    const auto findings = run(s);
    ReportContext ctx;
    ctx.tool_version = "0.test";
    ctx.assumptions = {"httpd: something"};
    const std::string text = render_text(findings, ctx);
    assert_true(text.find(kXml1 + ":3: error[JKC212]: the AJP connector of node 'was1', which member 'was1' uses, requires a secret") == 0);
    assert_true(text.find("  workers.properties:2: note: member 'was1' connects here\n") != std::string::npos);
    assert_true(text.find("\n  fix: ") != std::string::npos);
    assert_true(text.find("1 error(s), 0 warning(s), 0 info\n") != std::string::npos);
    const std::string json = render_json(findings, ctx);
    assert_true(json.find("\"id\":\"JKC212\",\"name\":\"secret-required-unset\",\"severity\":\"error\"") != std::string::npos);
    assert_true(json.find("\"file\":\"" + kXml1 + "\",\"line\":3") != std::string::npos);
    const std::string sarif = render_sarif(findings, ctx);
    assert_true(sarif.find("\"version\":\"2.1.0\"") != std::string::npos);
    assert_true(sarif.find("\"ruleId\":\"JKC212\",\"level\":\"error\"") != std::string::npos);
    assert_true(sarif.find("\"startLine\":3") != std::string::npos);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_correct_cluster_has_no_finding),
        cmocka_unit_test(test_each_rule_fires_alone),
        cmocka_unit_test(test_every_rule_has_a_case_and_unique_ids),
        cmocka_unit_test(test_without_httpd_conf_defaults_are_assumed),
        cmocka_unit_test(test_suppression_comments),
        cmocka_unit_test(test_formats),
    };
    return cmocka_run_group_tests_name("check_rules", tests, nullptr, nullptr);
}
