// describe_maps(): mod_jk's display_map for one server's map: the worker's rules and the
// exclusions for every worker ("*"), disabled ones too, in mod_jk's sorted order, with its
// spellings of match type and source and its defaults for absent extensions.
// (test_status_golden compares the same against the real module's answers.)
#include <string>
#include <vector>

#include "config/uri_map.hpp"
#include "status/status_maps.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate;
using status::MapEntry;

void add(std::vector<config::UriRule>& rules, const char* pattern, const char* worker, config::RuleSource source,
         bool unmount = false) {
    config::Diagnostics diags;
    assert_true(config::parse_rule(pattern, worker, config::RuleOrigin{source, "x", 1}, unmount, diags, rules));
}

config::UriMap sample_map() {
    using S = config::RuleSource;
    std::vector<config::UriRule> fixed;
    add(fixed, "/app/*", "lb", S::jk_mount);
    add(fixed, "/app/*", "other", S::jk_mount);
    add(fixed, "/app/static/*", "lb", S::jk_mount, true);
    add(fixed, "/a/b/c", "lb", S::worker_mount);
    add(fixed, "/zz/*", "lb", S::jk_mount);
    add(fixed, "/yy/*", "lb", S::jk_mount);
    std::vector<config::UriRule> file;
    add(file, "/app/*", "lb;reply_timeout=0;sticky_ignore=1;fail_on_status=500, -503 ,404;active=n1, n2;stopped=n3",
        S::uriworkermap);
    add(file, "-/off/*", "lb", S::uriworkermap);
    add(file, "-!/both/*", "lb", S::uriworkermap);
    add(file, "!/*.gif", "*", S::uriworkermap);
    add(file, "!/*.css", "other", S::uriworkermap);
    config::Diagnostics diags;
    return config::UriMap::build(std::move(fixed), std::move(file), diags);
}

void test_order_and_spellings(void**) {
    const std::vector<MapEntry> maps = status::describe_maps(sample_map(), "lb", "www:80");
    const char* const expected[][3] = {
        // 3 slashes (longest first), then 2 slashes: by length, then source, then given order.
        {"/app/static/*", "Unmount Wildchar", "JkMount"},
        {"/a/b/c", "Exact", "worker definition"},
        {"/both/*", "Disabled Unmount Wildchar", "uriworkermap"},
        {"/app/*", "Wildchar", "uriworkermap"},
        {"/off/*", "Disabled Wildchar", "uriworkermap"},
        {"/app/*", "Wildchar", "JkMount"},
        {"/zz/*", "Wildchar", "JkMount"},
        {"/yy/*", "Wildchar", "JkMount"},
        {"/*.gif", "Unmount Wildchar", "uriworkermap"},
    };
    assert_int_equal(maps.size(), sizeof expected / sizeof expected[0]);
    for (std::size_t i = 0; i < maps.size(); ++i) {
        assert_string_equal(maps[i].uri.c_str(), expected[i][0]);
        assert_string_equal(maps[i].type.c_str(), expected[i][1]);
        assert_string_equal(maps[i].source.c_str(), expected[i][2]);
        assert_string_equal(maps[i].server.c_str(), "www:80");
    }
}

void test_extensions(void**) {
    const std::vector<MapEntry> maps = status::describe_maps(sample_map(), "lb", "");
    const MapEntry& plain = maps[5];  // JkMount /app/*
    assert_int_equal(plain.reply_timeout, -1);
    assert_int_equal(plain.sticky_ignore, 0);
    assert_int_equal(plain.stateless, 0);
    assert_int_equal(plain.use_server_errors, 0);
    assert_false(plain.fail_on_status.has_value());
    assert_false(plain.active.has_value());
    const MapEntry& extended = maps[3];  // uriworkermap /app/*
    assert_int_equal(extended.reply_timeout, 0);
    assert_int_equal(extended.sticky_ignore, 1);
    assert_string_equal(extended.fail_on_status->c_str(), "500,-503,404");
    assert_string_equal(extended.active->c_str(), "n1,n2");
    assert_false(extended.disabled.has_value());
    assert_string_equal(extended.stopped->c_str(), "n3");
}

void test_other_workers(void**) {
    const std::vector<MapEntry> other = status::describe_maps(sample_map(), "other", "");
    assert_int_equal(other.size(), 3);  // its /app/*, its !/*.css and the "*" exclusion
    assert_string_equal(other[0].uri.c_str(), "/app/*");
    assert_string_equal(other[1].uri.c_str(), "/*.gif");  // same keys: file order
    assert_string_equal(other[2].uri.c_str(), "/*.css");
    assert_int_equal(status::describe_maps(sample_map(), "nobody", "").size(), 1);
    assert_int_equal(status::describe_maps(config::UriMap(), "lb", "").size(), 0);
}

// "/x|/*" stands for /x and /x/*: the longer one first, as mod_jk lists it.
void test_pipe_rule(void**) {
    std::vector<config::UriRule> file;
    add(file, "/solo/api|/*", "solo", config::RuleSource::uriworkermap);
    config::Diagnostics diags;
    const auto maps = status::describe_maps(config::UriMap::build({}, std::move(file), diags), "solo", "");
    assert_int_equal(maps.size(), 2);
    assert_string_equal(maps[0].uri.c_str(), "/solo/api/*");
    assert_string_equal(maps[1].uri.c_str(), "/solo/api");
    assert_string_equal(maps[1].type.c_str(), "Exact");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_spellings),
        cmocka_unit_test(test_extensions),
        cmocka_unit_test(test_other_workers),
        cmocka_unit_test(test_pipe_rule),
    };
    return cmocka_run_group_tests_name("status_maps", tests, nullptr, nullptr);
}
