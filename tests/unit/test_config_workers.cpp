// workers.properties -> worker model: the seed configuration, every default
// and derived default of the model, lb members and their checks.
#include "test_config_workers_support.hpp"

#include <cstring>

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "data/workers"
#endif

using namespace ajpgate::config;
using namespace std::chrono_literals;
using namespace test_support;

namespace {

void test_seed_configuration(void**) {
    PropertySources sources;
    sources.sources.push_back(
        PropertySource::from_file(TEST_DATA_DIR "/seed_loadbalancer.properties"));
    const auto p = parse_sources(std::move(sources));
    expect_clean(p);
    const auto& config = *p.config;
    assert_int_equal(config.mapped_workers().size(), 1);
    assert_string_equal(config.mapped_workers()[0].c_str(), "loadbalancer");
    assert_int_equal(config.lb_workers().size(), 1);
    assert_int_equal(config.ajp13_workers().size(), 2);
    assert_int_equal(config.status_workers().size(), 0);
    const auto* lb = config.find_lb("loadbalancer");
    assert_non_null(lb);
    assert_int_equal(lb->members.size(), 2);
    const char* names[] = {"was1", "was2"};
    const char* hosts[] = {"43.201.1.81", "43.201.1.82"};
    const int ports[] = {8009, 8010};
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& member = lb->members[i];
        const auto& worker = config.ajp13_workers()[member.worker];
        assert_string_equal(worker.name.c_str(), names[i]);
        assert_string_equal(worker.host.c_str(), hosts[i]);
        assert_int_equal(worker.port, ports[i]);
        assert_int_equal(member.lbfactor, 1);
        assert_string_equal(member.route.c_str(), names[i]);  // = Tomcat jvmRoute
        assert_true(member.domain.empty());
        assert_true(member.activation == Activation::active);
    }
    assert_true(lb->sticky_session);
    assert_true(lb->method == LbMethod::requests);
    assert_true(config.maintain_interval() == 60s);
    const auto ref = config.find("was2");
    assert_true(ref.has_value() && ref->type == WorkerType::ajp13 && ref->index == 1);
    assert_true(config.find("loadbalancer")->type == WorkerType::lb);
    assert_false(config.find("was3").has_value());
    assert_true(config.is_mapped("loadbalancer"));
    assert_false(config.is_mapped("was1"));
}

void test_ajp13_defaults(void**) {
    const auto p = parse_text("worker.list=w\nworker.w.type=ajp13\n");
    expect_clean(p);
    const auto& w = p.config->ajp13_workers().at(0);
    assert_string_equal(w.name.c_str(), "w");
    assert_string_equal(w.host.c_str(), "localhost");
    assert_int_equal(w.port, 8009);
    assert_true(w.source.empty());
    assert_false(w.prefer_ipv6);
    assert_true(w.socket_timeout == 0s);
    assert_true(w.socket_connect_timeout == 3000ms);  // ajpgate: fail fast (mod_jk: no limit)
    assert_false(w.socket_keepalive);
    assert_int_equal(w.socket_buffer, 0);
    assert_true(w.ping_mode == (PingFlags{false, false, false}));  // mod_jk's default: no CPING
    assert_true(w.ping_timeout == 10000ms);
    assert_true(w.connect_timeout == 0ms);  // no CPING after connect, so no wait for one
    assert_true(w.prepost_timeout == 0ms);
    assert_true(w.connection_ping_interval == 0s);
    assert_false(w.connection_pool_size.has_value());     // auto: ThreadsPerChild
    assert_false(w.connection_pool_minsize.has_value());  // (size+1)/2
    assert_int_equal(w.resolved_pool_minsize(25), 13);
    assert_true(w.connection_pool_timeout == 300s);  // ajpgate: idle connections do not live for ever
    assert_true(w.connection_acquire_timeout == 200ms);   // retries * retry_interval
    assert_int_equal(w.retries, 2);
    assert_true(w.retry_interval == 100ms);
    assert_int_equal(w.recovery_options, 0);
    assert_true(w.reply_timeout == 0ms);
    assert_true(w.fail_on_status.empty());
    assert_int_equal(w.busy_limit, 0);
    assert_int_equal(w.max_packet_size, 8192);
    assert_true(w.secret.empty());
    assert_true(w.mount.empty());
    assert_int_equal(w.lbfactor, 1);
    assert_int_equal(w.distance, 0);
    assert_string_equal(w.route.c_str(), "w");
    assert_true(w.domain.empty());
    assert_true(w.redirect.empty());
    assert_true(w.activation == Activation::active);
}

