// lib/status access rules of ajpgate's own: changes sent by another site's page are refused
// (CSRF) while scripts without browser headers keep working; a status worker is reached only
// on its mount's own path.
#include <string>

#include "status/status_access.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate;
using status::Command;

namespace {

status::BrowserHints from(std::optional<std::string> site, std::optional<std::string> origin) {
    return {std::move(site), std::move(origin), "http://127.0.0.1:8080"};
}

void test_cross_site_changes_refused(void**) {
    for (Command c : {Command::update, Command::reset, Command::recover, Command::drain}) {
        assert_false(status::refused_as_cross_site(c, from(std::nullopt, std::nullopt)));  // curl: no hints
        assert_true(status::refused_as_cross_site(c, from("cross-site", std::nullopt)));
        assert_true(status::refused_as_cross_site(c, from("same-site", std::nullopt)));
        assert_false(status::refused_as_cross_site(c, from("same-origin", std::nullopt)));
        assert_false(status::refused_as_cross_site(c, from("none", std::nullopt)));  // typed or bookmarked
        assert_true(status::refused_as_cross_site(c, from("same-origin", "http://evil.example")));
        assert_true(status::refused_as_cross_site(c, from(std::nullopt, "null")));
        assert_false(status::refused_as_cross_site(c, from(std::nullopt, "HTTP://127.0.0.1:8080/")));
        assert_true(status::refused_as_cross_site(c, from(std::nullopt, "https://127.0.0.1:8080")));
    }
    // Looking (and the edit form, which changes nothing) is never refused, whoever links here.
    for (Command c : {Command::list, Command::show, Command::edit, Command::version, Command::dump}) {
        assert_false(status::refused_as_cross_site(c, from("cross-site", "http://evil.example")));
    }
}

void test_origin_normalisation(void**) {
    assert_string_equal(status::normalise_origin("http://Example.org").c_str(), "http://example.org:80");
    assert_string_equal(status::normalise_origin("https://example.org").c_str(), "https://example.org:443");
    assert_string_equal(status::normalise_origin("http://[::1]").c_str(), "http://[::1]:80");
    assert_string_equal(status::normalise_origin("http://[::1]:8080").c_str(), "http://[::1]:8080");
    assert_string_equal(status::normalise_origin("null").c_str(), "null");
}

void test_status_paths(void**) {
    assert_true(status::reaches_status_worker("/jkstatus", "/jkstatus"));
    assert_false(status::reaches_status_worker("/jkstatus;x", "/jkstatus"));
    assert_false(status::reaches_status_worker("/jkstatus/..;/", "/"));
    assert_false(status::reaches_status_worker("/app/../jkstatus", "/jkstatus"));
    assert_false(status::reaches_status_worker("//jkstatus", "/jkstatus"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cross_site_changes_refused),
        cmocka_unit_test(test_origin_normalisation),
        cmocka_unit_test(test_status_paths),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
