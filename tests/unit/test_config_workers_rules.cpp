// workers.properties rules across properties: reference inheritance,
// deprecated names, unknown names with hints, scope, and merged sources.
#include "test_config_workers_support.hpp"

#include <cstdio>
#include <string>

#include <unistd.h>

using namespace ajpgate::config;
using namespace std::chrono_literals;
using namespace test_support;

namespace {

void test_reference_inheritance(void**) {
    const auto p = parse_text(
        "worker.list=w1,w2\n"
        "worker.base.host=tomcat\nworker.base.port=8010\nworker.base.socket_keepalive=true\n"
        "worker.base.mount=/base/*\n"
        "worker.mid.reference=worker.base\nworker.mid.port=8011\nworker.mid.lbfactor=5\n"
        "worker.w1.reference=worker.base\nworker.w1.port=9000\n"
        "worker.w2.reference=worker.mid\nworker.w2.mount=/own/*\n");
    expect_clean(p);  // templates are not reported as unused
    const auto& config = *p.config;
    const auto& w1 = *config.find_ajp13("w1");
    assert_string_equal(w1.host.c_str(), "tomcat");
    assert_int_equal(w1.port, 9000);  // explicit wins
    assert_true(w1.socket_keepalive);
    const auto& w2 = *config.find_ajp13("w2");  // nested: w2 -> mid -> base
    assert_string_equal(w2.host.c_str(), "tomcat");
    assert_int_equal(w2.port, 8011);
    assert_int_equal(w2.lbfactor, 5);
    assert_true(w2.mount == (std::vector<std::string>{"/own/*"}));  // lists are not merged
    assert_string_equal(w2.route.c_str(), "w2");
    assert_null(config.find_ajp13("base"));
}

void test_reference_errors(void**) {
    const auto loop = parse_text("worker.list=a\nworker.a.reference=worker.b\n"
                                 "worker.b.reference=worker.c\nworker.c.reference=worker.a\n");
    expect_error(loop, "reference loop: a -> b -> c -> a", 4);
    expect_error(parse_text("worker.list=a\nworker.a.reference=worker.a\n"),
                 "reference loop: a -> a", 2);
    expect_error(parse_text("worker.list=a\nworker.a.reference=worker.nothere\n"),
                 "references worker.nothere, which has no properties", 2);
    // a reference names a key prefix (mod_jk): nothing is written 'b.<property>'
    expect_error(parse_text("worker.list=a\nworker.a.reference=b\nworker.b.port=1\n"),
                 "references 'b', but no property is written 'b.<property>' (mod_jk does not "
                 "start either)",
                 2);
    // 20 hops are allowed, 21 are not
    const auto chain = [](int hops) {
        std::string text = "worker.list=t0\n";
        for (int i = 0; i < hops; ++i) {
            text += "worker.t" + std::to_string(i) + ".reference=worker.t" +
                    std::to_string(i + 1) + "\n";
        }
        text += "worker.t" + std::to_string(hops) + ".port=4242\n";
        return text;
    };
    const auto twenty = parse_text(chain(20));
    expect_clean(twenty);
    assert_int_equal(twenty.config->find_ajp13("t0")->port, 4242);
    expect_error(parse_text(chain(21)), "references nest deeper than 20: t0 -> t1");
}

void test_reference_template_values_report_their_line(void**) {
    const auto p = expect_compat(
        "worker.list=w\nworker.tmpl.port=x\nworker.w.reference=worker.tmpl\n",
        "worker 'w' port (inherited from worker.tmpl): 'x' is not an integer", 2);
    assert_int_equal(p.config->find_ajp13("w")->port, 0);  // atoi("x"): the worker is stopped
}

void test_deprecated_names(void**) {
    const auto p = parse_text(
        "worker.list=lb,a\n"
        "worker.lb.type=lb\nworker.lb.balanced_workers=m1,m2\n"
        "worker.m1.cachesize=10\nworker.m1.cache_timeout=30\nworker.m1.jvm_route=r1\n"
        "worker.m1.disabled=true\n"
        "worker.m2.recycle_timeout=40\nworker.m2.stopped=1\nworker.m2.disabled=yes\n"
        "worker.a.disabled=false\nworker.a.local_worker=1\nworker.lb.local_worker_only=1\n");
    const auto& config = expect_config(p);
    const auto& lb = *config.find_lb("lb");
    assert_int_equal(lb.members.size(), 2);
    const auto& m1 = config.ajp13_workers()[lb.members[0].worker];
    assert_int_equal(*m1.connection_pool_size, 10);
    assert_true(m1.connection_pool_timeout == 30s);
    assert_string_equal(m1.route.c_str(), "r1");
    assert_true(m1.activation == Activation::disabled);
    const auto& m2 = config.ajp13_workers()[lb.members[1].worker];
    assert_true(m2.connection_pool_timeout == 40s);
    assert_true(m2.activation == Activation::stopped);  // stopped beats disabled
    assert_true(config.find_ajp13("a")->activation == Activation::active);
    expect_warning(p.diagnostics, "'balanced_workers' is deprecated: use 'balance_workers'", 3);
    expect_warning(p.diagnostics, "'cachesize' is deprecated: use 'connection_pool_size'", 4);
    expect_warning(p.diagnostics, "'cache_timeout' is deprecated", 5);
    expect_warning(p.diagnostics, "'jvm_route' is deprecated: use 'route'", 6);
    expect_warning(p.diagnostics, "'disabled' is deprecated: use 'activation'", 7);
    expect_warning(p.diagnostics, "'recycle_timeout' is deprecated", 8);
    expect_warning(p.diagnostics, "'stopped' is deprecated", 9);
    expect_warning(p.diagnostics, "'worker.a.local_worker' is deprecated and has no effect", 12);
    expect_warning(p.diagnostics, "local_worker_only' is deprecated and has no effect", 13);
}

void test_explicit_successor_wins(void**) {
    const auto p = parse_text(
        "worker.list=a,b\n"
        "worker.a.cachesize=10\nworker.a.connection_pool_size=20\n"
        "worker.b.activation=A\nworker.b.stopped=true\n");
    const auto& config = expect_config(p);
    assert_int_equal(*config.find_ajp13("a")->connection_pool_size, 20);
    assert_true(config.find_ajp13("b")->activation == Activation::active);
    expect_warning(p.diagnostics, "ignored: 'worker.a.connection_pool_size' is set", 2);
    expect_warning(p.diagnostics, "ignored: 'worker.b.activation' is set", 5);
    const auto perhaps = expect_compat("worker.list=a\nworker.a.disabled=perhaps\n",
                                       "'perhaps' is not a boolean (true/false, on/off, 1/0, "
                                       "yes/no); mod_jk reads it as false",
                                       2);
    assert_true(perhaps.config->find_ajp13("a")->activation == Activation::active);
}

void test_unknown_properties_with_hints(void**) {
    expect_error(parse_text("worker.list=w\nworker.w.lbfacter=2\n"),
                 "unknown property 'lbfacter' in 'worker.w.lbfacter': did you mean 'lbfactor'?", 2);
    expect_error(parse_text("worker.lsit=w\nworker.w.port=1\n"),
                 "unknown global property 'worker.lsit': did you mean 'list'?", 1);
    expect_error(parse_text("worker.list=w\nworker.w.qqqqqqqq=2\n"), "unknown property 'qqqqqqqq'",
                 2);
    const auto p = parse_text("worker.list=w\nworker.w.qqqqqqqq=2\n");
    assert_int_equal(count_diag(p.diagnostics, Severity::error, "did you mean"), 0);
    // mod_jk accepts a key that ends in a property name, and nothing reads these
    expect_compat("worker.list=w\nworker.w.list=a\n",
                  "'list' is a global property: mod_jk ignores 'worker.w.list'", 2);
    // As mod_jk, the worker is everything before the last '.': 'w.a' is a worker name, taken
    // with a warning like any name beyond letters, digits, '_' and '-'.
    const auto dotted = expect_compat("worker.list=w.a\nworker.w.a.port=1\n",
                                      "worker name 'w.a' is not in mod_jk's documented form", 2);
    assert_int_equal(dotted.config->find_ajp13("w.a")->port, 1);
    expect_error(parse_text("worker.list=w\nworker.w.a.prot=1\n"), "unknown property 'prot' in 'worker.w.a.prot'", 2);
    const auto at = expect_compat("worker.list=w@x\nworker.w@x.port=2\n", "worker name 'w@x'", 2);
    assert_int_equal(at.config->find_ajp13("w@x")->port, 2);
    expect_error(parse_text("worker.list=w\nworker..port=1\nworker.w.port=1\n"),
                 "'' in 'worker..port' is not a worker name ajpgate can take", 2);
    expect_error(parse_text("worker.list=w\nworker.a;b.port=1\nworker.w.port=1\n"),
                 "'a;b' in 'worker.a;b.port' is not a worker name ajpgate can take", 2);
    const std::string sixty(60, 'n');
    expect_clean(parse_text("worker.list=" + sixty + "\nworker." + sixty + ".port=1\n"));
    expect_compat("worker.list=" + sixty + "xyz\nworker." + sixty + "xyz.port=1\n", "is not in mod_jk's documented form", 2);
    expect_error(parse_text("worker.list=w\nworker." + sixty + "wxyz.port=1\nworker.w.port=1\n"),
                 "is not a worker name ajpgate can take", 2);
    // variables (keys outside worker.) are not validated
    expect_clean(parse_text("my.base=/x\nworker.list=w\nworker.w.port=1\n"));
}

void test_scope_warnings(void**) {
    const auto p = parse_text(
        "worker.list=lb,st\nworker.lb.type=lb\nworker.lb.balance_workers=m\nworker.m.port=1\n"
        "worker.lb.host=ignored\nworker.st.type=status\nworker.st.sticky_session=true\n"
        "worker.m.css=x.css\n");
    expect_config(p);
    expect_warning(p.diagnostics, "'host' has no effect on lb worker 'lb'", 5);
    expect_warning(p.diagnostics, "'sticky_session' has no effect on status worker 'st'", 7);
    expect_warning(p.diagnostics, "'css' has no effect on ajp13 worker 'm'", 8);
    assert_int_equal(p.diagnostics.all().size(), 3);
}

void test_status_worker_properties(void**) {
    const auto p = parse_text(
        "worker.list=st\nworker.st.type=status\nworker.st.read_only=yes\n"
        "worker.st.user=alice,bob\nworker.st.user=carol\nworker.st.user_case_insensitive=on\n"
        "worker.st.good=a.o\nworker.st.bad=s,e,d.e\nworker.st.css=/s.css\nworker.st.ns=-\n"
        "worker.st.mount=/jkstatus\n");
    expect_clean(p);
    const auto& s = p.config->status_workers().at(0);
    assert_true(s.read_only);
    assert_true(s.user == (std::vector<std::string>{"alice", "bob", "carol"}));
    assert_true(s.user_case_insensitive);
    assert_true(s.good == (std::vector<std::string>{"a.o"}));
    assert_int_equal(s.bad.size(), 3);
    assert_string_equal(s.css.c_str(), "/s.css");
    assert_string_equal(s.ns.c_str(), "-");
    assert_true(s.mount == (std::vector<std::string>{"/jkstatus"}));
    expect_error(parse_text("worker.list=st\nworker.st.type=status\nworker.st.good=a.q\n"),
                 "is not a rating", 3);
}

void test_list_values_concatenate_in_model(void**) {
    const auto p = parse_text(
        "worker.list=w\nworker.w.fail_on_status=500,-503\nworker.w.fail_on_status=404\n"
        "worker.w.mount=/a/* /b/*\nworker.w.mount=/c\n");
    expect_clean(p);
    const auto& w = p.config->ajp13_workers().at(0);
    assert_true(w.fail_on_status == (std::vector<int>{500, -503, 404}));
    assert_true(w.mount == (std::vector<std::string>{"/a/*", "/b/*", "/c"}));
    // a bad item is reported on its own line; mod_jk keeps it, but it never matches
    const auto bad = expect_compat("worker.list=w\nworker.w.fail_on_status=500\n"
                                   "worker.w.fail_on_status=1000,-503\n",
                                   "worker 'w' fail_on_status: 1000 is not an HTTP status code "
                                   "(100..599, '-' prefix allowed); mod_jk reads it as '-503'",
                                   3);
    assert_true(bad.config->find_ajp13("w")->fail_on_status == (std::vector<int>{500, -503}));
}

void test_directive_lines_merge_after_file(void**) {
    PropertySources sources;
    sources.sources.push_back(PropertySource::from_text(
        "/etc/apache2/workers.properties",
        "tomcat=tc.example\nworker.list=a\nworker.a.host=$(tomcat)\nworker.a.port=8009\n"));
    sources.sources.push_back(
        PropertySource::from_text("/etc/apache2/httpd.conf", "worker.a.port=8010", 42));
    sources.sources.push_back(PropertySource::from_text("JkWorkerProperty", "worker.list=b"));
    sources.sources.push_back(
        PropertySource::from_text("JkWorkerProperty", "worker.b.host=$(HOME)"));
    sources.process_env = [](std::string_view name) -> std::optional<std::string> {
        if (name == "HOME") return std::string("homehost");
        return std::nullopt;
    };
    const auto p = parse_sources(std::move(sources));
    const auto& config = expect_config(p);
    assert_string_equal(config.find_ajp13("a")->host.c_str(), "tc.example");
    assert_int_equal(config.find_ajp13("a")->port, 8010);
    assert_string_equal(config.find_ajp13("b")->host.c_str(), "homehost");
    assert_int_equal(config.mapped_workers().size(), 2);
    expect_warning(p.diagnostics, "overrides /etc/apache2/workers.properties:4", 42);
    assert_int_equal(p.diagnostics.all().size(), 1);
    assert_string_equal(p.diagnostics.all()[0].file.c_str(), "/etc/apache2/httpd.conf");
}

// mod_jk reads JkWorkerProperty lines before JkWorkersFile: the file's line wins, and its
// worker.list adds to theirs.
void test_file_after_directive_lines(void**) {
    char path[] = "/tmp/ajpg-order-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    const std::string file = "worker.list=a\nworker.a.port=8020\n";
    assert_int_equal(write(fd, file.data(), file.size()), static_cast<ssize_t>(file.size()));
    close(fd);
    auto sources = httpd_sources({PropertySource::from_text("httpd.conf:7 JkWorkerProperty",
                                                            "worker.a.port=8099"),
                                  PropertySource::from_text("httpd.conf:8 JkWorkerProperty",
                                                            "worker.list=st"),
                                  PropertySource::from_text("httpd.conf:9 JkWorkerProperty",
                                                            "worker.st.type=status")},
                                 std::string(path));
    const auto p = parse_sources(std::move(sources));
    std::remove(path);
    const auto& config = expect_config(p);
    assert_int_equal(config.find_ajp13("a")->port, 8020);
    assert_true(config.mapped_workers() == (std::vector<std::string>{"st", "a"}));
    expect_warning(p.diagnostics, "overrides httpd.conf:7 JkWorkerProperty:1", 2);
}

void test_diagnostics_accumulate_with_earlier_errors(void**) {
    // errors already present from another reader do not make a valid file fail
    Diagnostics diagnostics;
    diagnostics.error("uriworkermap.properties", 3, "something else");
    PropertySources sources;
    sources.sources.push_back(PropertySource::from_text("w", "worker.list=a\nworker.a.port=1\n"));
    const auto config = parse_workers(sources, diagnostics);
    assert_true(config.has_value());
    assert_int_equal(diagnostics.error_count(), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_inheritance),
        cmocka_unit_test(test_reference_errors),
        cmocka_unit_test(test_reference_template_values_report_their_line),
        cmocka_unit_test(test_deprecated_names),
        cmocka_unit_test(test_explicit_successor_wins),
        cmocka_unit_test(test_unknown_properties_with_hints),
        cmocka_unit_test(test_scope_warnings),
        cmocka_unit_test(test_status_worker_properties),
        cmocka_unit_test(test_list_values_concatenate_in_model),
        cmocka_unit_test(test_directive_lines_merge_after_file),
        cmocka_unit_test(test_file_after_directive_lines),
        cmocka_unit_test(test_diagnostics_accumulate_with_earlier_errors),
    };
    return cmocka_run_group_tests_name("config_workers_rules", tests, nullptr, nullptr);
}