void test_lb_and_status_defaults(void**) {
    const auto p = parse_text(
        "worker.list=lb,jkstatus\nworker.lb.type=lb\nworker.lb.balance_workers=m\n"
        "worker.m.port=8009\nworker.jkstatus.type=status\n");
    expect_clean(p);
    const auto& lb = p.config->lb_workers().at(0);
    assert_true(lb.sticky_session);
    assert_false(lb.sticky_session_force);
    assert_string_equal(lb.session_cookie.c_str(), "JSESSIONID");
    assert_string_equal(lb.session_path.c_str(), ";jsessionid");
    assert_false(lb.set_session_cookie);
    assert_true(lb.session_cookie_path.empty());
    assert_true(lb.method == LbMethod::requests);
    assert_true(lb.lock == LbLock::optimistic);
    assert_int_equal(lb.retries, 2);
    assert_true(lb.retry_interval == 100ms);
    assert_int_equal(lb.lb_retries, 2);
    assert_true(lb.recover_time == 60s);
    assert_true(lb.error_escalation_time == 30s);
    assert_int_equal(lb.max_reply_timeouts, 0);
    assert_true(lb.secret.empty());
    const auto& s = p.config->status_workers().at(0);
    assert_string_equal(s.name.c_str(), "jkstatus");
    assert_false(s.read_only);
    assert_true(s.user.empty());
    assert_false(s.user_case_insensitive);
    assert_true(s.good == (std::vector<std::string>{"a.o", "a.i", "a.b", "a.r"}));
    assert_true(s.bad == (std::vector<std::string>{"s", "e"}));
    assert_string_equal(s.prefix.c_str(), "worker");
    assert_string_equal(s.ns.c_str(), "jk:");
    assert_string_equal(s.xmlns.c_str(), "xmlns:jk=\"http://tomcat.apache.org\"");
    assert_true(s.doctype.empty());
    assert_true(s.css.empty());
    assert_true(p.config->maintain_interval() == 60s);
}

