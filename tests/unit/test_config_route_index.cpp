// lib/config RouteIndex: finding an lb member by route gives what a first-match scan of the
// members gives, for routes that exist, routes that do not, duplicates (the first member
// wins), tables of every size from 1 to 300 members, and a table left over from other routes.
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/worker_model.hpp"

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

std::optional<std::size_t> scan(const std::vector<LbMember>& members, std::string_view route) {
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (members[i].route == route) return i;
    }
    return std::nullopt;
}

std::vector<LbMember> members_with(const std::vector<std::string>& routes) {
    std::vector<LbMember> out(routes.size());
    for (std::size_t i = 0; i < routes.size(); ++i) out[i].route = routes[i];
    return out;
}

// Short routes from a small alphabet: many share a length and a hash bucket, some repeat.
std::string random_route(std::mt19937& rng) {
    static const char alphabet[] = "was12.";
    std::string route;
    const std::size_t length = rng() % 4;  // the empty route too
    for (std::size_t i = 0; i < length; ++i) route += alphabet[rng() % (sizeof alphabet - 1)];
    return route;
}

void test_index_agrees_with_scan(void**) {
    std::mt19937 rng(15);
    std::size_t hits = 0, misses = 0;
    for (std::size_t n = 1; n <= 300; ++n) {
        std::vector<std::string> routes;
        for (std::size_t i = 0; i < n; ++i) routes.push_back(random_route(rng));
        const auto members = members_with(routes);
        RouteIndex index;
        index.rebuild(members);
        for (int q = 0; q < 40; ++q) {
            const std::string route = random_route(rng);
            const auto want = scan(members, route);
            assert_true(index.find(members, route) == want);
            want ? ++hits : ++misses;
        }
        for (const auto& route : routes) assert_true(index.find(members, route) == scan(members, route));
    }
    assert_true(hits > 1000);
    assert_true(misses > 100);
}

void test_named_routes_and_first_duplicate(void**) {
    std::vector<std::string> routes;
    for (int i = 1; i <= 64; ++i) routes.push_back("was" + std::to_string(i));
    routes.push_back("was7");  // a duplicate, after an edit: the first one keeps it
    const auto members = members_with(routes);
    RouteIndex index;
    index.rebuild(members);
    assert_true(index.find(members, "was64") == std::optional<std::size_t>(63));
    assert_true(index.find(members, "was7") == std::optional<std::size_t>(6));
    assert_false(index.find(members, "was65").has_value());
    assert_false(index.find(members, "was").has_value());
}

void test_stale_or_empty_table_is_still_right(void**) {
    auto members = members_with({"a", "b", "c"});
    RouteIndex index;
    assert_true(index.find(members, "c") == std::optional<std::size_t>(2));  // never built: scans
    index.rebuild(members);
    members[2].route = "z";  // an edit the table has not seen
    members.push_back(LbMember{});
    members[3].route = "c";
    assert_true(index.find(members, "z") == std::optional<std::size_t>(2));
    assert_true(index.find(members, "c") == std::optional<std::size_t>(3));
    index.rebuild(members);
    assert_true(index.find(members, "c") == std::optional<std::size_t>(3));
    index.rebuild({});
    assert_true(index.find(members, "b") == std::optional<std::size_t>(1));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_agrees_with_scan),
        cmocka_unit_test(test_named_routes_and_first_duplicate),
        cmocka_unit_test(test_stale_or_empty_table_is_still_right),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
