// URI rule sources (lib/config/uri_sources): JkMount/JkUnMount/<Location>/mount directives and
// uriworkermap.properties text and files, with their diagnostics. The rule syntax itself:
// test_config_uri_rules.cpp.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <unistd.h>

#include "config/uri_sources.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

#include "test_config_uri_support.hpp"

using namespace ajpgate::config;
using namespace uri_rules_test;
using std::chrono::milliseconds;

namespace {

void test_directive_sources(void** /*state*/) {
    Diagnostics diags;
    UriRuleSet set;
    assert_true(set.add_jk_mount("/app/*", "lb;stateless=1", "httpd.conf", 10, diags));
    assert_true(set.add_jk_unmount("-/app/*.gif", "lb", "httpd.conf", 11, diags));
    assert_true(set.add_location_mount("/loc", "ajp1", false, "httpd.conf", 12, diags));
    assert_true(set.add_location_mount("/loc/img", "ajp1", true, "httpd.conf", 13, diags));
    assert_true(
        set.add_worker_mounts("ajp2", " /a/* /b|/*,/c\t*.do ", "workers.properties", 20, diags));
    assert_false(diags.has_errors());
    const auto& r = set.rules();
    assert_int_equal(r.size(), 9);
    assert_true(r[0].pattern == "/app/*" && !r[0].exclusion && r[0].extensions().stateless == true);
    assert_true(r[1].pattern == "/app/*.gif" && r[1].exclusion && r[1].disabled);
    assert_true(r[2].pattern == "/loc" && r[2].type == MatchType::exact && !r[2].exclusion);
    assert_true(r[3].pattern == "/loc/img" && r[3].exclusion);
    const char* mounts[] = {"/a/*", "/b", "/b/*", "/c", "*.do"};
    for (std::size_t i = 0; i < 5; ++i) {
        assert_true(r[4 + i].pattern == mounts[i]);
        assert_true(r[4 + i].worker == "ajp2");
        assert_int_equal(static_cast<int>(r[4 + i].origin.source),
                         static_cast<int>(RuleSource::worker_mount));
        assert_true(r[4 + i].origin.file == "workers.properties");
    }
    assert_int_equal(static_cast<int>(r[0].origin.source), static_cast<int>(RuleSource::jk_mount));
    assert_true(r[1].describe() == "-!/app/*.gif=lb (JkMount httpd.conf:11)");

    UriRuleSet vhost;
    vhost.append(set.rules());  // JkMountCopy
    assert_int_equal(vhost.rules().size(), 9);
    assert_true(vhost.take().size() == 9);
}

void test_directive_errors(void** /*state*/) {
    {
        Diagnostics diags;
        UriRuleSet set;
        assert_false(set.add_jk_unmount("!/app/*", "w", "httpd.conf", 4, diags));
        expect_one_error(diags, "httpd.conf", 4, "must not start with '!'");
    }
    {
        Diagnostics diags;
        UriRuleSet set;
        assert_false(set.add_location_mount("-x", "w", false, "httpd.conf", 5, diags));
        expect_one_error(diags, "httpd.conf", 5, "<Location> path starting with '/'");
        assert_true(set.rules().empty());
    }
    {
        Diagnostics diags;
        UriRuleSet set;
        // One bad pattern does not stop the others; the error names the property's line.
        assert_false(set.add_worker_mounts("w", "/ok/* bad /fine", "workers.properties", 8, diags));
        expect_one_error(diags, "workers.properties", 8, "'bad' must start with");
        assert_int_equal(set.rules().size(), 2);
    }
    {
        Diagnostics diags;
        UriRuleSet set;
        assert_true(set.add_worker_mounts("w", "  ,  ", "workers.properties", 8, diags));
        assert_true(set.rules().empty());
    }
}

void test_uriworkermap_text(void** /*state*/) {
    Diagnostics diags;
    const std::string text =
        "\xEF\xBB\xBF# sample\n"
        "/app/*=lb\r\n"
        "  /app|/*  =  ajp1 ;reply_timeout=500  # trailing comment\n"
        "\n"
        "   \t\n"
        "!/app/*.gif=lb\n"
        "-/old/*=ajp1\n"
        "/eq=w;session_cookie_path=/x";
    const auto rules = parse_uriworkermap(text, "uriworkermap.properties", diags);
    assert_true(diags.all().empty());
    assert_int_equal(rules.size(), 6);
    assert_true(rules[0].pattern == "/app/*" && rules[0].worker == "lb");
    assert_int_equal(rules[0].origin.line, 2);
    assert_true(rules[1].pattern == "/app" && rules[1].worker == "ajp1");
    assert_true(rules[2].pattern == "/app/*" &&
                rules[2].extensions().reply_timeout == milliseconds(500));
    assert_int_equal(rules[2].origin.line, 3);
    assert_true(rules[3].exclusion && rules[3].origin.line == 6);
    assert_true(rules[4].disabled && rules[4].origin.line == 7);
    assert_true(rules[5].extensions().session_cookie_path == std::string("/x"));
    assert_int_equal(static_cast<int>(rules[5].origin.source),
                     static_cast<int>(RuleSource::uriworkermap));
    assert_true(rules[5].origin.file == "uriworkermap.properties");
}

void test_uriworkermap_errors(void** /*state*/) {
    const std::string text =
        "/good/*=w\n"             // 1
        "/no-equals\n"            // 2
        "=w\n"                    // 3
        "/no-worker=  # c\n"      // 4
        "app/*=w\n"               // 5
        "/x=w;bogus=1\n"          // 6
        "/y=w;reply_timeout=x\n"  // 7
        "/also/good=w\n";         // 8
    // What mod_jk skips or ignores (2-6): compatibility warnings, errors under JkStrict On.
    for (const auto strictness : {Strictness::compatible, Strictness::strict}) {
        const bool strict = strictness == Strictness::strict;
        Diagnostics diags(strictness);
        const auto rules = parse_uriworkermap(text, "map.properties", diags);
        // /x=w keeps its rule without the extension mod_jk ignores, /y=w its reply_timeout as
        // mod_jk reads it (0); strict drops both lines
        assert_int_equal(rules.size(), strict ? 2 : 4);
        assert_true(rules.back().pattern == "/also/good" && rules.back().origin.line == 8);
        if (!strict) assert_true(rules[1].pattern == "/x" && rules[1].extensions().empty());
        const std::vector<std::tuple<std::size_t, std::string_view, bool>> expected{
            {2, "expected 'pattern=worker', got '/no-equals': skipped, as mod_jk skips it", true},
            {3, "missing pattern", true},
            {4, "missing worker", true},
            {5, "pattern 'app/*' does not start with '/': mod_jk ignores this rule", true},
            {6, "unknown rule extension 'bogus'", true},
            {7, "'reply_timeout'", true}};
        assert_int_equal(diags.all().size(), expected.size());
        assert_int_equal(diags.error_count(), strict ? 6 : 0);
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const auto& [line, text_part, compat] = expected[i];
            const Diagnostic& d = diags.all()[i];
            assert_int_equal(d.line, line);
            assert_true(contains(d.message, text_part));
            assert_true(d.compat == compat);
            const bool error = !compat || strict;
            assert_true(d.to_string().rfind("map.properties:" + std::to_string(line) +
                                                (error ? ": error: " : ": warning: "),
                                            0) == 0);
        }
    }
}

