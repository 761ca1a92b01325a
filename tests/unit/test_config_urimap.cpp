// URI map matcher (lib/config/uri_map, uri_pattern): wildcards, precedence, exclusions,
// disabled rules, normalise-then-match security cases, reload.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "config/uri_map.hpp"
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

// Counts heap allocations so the test can prove match() and map_request(buffer) make none.
// Every replaceable form is defined, so no allocation pairs our free() with a sanitizer's new
// (std::stable_sort, for one, asks for nothrow memory).
static std::size_t g_allocations = 0;

static void* counted_alloc(std::size_t size) noexcept {
    ++g_allocations;
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size) {
    if (void* p = counted_alloc(size)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    return operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

namespace {

struct R {
    std::string_view pattern;
    std::string_view worker;
    RuleSource source = RuleSource::jk_mount;
};

UriMap make_map(std::initializer_list<R> rules, Diagnostics& diags) {
    std::vector<UriRule> statics;
    std::vector<UriRule> files;
    std::size_t line = 0;
    for (const R& r : rules) {
        auto& into = r.source == RuleSource::uriworkermap ? files : statics;
        assert_true(
            parse_rule(r.pattern, r.worker, {r.source, "rules", ++line}, false, diags, into));
    }
    return UriMap::build(std::move(statics), std::move(files), diags);
}

UriMap make_map(std::initializer_list<R> rules) {
    Diagnostics diags;
    UriMap map = make_map(rules, diags);
    assert_false(diags.has_errors());
    return map;
}

// "-" stands for "no worker".
std::string_view worker_for(const UriMap& map, std::string_view path) {
    const UriRule* rule = map.match(path);
    return rule == nullptr ? std::string_view("-") : std::string_view(rule->worker);
}

struct Expect {
    std::string_view path;
    std::string_view worker;
};

void check_all(const UriMap& map, std::initializer_list<Expect> expectations) {
    for (const Expect& e : expectations) {
        const std::string_view got = worker_for(map, e.path);
        if (got != e.worker) {
            std::fprintf(stderr, "path '%.*s': got '%.*s', expected '%.*s'\n",
                         static_cast<int>(e.path.size()), e.path.data(),
                         static_cast<int>(got.size()), got.data(),
                         static_cast<int>(e.worker.size()), e.worker.data());
        }
        assert_true(got == e.worker);
    }
}

struct GlobCase {
    std::string_view pattern;
    std::string_view text;
    bool matches;
};

constexpr GlobCase kGlobs[] = {
    {"*", "", true},
    {"*", "/any/thing", true},
    {"/app/*", "/app/", true},
    {"/app/*", "/app", false},
    {"/app/*", "/app/x/y/z", true},
    {"/app/*", "/apps/x", false},
    {"/*.jsp", "/a/b/c.jsp", true},
    {"/*.jsp", "/c.jspx", false},
    {"/*.jsp", "c.jsp", false},
    {"*.jsp", "/x.jsp", true},
    {"/a?c", "/abc", true},
    {"/a?c", "/a/c", true},
    {"/a?c", "/ac", false},
    {"/a?c", "/abbc", false},
    {"/x?", "/x", false},
    {"?", "/", true},
    {"??", "/", false},
    {"/*?", "/", false},
    {"/*?", "/a", true},
    {"/a*b*c", "/aXbYc", true},
    {"/a*b*c", "/abc", true},
    {"/a*b*c", "/acb", false},
    {"/a*b*c", "/abcbc", true},
    {"/a*b*c", "/abcb", false},
    {"/**", "/", true},
    {"/*/x", "/a/b/x", true},
    {"/*/x", "/x", false},
    {"*/x/*", "/a/x/b", true},
    {"/APP/*", "/app/x", false},
    {"/app/*", "/APP/x", false},
    {"/a*", "/a*", true},
    {"/a?", "/a*", true},
    {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
    {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", true},
};

void test_wildcard_match(void** /*state*/) {
    for (const GlobCase& c : kGlobs) {
        const bool got = wildcard_match(c.pattern, c.text);
        if (got != c.matches) {
            std::fprintf(stderr, "pattern '%.*s' vs '%.*s': got %d\n",
                         static_cast<int>(c.pattern.size()), c.pattern.data(),
                         static_cast<int>(c.text.size()), c.text.data(), got);
        }
        assert_int_equal(got, c.matches);
    }
}

void test_exact_and_wildcard_shapes(void** /*state*/) {
    const UriMap map =
        make_map({{"/app", "exact"}, {"/app/*", "tree"}, {"/*.jsp", "jsp"}, {"/x|/*", "x"}});
    check_all(map, {{"/app", "exact"},
                    {"/app/", "tree"},
                    {"/app/a/b.jsp", "tree"},
                    {"/other/a.jsp", "jsp"},
                    {"/x", "x"},
                    {"/x/", "x"},
                    {"/x/y", "x"},
                    {"/xy", "-"},
                    {"/application", "-"},
                    {"/", "-"},
                    {"", "-"}});
}

void test_exact_before_wildcard(void** /*state*/) {
    // Same slash count: the exact rule wins even against a longer wildcard from a stronger
    // source (mod_jk would pick "/a**" here on length; see uri_map.hpp).
    const UriMap map = make_map({{"/a**", "wild", RuleSource::uriworkermap},
                                 {"/ab", "exact"},
                                 {"/app/*", "tree"},
                                 {"/app/index.jsp", "index"}});
    check_all(map, {{"/ab", "exact"},
                    {"/abc", "wild"},
                    {"/app/index.jsp", "index"},
                    {"/app/other.jsp", "tree"}});
}

void test_more_slashes_then_longer(void** /*state*/) {
    const UriMap map = make_map({{"*.jsp", "suffix"},
                                 {"/app*.jsp", "app-prefix"},
                                 {"/app/*", "app"},
                                 {"/app/sub*", "sub"},
                                 {"/app/sub/*", "subtree"}});
    check_all(map, {
                       {"/app/x.jsp", "app"},        // 2 slashes beat 1 and 0, though shorter
                       {"/appx.jsp", "app-prefix"},  // 1 slash beats 0
                       {"/y.jsp", "suffix"},
                       {"/app/subject", "sub"},  // same slashes: longer wins
                       {"/app/other", "app"},
                       {"/app/sub/x", "subtree"},
                   });
    // The precedence order itself: exact first, then slashes, length, source.
    const UriMap ordered =
        make_map({{"/a/*", "w"}, {"/a/b/*", "w"}, {"/a/bcd*", "w"}, {"/z", "w"}, {"/a/b", "w"}});
    std::vector<std::string> order;
    for (const UriRule* rule : ordered.mounts()) {
        order.push_back(rule->pattern);
    }
    const std::vector<std::string> expected{"/a/b", "/z", "/a/b/*", "/a/bcd*", "/a/*"};
    assert_true(order == expected);
}

void test_source_priority(void** /*state*/) {
    const UriMap all = make_map({{"/app/*", "from-mount", RuleSource::worker_mount},
                                 {"/app/*", "from-jkmount", RuleSource::jk_mount},
                                 {"/app/*", "from-file", RuleSource::uriworkermap}});
    check_all(all, {{"/app/x", "from-file"}});
    const UriMap no_file = make_map({{"/app/*", "from-mount", RuleSource::worker_mount},
                                     {"/app/*", "from-jkmount", RuleSource::jk_mount}});
    check_all(no_file, {{"/app/x", "from-jkmount"}});
    // Source only breaks ties: a longer mount rule still beats a shorter file rule.
    const UriMap tie = make_map({{"/app/*", "file", RuleSource::uriworkermap},
                                 {"/app/x*", "mount", RuleSource::worker_mount}});
    check_all(tie, {{"/app/xy", "mount"}, {"/app/y", "file"}});
}

void test_duplicate_in_one_source_warns(void** /*state*/) {
    Diagnostics diags;
    const UriMap map = make_map(
        {{"/app/*", "first"}, {"/other", "x"}, {"/app/*", "second"}, {"/app/*", "first"}}, diags);
    check_all(map, {{"/app/x", "first"}});
    assert_false(diags.has_errors());
    assert_int_equal(diags.all().size(), 1);
    assert_int_equal(diags.all()[0].line, 3);
    assert_non_null(std::strstr(diags.all()[0].message.c_str(), "shadowed"));
}

void test_exclusions(void** /*state*/) {
    const UriMap map = make_map({{"/app/*", "w1"},
                                 {"!/app/*.gif", "w1"},
                                 {"!/*.png", "w2"},
                                 {"/*", "w2"},
                                 {"!/static/*", "*"},
                                 {"!/app/private/*", "*"}});
    check_all(map, {
                       {"/app/x.jsp", "w1"},
                       {"/app/x.gif", "-"},   // same worker: excluded
                       {"/app/x.png", "w1"},  // exclusion of another worker: no effect
                       {"/x.png", "-"},       // ...but it does exclude w2's own matches
                       {"/x.gif", "w2"},
                       {"/static/a.css", "-"},  // '*' excludes for every worker
                       {"/app/private/k", "-"},
                   });
    // A cancelled match does not fall back to the next rule (mod_jk semantics): "/*" would
    // otherwise take /app/x.gif.
    check_all(map, {{"/app/y.gif", "-"}});
}

void test_disabled_rules(void** /*state*/) {
    const UriMap map = make_map({{"-/app/*", "off"},
                                 {"/app/x*", "on"},
                                 {"-/app/xyz", "off"},
                                 {"/b/*", "b"},
                                 {"-!/b/*.gif", "b"},
                                 {"!-/b/*.png", "b"}});
    check_all(map, {{"/app/y", "-"}, {"/app/xyz", "on"}, {"/b/a.gif", "b"}, {"/b/a.png", "b"}});
    assert_int_equal(map.mounts().size(), 2);
    assert_int_equal(map.exclusions().size(), 0);
    assert_int_equal(map.static_rules().size(), 6);  // disabled rules are kept for display
}

void test_jk_unmount(void** /*state*/) {
    Diagnostics diags;
    UriRuleSet set;
    assert_true(set.add_jk_mount("/app/*", "w1", "httpd.conf", 10, diags));
    assert_true(set.add_jk_mount("/other/*", "w2", "httpd.conf", 11, diags));
    assert_true(set.add_jk_unmount("/app/*.gif", "w1", "httpd.conf", 12, diags));
    assert_true(set.add_jk_unmount("/other/*.gif", "w1", "httpd.conf", 13, diags));
    assert_true(set.add_jk_unmount("/*.ico", "*", "httpd.conf", 14, diags));
    const UriMap map = UriMap::build(set.take(), {}, diags);
    assert_false(diags.has_errors());
    check_all(map, {{"/app/a.gif", "-"},
                    {"/app/a.jsp", "w1"},
                    {"/other/a.gif", "w2"},
                    {"/other/favicon.ico", "-"},
                    {"/app/favicon.ico", "-"}});
}

void test_map_request_security(void** /*state*/) {
    const UriMap map = make_map({{"/app/*", "app"}, {"/app", "app"}, {"/manager", "mgr"}});
    struct Case {
        std::string_view raw;
        NormalizeError error;
        std::string_view path;
        std::string_view worker;
    };
    constexpr NormalizeError ok = NormalizeError::none;
    const Case cases[] = {
        {"/app/x", ok, "/app/x", "app"},
        {"/app/../manager/x", ok, "/manager/x", "-"},
        {"/app/..;/manager/html", ok, "/manager/html", "-"},
        {"/app;x=y/..;/manager", ok, "/manager", "mgr"},
        {"/app/x/../../manager", ok, "/manager", "mgr"},
        {"/app;jsessionid=1.n1", ok, "/app", "app"},
        {"/app/x;jsessionid=1.n1", ok, "/app/x", "app"},
        {"//app//x", ok, "/app/x", "app"},
        {"/app/.", ok, "/app/", "app"},
        {"/app/x/..", ok, "/app/", "app"},
        {"/other/../app/y", ok, "/app/y", "app"},
        {"/app/%2e%2e/manager", ok, "/app/%2e%2e/manager", "app"},
        {"/..;/app/x", NormalizeError::escapes_root, "", "-"},
        {"/app/../../app/x", NormalizeError::escapes_root, "", "-"},
        {"app/x", NormalizeError::not_absolute, "", "-"},
    };
    for (const Case& c : cases) {
        std::string storage;
        const MapResult result = map.map_request(c.raw, storage);
        assert_int_equal(static_cast<int>(result.error), static_cast<int>(c.error));
        assert_true(result.path == c.path);
        const std::string_view worker =
            result.rule == nullptr ? std::string_view("-") : std::string_view(result.rule->worker);
        if (worker != c.worker) {
            std::fprintf(stderr, "raw '%.*s': got worker '%.*s'\n", static_cast<int>(c.raw.size()),
                         c.raw.data(), static_cast<int>(worker.size()), worker.data());
        }
        assert_true(worker == c.worker);
    }
}

void test_no_allocation_on_request(void** /*state*/) {
    const UriMap map = make_map({{"/app/*", "app"},
                                 {"/app/exact", "app"},
                                 {"*.jsp", "jsp"},
                                 {"!/app/*.gif", "app"},
                                 {"!/*.ico", "*"}});
    char buffer[64];
    const std::size_t before = g_allocations;
    const UriRule* r1 = map.match("/app/x.jsp");
    const UriRule* r2 = map.match("/app/x.gif");
    const UriRule* r3 = map.match("/nothing");
    const MapResult r4 = map.map_request("/x/..;/app/exact;a=b", std::span<char>(buffer));
    assert_int_equal(g_allocations, before);
    assert_non_null(r1);
    assert_null(r2);
    assert_null(r3);
    assert_true(r4.path == "/app/exact");
    assert_non_null(r4.rule);
    assert_true(r4.rule->pattern == "/app/exact");
    // A buffer shorter than the input is refused, not overrun.
    const MapResult r5 = map.map_request("/app/x/y", std::span<char>(buffer, 4));
    assert_int_equal(static_cast<int>(r5.error),
                     static_cast<int>(NormalizeError::buffer_too_small));
    assert_null(r5.rule);
}

void test_reload_file_rules(void** /*state*/) {
    Diagnostics diags;
    UriRuleSet statics;
    assert_true(statics.add_jk_mount("/app/*", "static", "httpd.conf", 1, diags));
    const std::vector<UriRule> file_v1 = parse_uriworkermap("/app/x*=file1\n", "map", diags);
    const UriMap v1 = UriMap::build(statics.take(), file_v1, diags);
    const std::vector<UriRule> file_v2 =
        parse_uriworkermap("/other/*=file2\n-/app/*=static\n", "map", diags);
    const UriMap v2 = v1.with_file_rules(file_v2, diags);
    assert_false(diags.has_errors());
    check_all(v1, {{"/app/xy", "file1"}, {"/other/a", "-"}});
    check_all(v2, {{"/app/xy", "static"}, {"/other/a", "file2"}});
    assert_ptr_equal(&v1.static_rules(), &v2.static_rules());  // shared, not copied
    assert_int_equal(v2.file_rules().size(), 2);
    // A copy of a map keeps working after the original goes away.
    const UriMap copy = [&] {
        const UriMap temp = v2.with_file_rules({}, diags);
        return temp;
    }();
    check_all(copy, {{"/app/xy", "static"}, {"/other/a", "-"}});
    check_all(UriMap(), {{"/", "-"}, {"/app", "-"}});
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wildcard_match),
        cmocka_unit_test(test_exact_and_wildcard_shapes),
        cmocka_unit_test(test_exact_before_wildcard),
        cmocka_unit_test(test_more_slashes_then_longer),
        cmocka_unit_test(test_source_priority),
        cmocka_unit_test(test_duplicate_in_one_source_warns),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_disabled_rules),
        cmocka_unit_test(test_jk_unmount),
        cmocka_unit_test(test_map_request_security),
        cmocka_unit_test(test_no_allocation_on_request),
        cmocka_unit_test(test_reload_file_rules),
    };
    return cmocka_run_group_tests_name("config_urimap", tests, nullptr, nullptr);
}
