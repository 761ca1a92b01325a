// lib/status access decisions: user lists, read-only, and refusing changes sent by another
// site's page (CSRF) while scripts without browser headers keep working.
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
using status::Verdict;

namespace {

status::AccessRequest req(Command cmd) {
    status::AccessRequest r;
    r.cmd = cmd;
    r.own_origin = "http://127.0.0.1:8080";
    return r;
}

void test_users(void**) {
    config::StatusWorker s;
    auto r = req(Command::list);
    assert_true(status::decide_access(s, r).verdict == Verdict::allowed);  // no list: anyone
    s.user = {"admin", "Ops"};
    auto a = status::decide_access(s, r);
    assert_true(a.verdict == Verdict::denied_no_user);
    assert_string_equal(a.message.c_str(), "Access denied.");
    r.remote_user = "ops";
    assert_true(status::decide_access(s, r).verdict == Verdict::denied_user);
    s.user_case_insensitive = true;
    assert_true(status::decide_access(s, r).verdict == Verdict::allowed);
    r.remote_user = "admin";
    s.user_case_insensitive = false;
    assert_true(status::decide_access(s, r).verdict == Verdict::allowed);
}

void test_read_only(void**) {
    config::StatusWorker s;
    s.read_only = true;
    for (Command c : {Command::edit, Command::update, Command::reset, Command::recover}) {
        const auto a = status::decide_access(s, req(c));
        assert_true(a.verdict == Verdict::read_only);
        assert_string_equal(a.message.c_str(), "This command is not allowed in read only mode.");
    }
    for (Command c : {Command::list, Command::show, Command::version, Command::dump}) {
        const auto a = status::decide_access(s, req(c));
        assert_true(a.verdict == Verdict::allowed);
        assert_true(a.read_only);
    }
    s.read_only = false;
    auto r = req(Command::update);
    r.options = status::opt_read_only;  // the request itself asks for read-only
    assert_true(status::decide_access(s, r).verdict == Verdict::read_only);
}

void test_cross_site_changes_refused(void**) {
    config::StatusWorker s;
    auto r = req(Command::update);
    assert_true(status::decide_access(s, r).verdict == Verdict::allowed);  // curl: no browser headers
    r.sec_fetch_site = "cross-site";
    assert_true(status::decide_access(s, r).verdict == Verdict::cross_site);
    r.sec_fetch_site = "same-site";
    assert_true(status::decide_access(s, r).verdict == Verdict::cross_site);
    r.sec_fetch_site = "same-origin";
    assert_true(status::decide_access(s, r).verdict == Verdict::allowed);
    r.origin = "http://evil.example";
    assert_true(status::decide_access(s, r).verdict == Verdict::cross_site);
    r.origin = "null";
    assert_true(status::decide_access(s, r).verdict == Verdict::cross_site);
    r.origin = "HTTP://127.0.0.1:8080/";
    assert_true(status::decide_access(s, r).verdict == Verdict::allowed);
    r.origin = "https://127.0.0.1:8080";
    assert_true(status::decide_access(s, r).verdict == Verdict::cross_site);
    // Looking is never refused, whatever the page that links here.
    auto look = req(Command::list);
    look.sec_fetch_site = "cross-site";
    look.origin = "http://evil.example";
    assert_true(status::decide_access(s, look).verdict == Verdict::allowed);
    auto edit = req(Command::edit);  // shows a form, changes nothing
    edit.sec_fetch_site = "cross-site";
    assert_true(status::decide_access(s, edit).verdict == Verdict::allowed);
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
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_cross_site_changes_refused),
        cmocka_unit_test(test_origin_normalisation),
        cmocka_unit_test(test_status_paths),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
