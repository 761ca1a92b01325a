// Rules against the worker model (lib/config/uri_checks): unknown workers, activation lists
// on load balancers and their members, lb-only extensions elsewhere.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/uri_checks.hpp"
#include "config/uri_sources.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using namespace ajpgate::config;

namespace {

// worker.list=ajp1,ajp2,lb; lb's members are ajp1, ajp2 and hidden, which is not listed.
WorkerCatalog sample_catalog() {
    static const std::set<std::string_view> kListed{"ajp1", "ajp2", "lb"};
    return WorkerCatalog{
        [](std::string_view w) { return kListed.count(w) > 0 || w == "hidden"; },
        [](std::string_view w) { return kListed.count(w) > 0; },
        [](std::string_view w) { return w == "lb"; },
        [](std::string_view lb, std::string_view m) {
            return lb == "lb" && (m == "ajp1" || m == "ajp2" || m == "hidden");
        },
    };
}

struct Expected {
    std::size_t line;
    Severity severity;
    std::string_view text;
};

const std::string kRules =
    "/a=ajp1\n"                                        // 1 fine
    "/b=nope\n"                                        // 2 unknown worker
    "!/c=nope\n"                                       // 3 exclusion, unknown worker
    "!/d=*\n"                                          // 4 fine
    "/e=lb;active=ajp1;stopped=ajp2\n"                 // 5 fine
    "/f=lb;disabled=ajp1,ajpX\n"                       // 6 not a member
    "/g=ajp1;active=ajp2\n"                            // 7 needs an lb
    "/h=ajp1;stateless=1\n"                            // 8 lb-only extension
    "/i=lb;sticky_ignore=1;reply_timeout=5\n"          // 9 fine
    "/j=ajp1;reply_timeout=5;use_server_errors=500\n"  // 10 fine
    "-/k=ghost\n"                                      // 11 disabled, still checked
    "/l=hidden\n";                                     // 12 an lb member, not in worker.list

// mod_jk starts with every one of these: compatibility warnings, errors under JkStrict On.
void check_rules(Strictness strictness) {
    Diagnostics parse_diags;
    const auto rules = parse_uriworkermap(kRules, "map", parse_diags);
    assert_true(parse_diags.all().empty());
    Diagnostics diags(strictness);
    check_rule_workers(rules, sample_catalog(), diags);
    const Severity compat =
        strictness == Strictness::strict ? Severity::error : Severity::warning;
    const std::vector<Expected> expected{
        {2, compat, "maps to worker 'nope', which workers.properties does not define: mod_jk "
                    "answers 500 for these URIs"},
        {3, Severity::warning, "exclusion names unknown worker 'nope'"},
        {6, compat, "'ajpX' in 'disabled' is not a member of load balancer 'lb': mod_jk ignores"},
        {7, compat, "rule extension 'active' needs a load balancer, but 'ajp1'"},
        {8, Severity::warning, "have no effect on 'ajp1'"},
        {11, compat, "maps to worker 'ghost', which workers.properties does not define"},
        {12, compat, "maps to worker 'hidden', which is not in worker.list (it is an lb member)"},
    };
    assert_int_equal(diags.all().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const Diagnostic& d = diags.all()[i];
        assert_int_equal(d.line, expected[i].line);
        assert_int_equal(static_cast<int>(d.severity), static_cast<int>(expected[i].severity));
        assert_true(d.file == "map");
        assert_true(d.message.find(expected[i].text) != std::string::npos);
        assert_true(d.compat == (expected[i].severity == compat && d.line != 3 && d.line != 8));
    }
}

void test_rule_worker_checks(void** /*state*/) { check_rules(Strictness::compatible); }

void test_rule_worker_checks_strict(void** /*state*/) { check_rules(Strictness::strict); }

void test_clean_rules_report_nothing(void** /*state*/) {
    Diagnostics diags;
    UriRuleSet set;
    assert_true(set.add_jk_mount("/app/*", "lb;active=ajp1,ajp2", "httpd.conf", 1, diags));
    assert_true(set.add_jk_unmount("/app/*.gif", "lb", "httpd.conf", 2, diags));
    assert_true(set.add_worker_mounts("ajp2", "/two/*", "workers.properties", 3, diags));
    check_rule_workers(set.rules(), sample_catalog(), diags);
    assert_true(diags.all().empty());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_worker_checks),
        cmocka_unit_test(test_rule_worker_checks_strict),
        cmocka_unit_test(test_clean_rules_report_nothing),
    };
    return cmocka_run_group_tests_name("config_uri_checks", tests, nullptr, nullptr);
}