void test_uriworkermap_file(void** /*state*/) {
    char path[] = "/tmp/ajpg_urimap_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    {
        std::ofstream out(path);
        out << "/app/*=lb\n/bad\n";
    }
    Diagnostics diags(Strictness::strict);  // the skipped line is an error under JkStrict On
    const auto rules = read_uriworkermap_file(path, diags);
    assert_true(rules.has_value());
    assert_int_equal(rules->size(), 1);
    assert_true((*rules)[0].origin.file == path);
    expect_one_error(diags, path, 2, "expected 'pattern=worker'");
    Diagnostics lenient;  // and a warning by default
    assert_int_equal(read_uriworkermap_file(path, lenient)->size(), 1);
    assert_int_equal(lenient.error_count(), 0);
    assert_int_equal(lenient.all().size(), 1);
    std::remove(path);

    Diagnostics missing;
    assert_false(read_uriworkermap_file(path, missing).has_value());
    expect_one_error(missing, path, 0, "cannot open uriworkermap file");

    Diagnostics dir;
    assert_false(read_uriworkermap_file("/tmp", dir).has_value());
    expect_one_error(dir, "/tmp", 0, "uriworkermap file");

    Diagnostics empty_diags;
    const auto empty = parse_uriworkermap("", "e", empty_diags);
    assert_true(empty.empty() && empty_diags.all().empty());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directive_sources),
        cmocka_unit_test(test_directive_errors),
        cmocka_unit_test(test_uriworkermap_text),
        cmocka_unit_test(test_uriworkermap_errors),
        cmocka_unit_test(test_uriworkermap_file),
    };
    return cmocka_run_group_tests_name("config_uri_sources", tests, nullptr, nullptr);
}