void test_derived_defaults(void**) {
    const auto p = parse_text(
        "worker.list=a,b,c,d,lb\n"
        "worker.a.socket_timeout=5\n"            // connect timeout follows: 5000 ms
        "worker.a.ping_mode=I\n"                 // interval: (ping_timeout/1000)*10 s
        "worker.a.ping_timeout=3500\n"          // whole seconds first: 30 s, not 35 s
        "worker.b.socket_timeout=5\nworker.b.socket_connect_timeout=300\n"
        "worker.b.ping_mode=CP\n"                // C and P take ping_timeout
        "worker.b.connection_ping_interval=7\n"
        "worker.c.connect_timeout=500\nworker.c.prepost_timeout=600\n"  // switch C and P on
        "worker.c.retries=3\nworker.c.retry_interval=50\n"
        "worker.c.connection_pool_size=10\nworker.c.connection_pool_minsize=4\n"
        "worker.d.route=node1.dc1\nworker.d.connection_acquire_timeout=1k\n"
        "worker.d.socket_buffer=64k\nworker.d.max_packet_size=16K\n"
        "worker.lb.type=lb\nworker.lb.balance_workers=d\nworker.lb.recover_time=11\n"
        "worker.maintain=30\n");
    const auto& config = expect_config(p);
    assert_int_equal(p.diagnostics.all().size(), 0);
    const auto& a = *config.find_ajp13("a");
    assert_true(a.socket_connect_timeout == 5000ms);
    assert_true(a.ping_mode == (PingFlags{false, false, true}));
    assert_true(a.connection_ping_interval == 30s);
    const auto& b = *config.find_ajp13("b");
    assert_true(b.socket_connect_timeout == 300ms);
    assert_true(b.connect_timeout == 10000ms);
    assert_true(b.prepost_timeout == 10000ms);
    assert_true(b.connection_ping_interval == 7s);
    const auto& c = *config.find_ajp13("c");
    assert_true(c.ping_mode == (PingFlags{true, true, false}));
    assert_true(c.connect_timeout == 500ms);
    assert_true(c.prepost_timeout == 600ms);
    assert_true(c.connection_acquire_timeout == 150ms);
    assert_int_equal(*c.connection_pool_size, 10);
    assert_int_equal(c.resolved_pool_minsize(10), 4);
    const auto& d = *config.find_ajp13("d");
    assert_string_equal(d.domain.c_str(), "node1");
    assert_true(d.connection_acquire_timeout == 1024ms);
    assert_int_equal(d.socket_buffer, 65536);
    assert_int_equal(d.max_packet_size, 16384);
    const auto& lb = *config.find_lb("lb");
    assert_true(lb.recover_time == 11s);
    assert_true(lb.error_escalation_time == 5s);
    assert_string_equal(lb.members[0].domain.c_str(), "node1");
    assert_true(config.maintain_interval() == 30s);
}

void test_host_with_port(void**) {
    const auto p = parse_text(
        "worker.list=a,b,c\nworker.a.host=tc1:8010\nworker.b.host=[::1]:8011\n"
        "worker.c.host=tc3:8012\nworker.c.port=8013\n");
    const auto& config = expect_config(p);
    assert_string_equal(config.find_ajp13("a")->host.c_str(), "tc1");
    assert_int_equal(config.find_ajp13("a")->port, 8010);
    assert_string_equal(config.find_ajp13("b")->host.c_str(), "::1");
    assert_int_equal(config.find_ajp13("b")->port, 8011);
    assert_int_equal(config.find_ajp13("c")->port, 8012);
    expect_warning(p.diagnostics, "host embeds port 8012", 5);
    assert_int_equal(p.diagnostics.all().size(), 1);
}

void test_member_properties_and_secret(void**) {
    const auto p = parse_text(
        "worker.list=lb\n"
        "worker.lb.type=lb\nworker.lb.balance_workers=m1,m2\nworker.lb.balance_workers=m3\n"
        "worker.lb.secret=lbsecret\nworker.lb.method=B\nworker.lb.sticky_session=off\n"
        "worker.m1.lbfactor=3\nworker.m1.distance=1\nworker.m1.route=r1\nworker.m1.redirect=r2\n"
        "worker.m2.route=r2\nworker.m2.domain=dc\nworker.m2.activation=disabled\n"
        "worker.m2.secret=own\n"
        "worker.m3.port=0\n");
    expect_clean(p);
    const auto& lb = p.config->lb_workers().at(0);
    assert_int_equal(lb.members.size(), 3);  // repeats concatenate
    assert_true(lb.method == LbMethod::busyness);
    assert_false(lb.sticky_session);
    const auto& m1 = lb.members[0];
    assert_int_equal(m1.lbfactor, 3);
    assert_int_equal(m1.distance, 1);
    assert_string_equal(m1.route.c_str(), "r1");
    assert_string_equal(m1.redirect.c_str(), "r2");
    assert_string_equal(m1.secret.c_str(), "lbsecret");  // inherited from the lb
    const auto& m2 = lb.members[1];
    assert_string_equal(m2.domain.c_str(), "dc");
    assert_true(m2.activation == Activation::disabled);
    assert_string_equal(m2.secret.c_str(), "own");
    assert_true(lb.members[2].activation == Activation::stopped);  // port 0
    assert_true(p.config->ajp13_workers()[m1.worker].secret.empty());
}

