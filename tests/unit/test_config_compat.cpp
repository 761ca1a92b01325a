// Issue 10: every workers.properties the real mod_jk 1.2.48 starts with, ajpgate starts with
// too. For each class of oddity found in real-world files: the file written that way, the
// verdict under JkStrict Off (a configuration, one compatibility warning naming file:line)
// and On (refused with that error), and the model mod_jk builds from it (measured by running
// mod_jk on the same lines and reading its status worker).
#include "test_config_workers_support.hpp"

#include <string>
#include <vector>

#include "config/mount_checks.hpp"
#include "config/property_lenient.hpp"
#include "config/uri_map.hpp"
#include "config/uri_sources.hpp"

using namespace ajpgate::config;
using namespace std::chrono_literals;
using namespace test_support;

namespace {

// 1. A line without '=' (prose, a key with a blank instead of '=') is skipped.
void test_line_without_equals(void**) {
    const auto p = expect_compat("worker.list=e1\nThis file configures Tomcat\n"
                                 "worker.e1.port 8909\nworker.e1.port=8910\n",
                                 "no '=' on this line: skipped, as mod_jk skips it", 2);
    expect_warning(p.diagnostics, "no '=' on this line", 3);
    assert_int_equal(p.config->find_ajp13("e1")->port, 8910);
    // the message names file and line, in the one format every caller prints
    assert_string_equal(p.diagnostics.all()[0].to_string().substr(0, 24).c_str(),
                        "workers.properties:2: wa");
    const auto strict = parse_text("worker.list=e1\nnot a property\n", Strictness::strict);
    assert_string_equal(strict.diagnostics.all()[0].to_string().c_str(),
                        "workers.properties:2: error: no '=' on this line: skipped, as mod_jk "
                        "skips it (write name=value, or start the line with '#' to make it a "
                        "comment) [refused: JkStrict On]");
}

// 1b. A line longer than mod_jk's buffer: mod_jk's fgets hands it over in pieces of 8191
// characters, each read as a line (here the second piece has no '=' and is skipped).
void test_overlong_line_in_pieces(void**) {
    const std::string host(9000, 'h');
    const auto p = expect_compat("worker.list=w\nworker.w.host=" + host + "\nworker.w.port=8011\n",
                                 "line longer than 8191 characters: mod_jk reads it in pieces", 2);
    expect_warning(p.diagnostics, "no '=' on this line", 2);
    const auto* w = p.config->find_ajp13("w");
    assert_int_equal(w->host.size(), 8191 - std::string("worker.w.host=").size());
    assert_int_equal(w->port, 8011);
}

// 2. lbfactor=0 (and negative): mod_jk makes it 1.
void test_lbfactor_zero(void**) {
    const std::string text =
        "worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=a,b\n"
        "worker.a.port=8009\nworker.a.lbfactor=0\nworker.b.port=8010\nworker.b.lbfactor=-2\n";
    const auto p = expect_compat(text, "worker 'a' lbfactor: 0 is out of range 1..2147483647; "
                                       "mod_jk reads it as 1, and so does ajpgate", 5);
    expect_warning(p.diagnostics, "worker 'b' lbfactor: -2 is out of range", 7);
    const auto& lb = *p.config->find_lb("lb");
    assert_int_equal(lb.members[0].lbfactor, 1);
    assert_int_equal(lb.members[1].lbfactor, 1);
}

// 3. reference to a prefix that is not worker.<name>: the keys under that prefix are copied.
void test_reference_to_other_prefix(void**) {
    const std::string text =
        "worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=p1,p2\n"
        "worker-template.host=10.0.0.5\nworker-template.lbfactor=5\n"  // 4-5
        "template.small.port=9310\ntemplate.small.unknown_thing=1\n"   // 6-7
        "template.small.reference=worker-template\n"                   // 8: nested
        "worker.p1.reference=worker-template\nworker.p1.port=9309\n"   // 9-10
        "worker.p2.reference=template.small\n";                         // 11
    const auto p = expect_compat(text, "worker 'p1' references 'worker-template', which is no "
                                       "worker.<name>: mod_jk copies every property written "
                                       "'worker-template.<property>'", 9);
    expect_warning(p.diagnostics, "worker 'p2' references 'template.small'", 11);
    expect_warning(p.diagnostics, "'template.small.unknown_thing' is copied by a reference", 7);
    const auto& config = *p.config;
    const auto& p1 = *config.find_ajp13("p1");
    assert_string_equal(p1.host.c_str(), "10.0.0.5");
    assert_int_equal(p1.port, 9309);
    assert_int_equal(p1.lbfactor, 5);
    const auto& p2 = *config.find_ajp13("p2");  // p2 -> template.small -> worker-template
    assert_string_equal(p2.host.c_str(), "10.0.0.5");
    assert_int_equal(p2.port, 9310);
    assert_int_equal(config.find_lb("lb")->members[1].lbfactor, 5);
    assert_int_equal(config.ajp13_workers().size(), 2);  // templates are not workers
    // an inherited bad value names where it was written
    expect_compat("worker.list=a\ntmpl.port=x1\nworker.a.reference=tmpl\n",
                  "worker 'a' port (inherited from tmpl): 'x1' is not an integer", 2);
    // mod_jk refuses a reference to a prefix no key has
    expect_error(parse_text("worker.list=a\nworker.a.reference=template.none\n"),
                 "references 'template.none', but no property is written "
                 "'template.none.<property>'", 2);
}

// 4. Keys that look global: mod_jk accepts a key ending in any property name, reads none.
void test_global_looking_keys(void**) {
    const auto p = expect_compat("worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=m\n"
                                 "worker.m.port=1\nworker.lock=P\nworker.method=B\n",
                                 "'worker.lock' is not a global property and names no worker: "
                                 "mod_jk ignores it",
                                 5);
    expect_warning(p.diagnostics, "'worker.method' is not a global property", 6);
    const auto& lb = *p.config->find_lb("lb");
    assert_true(lb.lock == LbLock::optimistic);
    assert_true(lb.method == LbMethod::requests);
    // a key that ends in no property name is refused, as by mod_jk
    expect_error(parse_text("worker.list=m\nworker.m.port=1\nworker.lsit=m\n"),
                 "unknown global property 'worker.lsit'", 3);
}

// 5. maintain (a global property) on a template worker: ignored; and a repeated maintain
// keeps its first value (mod_jk joins repeats with '*').
void test_maintain_on_template(void**) {
    const std::string text = "worker.list=g1\nworker.tmpl.maintain=60\nworker.tmpl.host=127.0.0.1\n"
                             "worker.g1.reference=worker.tmpl\nworker.maintain=30\n"
                             "worker.maintain=90\n";
    const auto p = expect_compat(text, "'maintain' is a global property: mod_jk ignores "
                                       "'worker.tmpl.maintain'", 2);
    expect_warning(p.diagnostics, "'worker.maintain' set again: mod_jk joins repeats of "
                                  "'maintain' with '*' and reads only the first value, so line 5 "
                                  "stays in force", 6);
    assert_true(p.config->maintain_interval() == 30s);
    assert_string_equal(p.config->find_ajp13("g1")->host.c_str(), "127.0.0.1");
    const auto d = expect_compat("worker.list=a\nworker.a.distance=1\nworker.a.distance=2\n",
                                 "'worker.a.distance' set again", 3);
    assert_int_equal(d.config->find_ajp13("a")->distance, 1);
}

// 6. Mount rules naming an undefined worker, or one not in worker.list; worker.X.mount of a
// worker outside worker.list. httpd starts; such rules answer 500 (modules/forward.cpp asks
// find_mapped), the member's own mount is not in effect.
void test_mounts_to_workers_outside_the_list(void**) {
    const std::string text = "worker.list=m1,lb\nworker.m1.port=9509\nworker.m1.mount=/m1own/*\n"
                             "worker.lb.type=lb\nworker.lb.balance_workers=member\n"
                             "worker.member.port=9510\nworker.member.mount=/member-own/*\n";
    const auto p = expect_compat(text, "mount '/member-own/*' of worker 'member' is ignored: "
                                       "mod_jk reads worker.X.mount only for the workers of "
                                       "worker.list", 7);
    const auto& config = *p.config;
    assert_int_equal(config.mounts().size(), 1);
    assert_string_equal(config.mounts()[0].pattern.c_str(), "/m1own/*");
    assert_int_equal(config.mounts()[0].line, 3);
    assert_true(config.find_mapped("m1").has_value());
    assert_false(config.find_mapped("member").has_value());  // a request cannot name it
    assert_true(config.find("member").has_value());          // the lb balances to it

    for (const auto strictness : {Strictness::compatible, Strictness::strict}) {
        Diagnostics diags(strictness);
        UriRuleSet set;
        set.add_jk_mount("/m1/*", "m1", "httpd.conf", 20, diags);
        set.add_jk_mount("/ghost/*", "ghost", "httpd.conf", 21, diags);
        set.add_jk_mount("/member/*", "member", "httpd.conf", 22, diags);
        for (const auto& m : config.mounts()) {
            set.add_worker_mounts(m.worker, m.pattern, m.file, m.line, diags);
        }
        const auto map = UriMap::build(set.take(), {}, diags);
        check_map_workers(map, config, diags);
        const auto severity =
            strictness == Strictness::strict ? Severity::error : Severity::warning;
        assert_int_equal(diags.all().size(), 2);
        assert_int_equal(count_compat(diags, severity, "rule /ghost/*=ghost (JkMount) maps to "
                                      "worker 'ghost', which workers.properties does not define: "
                                      "mod_jk answers 500 for these URIs", 21), 1);
        assert_int_equal(count_compat(diags, severity, "maps to worker 'member', which is not in "
                                      "worker.list (it is an lb member)", 22), 1);
        // the rules stay: their URIs reach the handler, which answers 500 as mod_jk does
        assert_string_equal(map.match("/ghost/x")->worker.c_str(), "ghost");
        assert_string_equal(map.match("/m1own/x")->worker.c_str(), "m1");
        assert_null(map.match("/member-own/x"));
    }
}

// 7. Invented workers: an undefined member, a worker.list entry without properties, an lb
// without type (see also test_config_workers.cpp). Every default, on localhost:8009.
void test_invented_workers(void**) {
    const auto p = expect_compat("worker.list=lb,typo\nworker.lb.type=lb\n"
                                 "worker.lb.balance_workers=real,ghost\nworker.real.port=9109\n",
                                 "worker 'typo' in worker.list has no properties", 1);
    expect_warning(p.diagnostics, "lb 'lb' member 'ghost' is not defined", 3);
    const auto& config = *p.config;
    for (const char* name : {"typo", "ghost"}) {
        const auto& w = *config.find_ajp13(name);
        assert_string_equal(w.host.c_str(), "localhost");
        assert_int_equal(w.port, 8009);
        assert_int_equal(w.retries, 2);
        assert_int_equal(w.max_packet_size, 8192);
        assert_string_equal(w.route.c_str(), name);
    }
    assert_true(config.is_mapped("typo"));
    assert_int_equal(config.find_lb("lb")->members.size(), 2);
}

// Values mod_jk reads its own way (atoi and its clamps, defaults for unknown choices).
void test_values_read_as_mod_jk(void**) {
    const std::string text =
        "worker.list=lb,solo\nworker.lb.type=lb\nworker.lb.balance_workers=z1\n"
        "worker.lb.retries=0\nworker.lb.recover_time=abc\nworker.lb.method=Q\n"  // 4-6
        "worker.lb.lock=1\nworker.lb.sticky_session=perhaps\n"                   // 7-8
        "worker.z1.port=9010x\nworker.z1.activation=1\nworker.z1.ping_mode=XI\n"  // 9-11
        "worker.solo.max_packet_size=100000\nworker.solo.socket_timeout=1.5\n"    // 12-13
        "worker.solo.recovery_options=259\nworker.solo.host=[::1\n";             // 14-15
    const auto p = expect_compat(text, "worker 'z1' port: '9010x' is not an integer", 9);
    const auto& config = *p.config;
    const auto& lb = *config.find_lb("lb");
    assert_int_equal(lb.retries, 1);
    assert_true(lb.recover_time == 1s);
    assert_true(lb.error_escalation_time == 0s);
    assert_true(lb.method == LbMethod::requests);
    assert_true(lb.lock == LbLock::pessimistic);
    assert_true(lb.sticky_session);
    assert_int_equal(config.ajp13_workers()[lb.members[0].worker].port, 9010);
    assert_true(lb.members[0].activation == Activation::disabled);
    const auto& z1 = config.ajp13_workers()[lb.members[0].worker];
    assert_true(z1.ping_mode == (PingFlags{false, false, true}));
    const auto& solo = *config.find_ajp13("solo");
    assert_int_equal(solo.max_packet_size, 65536);
    assert_true(solo.socket_timeout == 1s);
    assert_int_equal(solo.recovery_options, 3);      // 259 & 0xFF
    assert_int_equal(solo.port, 0);                  // a host mod_jk cannot resolve disables it
    assert_string_equal(solo.host.c_str(), "[::1");
    std::size_t compat = 0;
    for (const auto& d : p.diagnostics.all()) compat += d.compat ? 1 : 0;
    assert_int_equal(compat, 12);  // one per odd line
    // the integer reading itself
    assert_int_equal(mod_jk_atoi("80a"), 80);
    assert_int_equal(mod_jk_atoi("x"), 0);
    assert_int_equal(mod_jk_atoi("2k"), 2048);
    assert_int_equal(mod_jk_atoi("10kb"), 10);
    assert_int_equal(mod_jk_atoi("-3"), -3);
    assert_int_equal(mod_jk_atoi("+7"), 7);
    assert_int_equal(mod_jk_atoi("99999999999"), 2147483647);
}

// Properties of the jni workers Tomcat 3 shipped: mod_jk accepts the names and ignores them.
void test_jni_era_properties(void**) {
    const auto p = expect_compat("worker.list=ajp13\nworker.ajp13.port=10109\n"
                                 "worker.inprocess.type=jni\nworker.inprocess.cmd_line=-config\n",
                                 "'worker.inprocess.cmd_line': Obsolete (jni workers, removed): "
                                 "ignored, as mod_jk ignores it", 4);
    assert_int_equal(p.config->ajp13_workers().size(), 1);  // the jni worker is never built
}

// What mod_jk refuses stays refused, JkStrict or not.
void test_refused_as_by_mod_jk(void**) {
    const char* refused[] = {
        "worker.list=u\nworker.u.lbfacto=2\n",                                   // unknown
        "worker.list=t\nworker.t.type=ajp15\n",                                  // unknown type
        "worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=a,b\n"
        "worker.a.route=x\nworker.b.route=x\n",                                  // one route
        "worker.list=n\nworker.n.reference=worker.nothing\n",                    // no template
        "worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=d,e,d\n",  // listed twice
        "worker.list=lb\nworker.lb.type=lb\n",                                   // no members
        "worker.list=lb\nworker.lb.type=lb\nworker.lb.balance_workers=lb2\n"
        "worker.lb2.type=lb\nworker.lb2.balance_workers=q\n",                    // lb as member
    };
    for (const char* text : refused) {
        for (const auto strictness : {Strictness::compatible, Strictness::strict}) {
            const auto p = parse_text(text, strictness);
            if (p.config) {
                std::fprintf(stderr, "accepted:\n%s", text);
                fail();
            }
        }
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_without_equals),
        cmocka_unit_test(test_overlong_line_in_pieces),
        cmocka_unit_test(test_lbfactor_zero),
        cmocka_unit_test(test_reference_to_other_prefix),
        cmocka_unit_test(test_global_looking_keys),
        cmocka_unit_test(test_maintain_on_template),
        cmocka_unit_test(test_mounts_to_workers_outside_the_list),
        cmocka_unit_test(test_invented_workers),
        cmocka_unit_test(test_values_read_as_mod_jk),
        cmocka_unit_test(test_jni_era_properties),
        cmocka_unit_test(test_refused_as_by_mod_jk),
    };
    return cmocka_run_group_tests_name("config_compat", tests, nullptr, nullptr);
}
