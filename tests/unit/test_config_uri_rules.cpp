// URI rule syntax (lib/config/uri_pattern, uri_extensions): patterns and their modifiers and
// every rule extension, with their diagnostics. Where rules come from (JkMount, <Location>,
// uriworkermap.properties): test_config_uri_sources.cpp.
#include <algorithm>
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

struct PatternCase {
    std::string_view pattern;
    std::string_view first;  // expanded patterns; empty second = one rule
    std::string_view second;
    MatchType type;
    bool exclusion;
    bool disabled;
};

constexpr PatternCase kPatterns[] = {
    {"/app", "/app", "", MatchType::exact, false, false},
    {"/app/*", "/app/*", "", MatchType::wildcard, false, false},
    {"*.jsp", "*.jsp", "", MatchType::wildcard, false, false},
    {"?x", "?x", "", MatchType::wildcard, false, false},
    {"/a?c", "/a?c", "", MatchType::wildcard, false, false},
    {"/app|/*", "/app", "/app/*", MatchType::exact, false, false},
    {"/app|", "/app", "", MatchType::exact, false, false},
    {"!/app/*.gif", "/app/*.gif", "", MatchType::wildcard, true, false},
    {"-/app", "/app", "", MatchType::exact, false, true},
    {"-!/app/*", "/app/*", "", MatchType::wildcard, true, true},
    {"!-/app/*", "/app/*", "", MatchType::wildcard, true, true},
    {"!/x|/*", "/x", "/x/*", MatchType::exact, true, false},
};

void test_pattern_shapes(void** /*state*/) {
    for (const PatternCase& c : kPatterns) {
        Diagnostics diags;
        std::vector<UriRule> rules;
        assert_true(
            parse_rule(c.pattern, "w", {RuleSource::jk_mount, "f", 7}, false, diags, rules));
        assert_false(diags.has_errors());
        assert_int_equal(rules.size(), c.second.empty() ? 1 : 2);
        assert_true(rules[0].pattern == c.first);
        assert_int_equal(static_cast<int>(rules[0].type), static_cast<int>(c.type));
        if (!c.second.empty()) {
            assert_true(rules[1].pattern == c.second);
            assert_int_equal(static_cast<int>(rules[1].type),
                             static_cast<int>(MatchType::wildcard));
        }
        for (const UriRule& rule : rules) {
            assert_int_equal(rule.exclusion, c.exclusion);
            assert_int_equal(rule.disabled, c.disabled);
            assert_true(rule.worker == "w");
            assert_int_equal(rule.origin.line, 7);
            assert_int_equal(static_cast<int>(rule.origin.source),
                             static_cast<int>(RuleSource::jk_mount));
            assert_int_equal(rule.slashes, static_cast<std::size_t>(std::count(
                                               rule.pattern.begin(), rule.pattern.end(), '/')));
        }
    }
}

struct BadCase {
    std::string_view pattern;
    std::string_view worker;
    std::string_view message;
};

constexpr BadCase kBadPatterns[] = {
    {"app/*", "w", "must start with '/', '*' or '?'"},
    {"", "w", "must start with '/', '*' or '?'"},
    {"!", "w", "must start with '/', '*' or '?'"},
    {"-!", "w", "must start with '/', '*' or '?'"},
    {"|/*", "w", "must start with '/', '*' or '?'"},
    {"!!/app", "w", "repeated '!' or '-'"},
    {"--/app", "w", "repeated '!' or '-'"},
    {"/a|/b|/c", "w", "more than one '|'"},
    {"/app/*", "*", "only allowed on an exclusion"},
    {"/app/*", "", "bad worker name"},
    {"/app/*", "my worker", "bad worker name"},
    {"/app/*", ";reply_timeout=1", "bad worker name"},
};