// mod_jk invents an ajp13 worker on localhost:8009 for a member nobody defined.
void test_undefined_member_is_invented(void**) {
    const auto p = expect_compat(
        "worker.list=loadbalancer\nworker.loadbalancer.type=lb\n"
        "worker.loadbalancer.balance_workers=was1\n"
        "worker.loadbalancer.balance_workers=was3\n"
        "worker.was1.host=h1\n",
        "lb 'loadbalancer' member 'was3' is not defined in workers.properties: mod_jk invents an "
        "ajp13 worker 'was3' on localhost:8009 with every default",
        4);
    const auto& lb = *p.config->find_lb("loadbalancer");
    assert_int_equal(lb.members.size(), 2);
    const auto& was3 = p.config->ajp13_workers()[lb.members[1].worker];
    assert_string_equal(was3.name.c_str(), "was3");
    assert_string_equal(was3.host.c_str(), "localhost");
    assert_int_equal(was3.port, 8009);
    assert_int_equal(lb.members[1].lbfactor, 1);
    assert_string_equal(lb.members[1].route.c_str(), "was3");
    assert_true(lb.members[1].activation == Activation::active);
    assert_false(p.config->is_mapped("was3"));  // a member, not a worker a request may name
    assert_false(p.config->find_mapped("was3").has_value());
    assert_true(p.config->find("was3").has_value());
}

void test_member_type_errors(void**) {
    expect_error(parse_text("worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=lb2\n"
                            "worker.lb2.type=lb\nworker.lb2.balance_workers=m\nworker.m.port=1\n"),
                 "member 'lb2' is a lb worker: lb members must be ajp13 workers", 3);
    expect_error(parse_text("worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=st\n"
                            "worker.st.type=status\n"),
                 "member 'st' is a status worker", 3);
    expect_error(parse_text("worker.list=lb\nworker.lb.type=lb\n"), "has no balance_workers", 2);
    // a member that is also mapped directly is fine, and built once
    const auto p = parse_text("worker.list=lb,m\nworker.lb.type=lb\n"
                              "worker.lb.balance_workers=m\nworker.m.port=1\n");
    expect_clean(p);
    assert_int_equal(p.config->ajp13_workers().size(), 1);
}

// Without a type an lb is what mod_jk makes of it: an ajp13 worker, its members ignored.
void test_lb_without_type_is_ajp13(void**) {
    const auto p = expect_compat("worker.list=lb\nworker.lb.balance_workers=m\nworker.m.port=1\n",
                                 "worker 'lb' has balance_workers but no type: mod_jk makes it a "
                                 "plain ajp13 worker on localhost:8009 and ignores its members",
                                 2);
    assert_true(p.config->lb_workers().empty());
    assert_int_equal(p.config->ajp13_workers().size(), 1);
    const auto& lb = *p.config->find_ajp13("lb");
    assert_string_equal(lb.host.c_str(), "localhost");
    assert_int_equal(lb.port, 8009);
    assert_null(p.config->find_ajp13("m"));  // not built: no lb pulls it in
    expect_warning(p.diagnostics, "worker 'm' is neither in worker.list nor an lb member", 3);
    // balance_workers on a worker typed ajp13 (or status) is ignored too
    const auto typed = expect_compat(
        "worker.list=a\nworker.a.type=ajp13\nworker.a.port=8020\nworker.a.balance_workers=x,y\n",
        "worker 'a' has balance_workers but is of type ajp13: mod_jk ignores them", 4);
    assert_int_equal(typed.config->find_ajp13("a")->port, 8020);
    assert_true(typed.config->lb_workers().empty());
}

