#include "status_golden_page.hpp"

#include <cstdlib>

#include "config/uri_map.hpp"
#include "status/render_common.hpp"
#include "status/status_maps.hpp"

namespace status_test {

using namespace ajpgate;
using status::AjpWorkerView;
using status::LbView;
using status::MemberView;

namespace {

constexpr std::int64_t kNow = 1796363928;
constexpr std::int64_t kStarted = kNow - 31;
constexpr int kLivePort = 18471;
constexpr int kProbePort = 18472;
constexpr int kDeadPort = 18473;
constexpr const char* kMainServer = "localhost";
constexpr const char* kVhost = "vhost.example [127.0.0.1:18474]";

status::AjpSettings ajp(const char* name, int port, const char* host = "127.0.0.1") {
    status::AjpSettings a;
    a.name = name;
    a.host = host;
    a.port = port;
    a.address = "127.0.0.1:" + std::to_string(port);
    a.ping_timeout = 10000;
    a.retries = 2;
    a.max_packet_size = 8192;
    return a;
}

MemberView member(const char* name, int port, const char* activation, const char* state) {
    MemberView m;
    m.ajp = ajp(name, port);
    m.activation = activation;
    m.state = state;
    m.route = name;
    m.lbmult = 3;
    m.counters.last_reset_at = kStarted;
    return m;
}

// A member that failed once: one election, one error, redirected to a_ok (route r_ok).
MemberView failed(const char* name, int port, const char* activation, const char* state) {
    MemberView m = member(name, port, activation, state);
    m.redirect = "r_ok";
    m.counters.used = 1;
    m.errors = 1;
    m.counters.max_busy = 1;
    m.counters.error_time = kNow - 2;
    return m;
}

// One request served and its connection kept.
void served(MemberView& m, std::uint64_t used, std::uint64_t transferred, std::uint64_t read) {
    m.counters.used = used;
    m.counters.transferred = transferred;
    m.counters.read = read;
    m.counters.max_busy = 1;
    m.counters.connected = 1;
    m.counters.max_connected = 1;
}

std::vector<MemberView> lb_members() {
    MemberView a_idle = member("a_idle", kLivePort, "ACT", "OK/IDLE");
    a_idle.redirect = "a_ok";
    a_idle.domain = "dom1";
    a_idle.distance = 1;

    MemberView a_ok = member("a_ok", kLivePort, "ACT", "OK");
    a_ok.ajp.connection_pool_timeout = 600;
    a_ok.ajp.connect_timeout = 10000;
    a_ok.ajp.prepost_timeout = 10000;
    a_ok.ajp.connection_ping_interval = 100;
    a_ok.ajp.recovery_options = 7;
    a_ok.lbfactor = 3;
    a_ok.route = "r_ok";
    a_ok.lbmult = 1;
    a_ok.lbvalue = 3;
    served(a_ok, 8, 1861, 8429);

    MemberView a_busy = member("a_busy", kLivePort, "ACT", "OK/BUSY");
    a_busy.ajp.busy_limit = 1;
    a_busy.redirect = "r_ok";
    a_busy.lbvalue = 6;
    served(a_busy, 2, 0, 0);
    a_busy.counters.busy = 1;

    MemberView a_err = failed("a_err", kDeadPort, "ACT", "ERR");
    a_err.ajp.reply_timeout = 30000;
    a_err.counters.error_time = kNow - 3;
    a_err.time_to_recover_min = 597;
    a_err.time_to_recover_max = 607;

    MemberView a_rec = failed("a_rec", kDeadPort, "ACT", "ERR/REC");
    a_rec.ajp.max_packet_size = 16384;

    MemberView a_prb = failed("a_prb", kProbePort, "ACT", "ERR/PRB");
    a_prb.lbvalue = 3;
    a_prb.counters.used = 2;
    a_prb.counters.busy = 1;
    a_prb.counters.connected = 1;
    a_prb.counters.max_connected = 1;

    MemberView d_ok = member("d_ok", kLivePort, "DIS", "OK");
    d_ok.lbvalue = 3;
    served(d_ok, 1, 227, 1048);

    MemberView d_err = failed("d_err", kDeadPort, "DIS", "ERR");
    d_err.time_to_recover_min = 598;
    d_err.time_to_recover_max = 608;

    MemberView s_idle = member("s_idle", kLivePort, "STP", "OK/IDLE");

    MemberView s_err = failed("s_err", kDeadPort, "STP", "ERR");
    s_err.time_to_recover_min = 598;
    s_err.time_to_recover_max = 608;

    return {a_idle, a_ok, a_busy, a_err, a_rec, a_prb, d_ok, d_err, s_idle, s_err};
}

void add(std::vector<config::UriRule>& rules, const char* pattern, const char* worker, config::RuleSource source,
         bool unmount = false) {
    config::Diagnostics diags;
    if (!config::parse_rule(pattern, worker, config::RuleOrigin{source, "", 0}, unmount, diags, rules)) {
        std::abort();  // the page's rules are fixed: a failure is a bug in this file
    }
}

// capture.sh's uriworkermap.properties, in file order.
std::vector<config::UriRule> file_rules() {
    std::vector<config::UriRule> rules;
    const auto map = config::RuleSource::uriworkermap;
    add(rules, "/lb/*", "lb", map);
    add(rules, "/lb/*.jsp",
        "lb;reply_timeout=5000;sticky_ignore=1;stateless=1;fail_on_status=500,-503;active=a_ok;disabled=a_idle;"
        "stopped=s_idle;use_server_errors=400",
        map);
    add(rules, "-/lb/off/*", "lb", map);
    add(rules, "!/lb/static/*", "lb", map);
    add(rules, "!/*.png", "*", map);
    add(rules, "/solo/api|/*", "solo", map);
    add(rules, "/lbf/*", "lbf", map);
    return rules;
}

// The main server's JkMount/JkUnMount directives, copied into the vhost after its own.
void main_mounts(std::vector<config::UriRule>& rules) {
    const auto mount = config::RuleSource::jk_mount;
    add(rules, "/jkstatus", "jkstatus", mount);
    add(rules, "/jkstatus2", "jkstatus2", mount);
    add(rules, "/jkstatus3", "jkstatus3", mount);
    add(rules, "/jk/*", "lb", mount);
    add(rules, "/jk/images/*", "lb", mount, true);
    add(rules, "/solo/*", "solo", mount);
}

// mod_jk puts worker.lb.mount (/wm/* /wm/exact) into the main server's map only.
config::UriMap main_map() {
    std::vector<config::UriRule> rules;
    main_mounts(rules);
    add(rules, "/wm/*", "lb", config::RuleSource::worker_mount);
    add(rules, "/wm/exact", "lb", config::RuleSource::worker_mount);
    config::Diagnostics diags;
    return config::UriMap::build(std::move(rules), file_rules(), diags);
}

config::UriMap vhost_map() {
    std::vector<config::UriRule> rules;
    add(rules, "/vh/*", "lb", config::RuleSource::jk_mount);
    main_mounts(rules);
    config::Diagnostics diags;
    return config::UriMap::build(std::move(rules), file_rules(), diags);
}

std::vector<status::MapEntry> maps_of(const char* worker) {
    std::vector<status::MapEntry> maps = status::describe_maps(main_map(), worker, kMainServer);
    for (status::MapEntry& entry : status::describe_maps(vhost_map(), worker, kVhost)) {
        maps.push_back(std::move(entry));
    }
    return maps;
}

// capture.sh's lbs share recover_time=600 (error_escalation_time its half) and worker.maintain.
LbView lb_view(const char* name, const char* method, const char* lock, int retries) {
    LbView lb;
    lb.name = name;
    lb.retries = retries;
    lb.recover_time = 600;
    lb.error_escalation_time = 300;
    lb.method = method;
    lb.lock = lock;
    lb.time_to_maintenance_min = 1;
    lb.time_to_maintenance_max = 11;
    lb.last_reset_at = kStarted;
    lb.maps = maps_of(name);
    return lb;
}

LbView lb() {
    LbView lb = lb_view("lb", "Request", "Optimistic", 2);
    lb.busy = 2;
    lb.max_busy = 3;
    lb.members = lb_members();
    return lb;
}

MemberView forced(const char* name, const char* host) {
    MemberView m = member(name, kDeadPort, "ACT", "ERR/FRC");
    m.ajp.host = host;
    m.lbmult = 1;
    m.counters.used = 2;
    m.sessions = 2;
    m.errors = 2;
    m.counters.max_busy = 1;
    m.counters.error_time = kNow - 30;
    return m;
}

LbView lbf() {
    LbView lb = lb_view("lbf", "Busyness", "Pessimistic", 3);
    lb.sticky_session = false;
    lb.max_busy = 1;
    lb.members = {forced("f1", "127.0.0.1"), forced("f2", "localhost")};
    return lb;
}

AjpWorkerView solo() {
    AjpWorkerView w;
    w.ajp = ajp("solo", kLivePort);
    w.state = "OK";
    w.counters.used = 1;
    w.counters.transferred = 212;
    w.counters.read = 1010;
    w.counters.max_busy = 1;
    w.counters.connected = 1;
    w.counters.max_connected = 1;
    w.counters.last_reset_at = kStarted;
    w.maps = maps_of("solo");
    return w;
}

}  // namespace

status::StatusPage golden_page() {
    status::StatusPage page;
    page.server_name = "127.0.0.1";
    page.server_port = 18470;
    page.web_server = "Apache/2.4.71 (Debian) mod_jk/1.2.48";
    page.jk_version = "mod_jk/1.2.48";
    page.now = kNow;
    page.workers = {lb(), lbf(), solo()};
    return page;
}

// A status worker with mod_jk's defaults (the renderers' own, so the two cannot drift).
config::StatusWorker jkstatus() {
    config::StatusWorker w = status::detail::default_settings();
    w.name = "jkstatus";
    return w;
}

config::StatusWorker jkstatus2() {
    config::StatusWorker w = jkstatus();
    w.name = "jkstatus2";
    w.read_only = true;
    w.prefix = "st";
    w.ns = "-";
    w.xmlns = "-";
    w.doctype = "<!DOCTYPE status>";
    w.good = {"a"};
    w.bad = {"e", "d.o"};
    return w;
}

config::StatusWorker jkstatus3() {
    config::StatusWorker w = jkstatus();
    w.name = "jkstatus3";
    w.user = {"admin"};
    w.ns = "st:";
    w.xmlns = "xmlns:st=\"urn:x-status\"";
    return w;
}

}  // namespace status_test