void test_bad_patterns(void** /*state*/) {
    for (const BadCase& c : kBadPatterns) {
        Diagnostics diags;
        std::vector<UriRule> rules;
        assert_false(parse_rule(c.pattern, c.worker, {RuleSource::jk_mount, "map", 3}, false,
                                diags, rules));
        assert_true(rules.empty());
        expect_one_error(diags, "map", 3, c.message);
    }
    // A uriworkermap line whose pattern does not start with '/' mod_jk skips (JkMount and
    // worker.X.mount it refuses): skipped here too, an error only under JkStrict On.
    for (const BadCase& c : kBadPatterns) {
        if (!contains(std::string(c.message), "must start with")) continue;
        for (const auto strictness : {Strictness::compatible, Strictness::strict}) {
            Diagnostics diags(strictness);
            std::vector<UriRule> rules;
            const bool kept = parse_rule(c.pattern, c.worker, {RuleSource::uriworkermap, "map", 3},
                                         false, diags, rules);
            assert_true(kept && rules.empty());
            assert_int_equal(diags.all().size(), 1);
            assert_true(diags.all()[0].compat);
            assert_true(contains(diags.all()[0].message, "mod_jk ignores this rule"));
            assert_int_equal(diags.error_count(), strictness == Strictness::strict ? 1 : 0);
        }
    }
}

void test_never_matching_patterns_warn(void** /*state*/) {
    for (std::string_view p : {"/app;jsessionid=*", "/app//x", "/app/./x", "/a/../b", "/app/.",
                               "/app/..", "/.", "/x|//*"}) {
        Diagnostics diags;
        std::vector<UriRule> rules;
        assert_true(parse_rule(p, "w", {RuleSource::jk_mount, "f", 1}, false, diags, rules));
        assert_false(diags.has_errors());
        assert_int_equal(diags.all().size(), 1);
        assert_true(contains(diags.all()[0].message, "can never match"));
    }
    for (std::string_view p : {"/app/*.", "/a.b/..c", "/app/*/x", "/..x"}) {
        Diagnostics diags;
        std::vector<UriRule> rules;
        assert_true(parse_rule(p, "w", {RuleSource::jk_mount, "f", 1}, false, diags, rules));
        assert_true(diags.all().empty());
    }
}

void test_extensions_parse(void** /*state*/) {
    Diagnostics diags;
    const auto spec = parse_worker_spec(
        "lb;reply_timeout=30000;sticky_ignore=1;stateless=0;use_server_errors=400;"
        "active=n1,n2;disabled=n3;stopped=n4, n5;fail_on_status=500,-503,404;"
        "session_cookie=MYSESSION;session_path=mysession;set_session_cookie=1;"
        "session_cookie_path=/app",
        "f", 2, diags);
    assert_false(diags.has_errors());
    assert_true(spec.has_value());
    const RuleExtensions& e = spec->extensions;
    assert_true(spec->worker == "lb");
    assert_true(e.reply_timeout == milliseconds(30000));
    assert_true(e.sticky_ignore == true);
    assert_true(e.stateless == false);
    assert_true(e.use_server_errors == 400);
    assert_true(e.active == (std::vector<std::string>{"n1", "n2"}));
    assert_true(e.disabled == (std::vector<std::string>{"n3"}));
    assert_true(e.stopped == (std::vector<std::string>{"n4", "n5"}));
    assert_true(e.fail_on_status == (std::vector<int>{500, -503, 404}));
    assert_true(e.session_cookie == std::string("MYSESSION"));
    assert_true(e.session_path == std::string("mysession"));
    assert_true(e.set_session_cookie == true);
    assert_true(e.session_cookie_path == std::string("/app"));
    assert_false(e.empty());

    const auto plain = parse_worker_spec("  ajp1  ", "f", 2, diags);
    assert_true(plain.has_value());
    assert_true(plain->worker == "ajp1");
    assert_true(plain->extensions.empty());
    const auto zero = parse_worker_spec("w;reply_timeout=0", "f", 2, diags);
    assert_true(zero->extensions.reply_timeout == milliseconds(0));
    assert_false(diags.has_errors());
}