void test_routes_and_redirects(void**) {
    expect_error(parse_text("worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=a\n"
                            "worker.lb.balance_workers=b\n"
                            "worker.a.route=same\nworker.b.route=same\n"),
                 "members 'a' and 'b' have the same route 'same'", 4);
    // default routes are the names: a route equal to another member's name collides
    expect_error(parse_text("worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=a,b\n"
                            "worker.a.route=b\nworker.b.port=1\n"),
                 "same route 'b'");
    // mod_jk accepts a redirect to no route and never follows it
    const auto nowhere = expect_compat("worker.list=lb\nworker.lb.type=lb\n"
                                       "worker.lb.balance_workers=a,b\n"
                                       "worker.a.redirect=c\nworker.b.port=1\n",
                                       "member 'a' redirects to 'c', which is not a route of this "
                                       "lb: mod_jk never redirects there",
                                       3);
    assert_string_equal(nowhere.config->find_lb("lb")->members[0].redirect.c_str(), "c");
    const auto self = parse_text("worker.list=lb\nworker.lb.type=lb\n"
                                 "worker.lb.balance_workers=a\nworker.a.redirect=a\n");
    expect_config(self);
    expect_warning(self.diagnostics, "redirects to its own route");
    // a member listed twice in one lb: mod_jk finds two equal routes and does not start
    expect_error(parse_text("worker.list=l1,l2\nworker.l1.type=lb\nworker.l2.type=lb\n"
                            "worker.l1.balance_workers=a,b,a\nworker.l2.balance_workers=b\n"
                            "worker.a.port=1\nworker.b.port=2\n"),
                 "lists member 'a' twice (mod_jk does not start either", 4);
    // the same member in two lbs is one worker
    const auto p = parse_text("worker.list=l1,l2\nworker.l1.type=lb\nworker.l2.type=lb\n"
                              "worker.l1.balance_workers=a,b\nworker.l2.balance_workers=b\n"
                              "worker.a.port=1\nworker.b.port=2\n");
    const auto& config = expect_config(p);
    expect_clean(p);
    assert_int_equal(config.find_lb("l1")->members.size(), 2);
    assert_int_equal(config.find_lb("l2")->members[0].worker,
                     config.find_lb("l1")->members[1].worker);
}

void test_worker_list_checks(void**) {
    // no worker.list: mod_jk maps one worker 'ajp13', invented unless defined
    const auto none = expect_compat("worker.was1.port=8009\n",
                                    "worker.list is not set: mod_jk maps one worker named 'ajp13' "
                                    "(on localhost:8009 with every default)",
                                    0);
    assert_true(none.config->mapped_workers() == (std::vector<std::string>{"ajp13"}));
    assert_string_equal(none.config->find_ajp13("ajp13")->host.c_str(), "localhost");
    assert_int_equal(none.config->find_ajp13("ajp13")->port, 8009);
    assert_null(none.config->find_ajp13("was1"));
    assert_int_equal(none.diagnostics.all().size(), 2);  // the above, and was1 is unused
    const auto defined = expect_compat("worker.ajp13.port=8011\n", "(as defined here)", 0);
    assert_int_equal(defined.config->find_ajp13("ajp13")->port, 8011);
    // a worker.list entry without properties: invented on localhost:8009
    const auto typo = expect_compat(
        "worker.list=was1,wsa2\nworker.was1.port=1\nworker.was2.port=2\n",
        "worker 'wsa2' in worker.list has no properties: mod_jk invents an ajp13 worker 'wsa2' on "
        "localhost:8009 with every default",
        1);
    assert_true(typo.config->is_mapped("wsa2"));
    assert_int_equal(typo.config->find_ajp13("wsa2")->port, 8009);
    assert_int_equal(typo.config->find_ajp13("was1")->port, 1);
    assert_null(typo.config->find_ajp13("was2"));
    expect_warning(typo.diagnostics, "worker 'was2' is neither in worker.list", 3);
    const auto twice = parse_text("worker.list=a\nworker.list=a\nworker.a.port=1\n");
    expect_config(twice);
    expect_warning(twice.diagnostics, "listed in worker.list twice", 2);
    assert_int_equal(twice.config->mapped_workers().size(), 1);
    const auto unused = parse_text("worker.list=a\nworker.a.port=1\nworker.b.port=2\n");
    expect_warning(unused.diagnostics, "worker 'b' is neither in worker.list", 3);
    const auto port0 = parse_text("worker.list=a\nworker.a.port=0\n");
    expect_warning(port0.diagnostics, "port 0", 1);
}

void test_bad_values_name_file_and_line(void**) {
    // mod_jk reads what it can (atoi, defaults, clamps); ajpgate does the same, saying so
    const auto p = expect_compat("worker.list=w\nworker.w.port=80a\n",
                                 "worker 'w' port: '80a' is not an integer (decimal, optional k or "
                                 "M suffix); mod_jk reads it as 80, and so does ajpgate",
                                 2);
    assert_string_equal(p.diagnostics.all()[0].file.c_str(), "workers.properties");
    assert_int_equal(p.config->find_ajp13("w")->port, 80);
    assert_false(expect_compat("worker.list=w\nworker.w.socket_keepalive=maybe\n",
                               "not a boolean (true/false, on/off, 1/0, yes/no); mod_jk reads it "
                               "as the default 'false'",
                               2)
                     .config->find_ajp13("w")
                     ->socket_keepalive);
    assert_int_equal(expect_compat("worker.list=w\nworker.w.lbfactor=0\n",
                                   "out of range 1..2147483647; mod_jk reads it as 1", 2)
                         .config->find_ajp13("w")
                         ->lbfactor,
                     1);
    // the socket layer keeps 16 bits of a port: 70000 is 4464
    assert_int_equal(expect_compat("worker.list=w\nworker.w.port=70000\n",
                                   "out of range 0..65535; mod_jk reads it as 4464", 2)
                         .config->find_ajp13("w")
                         ->port,
                     4464);
    expect_error(parse_text("worker.list=w\nworker.w.type=ajp14\n"), "not supported", 2);
    expect_error(parse_text("worker.list=w\nworker.w.type=ajp12\n"), "obsolete", 2);
    expect_error(parse_text("worker.list=w\nworker.w.type=jni\n"), "obsolete", 2);
    expect_error(parse_text("worker.list=w\nworker.w.type=foo\n"),
                 "unknown worker type 'foo' (ajp13, lb or status) (mod_jk does not start either)",
                 2);
    // a minimum above the size: mod_jk then never closes an idle connection
    const auto pool = expect_compat("worker.list=w\nworker.w.connection_pool_size=2\n"
                                    "worker.w.connection_pool_minsize=3\n",
                                    "exceeds connection_pool_size", 3);
    assert_int_equal(*pool.config->find_ajp13("w")->connection_pool_minsize, 2);
    assert_true(expect_compat("worker.list=w\nworker.maintain=soon\nworker.w.port=1\n",
                              "worker.maintain: 'soon' is not an integer", 2)
                    .config->maintain_interval() == 0s);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_configuration),
        cmocka_unit_test(test_ajp13_defaults),
        cmocka_unit_test(test_lb_and_status_defaults),
        cmocka_unit_test(test_derived_defaults),
        cmocka_unit_test(test_host_with_port),
        cmocka_unit_test(test_member_properties_and_secret),
        cmocka_unit_test(test_undefined_member_is_invented),
        cmocka_unit_test(test_member_type_errors),
        cmocka_unit_test(test_lb_without_type_is_ajp13),
        cmocka_unit_test(test_routes_and_redirects),
        cmocka_unit_test(test_worker_list_checks),
        cmocka_unit_test(test_bad_values_name_file_and_line),
    };
    return cmocka_run_group_tests_name("config_workers", tests, nullptr, nullptr);
}