// mod_jk ignores these (with a warning): compatibility warnings, errors under JkStrict On.
constexpr BadCase kIgnoredExtensions[] = {
    {"", "w;bogus=1", "unknown rule extension 'bogus': ignored, as mod_jk ignores it"},
    {"", "w;Reply_Timeout=1", "unknown rule extension 'Reply_Timeout'"},
    {"", "w;", "empty rule extension"},
    {"", "w;;stateless=1", "empty rule extension"},
    {"", "w;reply_timeout", "needs a value ('reply_timeout=...'): mod_jk ignores it"},
};

// Values mod_jk reads with atoi (or takes as text): compatibility warnings too.
constexpr BadCase kBadExtensions[] = {
    {"", "w;reply_timeout=", "'reply_timeout'"},
    {"", "w;reply_timeout=-1", "'reply_timeout'"},
    {"", "w;reply_timeout=10s", "'reply_timeout'"},
    {"", "w;reply_timeout=+5", "'reply_timeout'"},
    {"", "w;reply_timeout=2147483648", "'reply_timeout'"},
    {"", "w;reply_timeout=99999999999999999999999", "'reply_timeout'"},
    {"", "w;sticky_ignore=true", "'sticky_ignore': expects 0 or 1"},
    {"", "w;stateless=2", "'stateless': expects 0 or 1"},
    {"", "w;set_session_cookie=", "'set_session_cookie'"},
    {"", "w;use_server_errors=99", "'use_server_errors'"},
    {"", "w;use_server_errors=1000", "'use_server_errors'"},
    {"", "w;use_server_errors=-500", "'use_server_errors'"},
    {"", "w;use_server_errors=abc", "'use_server_errors'"},
    {"", "w;active=", "'active'"},
    {"", "w;active=n1,,n2", "'active'"},
    {"", "w;disabled=n1,", "'disabled'"},
    {"", "w;stopped=a b", "'stopped'"},
    {"", "w;fail_on_status=", "'fail_on_status'"},
    {"", "w;fail_on_status=500,", "'fail_on_status'"},
    {"", "w;fail_on_status=5xx", "'fail_on_status'"},
    {"", "w;fail_on_status=--500", "'fail_on_status'"},
    {"", "w;fail_on_status=-", "'fail_on_status'"},
    {"", "w;fail_on_status=42", "'fail_on_status'"},
    {"", "w;session_cookie=", "'session_cookie'"},
    {"", "w;session_cookie=a,b", "'session_cookie'"},
    {"", "w;session_path=a=b", "'session_path'"},
    {"", "w;session_cookie_path=app", "'session_cookie_path'"},
    {"", "w;session_cookie_path=", "'session_cookie_path'"},
    {"", "w;active=n1,n2;stopped=n2", "member 'n2' is listed in both 'active' and 'stopped'"},
    {"", "w;disabled=x;stopped=x", "member 'x' is listed in both 'disabled' and 'stopped'"},
};

void test_extension_errors(void** /*state*/) {
    std::vector<BadCase> cases(std::begin(kIgnoredExtensions), std::end(kIgnoredExtensions));
    cases.insert(cases.end(), std::begin(kBadExtensions), std::end(kBadExtensions));
    for (const BadCase& c : cases) {
        Diagnostics strict(Strictness::strict);
        assert_false(parse_worker_spec(c.worker, "map", 9, strict).has_value());
        expect_one_error(strict, "map", 9, c.message);
        Diagnostics diags;
        const auto spec = parse_worker_spec(c.worker, "map", 9, diags);
        assert_true(spec.has_value() && spec->worker == "w");
        assert_int_equal(diags.all().size(), 1);
        assert_true(diags.all()[0].compat && diags.all()[0].severity == Severity::warning);
        assert_true(contains(diags.all()[0].message, c.message));
    }
}

// What mod_jk makes of those values, and so ajpgate.
void test_extension_values_read_like_mod_jk(void** /*state*/) {
    Diagnostics diags;
    auto spec = parse_worker_spec("w;reply_timeout=10s;sticky_ignore=true;stateless=2", "f", 1, diags);
    assert_true(spec->extensions.reply_timeout == milliseconds(10));
    assert_true(spec->extensions.sticky_ignore == false);  // atoi("true") is 0
    assert_true(spec->extensions.stateless == true);
    assert_true(contains(diags.all()[0].message, "mod_jk reads it as '10', and so does ajpgate"));
    spec = parse_worker_spec("w;fail_on_status=500, 5xx;active=a,,b;use_server_errors=abc", "f", 1, diags);
    assert_true(spec->extensions.fail_on_status == (std::vector<int>{500, 5}));
    assert_true(spec->extensions.active == (std::vector<std::string>{"a", "b"}));
    assert_false(spec->extensions.use_server_errors.has_value());  // 0: off
    spec = parse_worker_spec("w;session_cookie=a,b;session_cookie_path=app", "f", 1, diags);
    assert_false(spec->extensions.session_cookie.has_value());  // ignored: not a safe cookie name
    assert_false(spec->extensions.session_cookie_path.has_value());
    // mod_jk keeps the first of a repeated activation list, the last of a repeated number.
    spec = parse_worker_spec("w;active=a;active=b;reply_timeout=1;reply_timeout=2", "f", 1, diags);
    assert_true(spec->extensions.active == (std::vector<std::string>{"a"}));
    assert_true(spec->extensions.reply_timeout == milliseconds(2));
    assert_false(diags.has_errors());
}

// A name repeated in two activation lists is one message per pair of lists, not one per
// pair of occurrences (400 x 400 would be 160,000 messages from one line).
void test_activation_overlap_reports_each_name_once(void** /*state*/) {
    std::string active = "w;active=";
    std::string stopped = ";stopped=";
    for (int i = 0; i < 400; ++i) {
        active += "n1,";
        stopped += (i % 2 == 0) ? "n1," : "n2,";
    }
    Diagnostics diags;
    const auto spec = parse_worker_spec(active + "n2" + stopped + "n3;disabled=n2,n2", "f", 1, diags);
    assert_true(spec.has_value());
    std::vector<std::string> messages;
    for (const Diagnostic& d : diags.all()) messages.push_back(d.message);
    assert_int_equal(messages.size(), 4);
    assert_true(contains(messages[0], "member 'n2' is listed in both 'active' and 'disabled'"));
    assert_true(contains(messages[1], "member 'n1' is listed in both 'active' and 'stopped'"));
    assert_true(contains(messages[2], "member 'n2' is listed in both 'active' and 'stopped'"));
    assert_true(contains(messages[3], "member 'n2' is listed in both 'disabled' and 'stopped'"));
}

void test_extension_repeat_and_exclusion_warnings(void** /*state*/) {
    Diagnostics diags;
    const auto spec = parse_worker_spec("w;reply_timeout=1;reply_timeout=2", "f", 4, diags);
    assert_true(spec->extensions.reply_timeout == milliseconds(2));
    assert_false(diags.has_errors());
    assert_int_equal(diags.all().size(), 1);
    assert_true(contains(diags.all()[0].message, "given twice"));

    Diagnostics diags2;
    std::vector<UriRule> rules;
    assert_true(
        parse_rule("!/x/*", "w;stateless=1", {RuleSource::jk_mount, "f", 5}, false, diags2, rules));
    assert_int_equal(diags2.all().size(), 1);
    assert_true(contains(diags2.all()[0].message, "have no effect"));
    assert_true(rules[0].extensions().stateless == true);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_shapes),
        cmocka_unit_test(test_bad_patterns),
        cmocka_unit_test(test_never_matching_patterns_warn),
        cmocka_unit_test(test_extensions_parse),
        cmocka_unit_test(test_extension_errors),
        cmocka_unit_test(test_extension_values_read_like_mod_jk),
        cmocka_unit_test(test_extension_repeat_and_exclusion_warnings),
        cmocka_unit_test(test_activation_overlap_reports_each_name_once),
    };
    return cmocka_run_group_tests_name("config_uri_rules", tests, nullptr, nullptr);
}
