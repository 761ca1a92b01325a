// Unit tests of ajp-testd's session routing: finding JSESSIONID in cookies and path
// parameters, create/keep/rebind decisions (JvmRouteBinderValve's rule), the per-session
// counter, and the constant-time secret comparison.
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "testd/session_route.hpp"
#include "testd/text.hpp"

#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {  // cmocka.h wraps only part of its declarations in extern "C"
#include <cmocka.h>
}

using namespace ajpgate::testd;
using ajpgate::ajp13::HeaderField;

namespace {

void assert_optional(std::optional<std::string_view> got, const char* expected, const char* input) {
    if (expected == nullptr) {
        if (got) fail_msg("'%s': expected nothing, got '%s'", input, std::string(*got).c_str());
        return;
    }
    if (!got) fail_msg("'%s': expected '%s', got nothing", input, expected);
    assert_string_equal(std::string(*got).c_str(), expected);
}

void cookie_header_parsing(void**) {
    const struct {
        const char* header;
        const char* id;
    } cases[] = {
        {"JSESSIONID=ABC.was1", "ABC.was1"},
        {"a=1; JSESSIONID=ABC.was2; b=2", "ABC.was2"},
        {"a=1;JSESSIONID=X", "X"},
        {"  JSESSIONID = \"Q.was1\" ", "Q.was1"},  // quoted value
        {"XJSESSIONID=no; JSESSIONIDX=no", nullptr},
        {"jsessionid=lower", nullptr},              // cookie names are case-sensitive
        {"JSESSIONID=", nullptr},
        {"JSESSIONID=; JSESSIONID=second", "second"},
        {"JSESSIONID=first; JSESSIONID=second", "first"},
        {"", nullptr},
        {"JSESSIONID", nullptr},
        {"a=1, JSESSIONID=old.style", "old.style"},  // RFC 2965 comma separator
    };
    for (const auto& c : cases) assert_optional(find_session_cookie(c.header), c.id, c.header);
}

void path_parameter_parsing(void**) {
    const struct {
        const char* uri;
        const char* id;
    } cases[] = {
        {"/app/x;jsessionid=ABC.was1", "ABC.was1"},
        {"/app/x;jsessionid=ABC.was1;other=1", "ABC.was1"},
        {"/app;jsessionid=ABC.was2/x", "ABC.was2"},
        {"/app/x;jsessionid=", nullptr},
        {"/app/x", nullptr},
        {"/app/x;JSESSIONID=ABC", nullptr},
        {"", nullptr},
    };
    for (const auto& c : cases) assert_optional(find_session_path_param(c.uri), c.id, c.uri);
}

void cookie_wins_over_url(void**) {
    const std::vector<HeaderField> headers = {{"host", "h"}, {"Cookie", "a=1"}, {"cookie", "JSESSIONID=C.was1"}};
    assert_optional(incoming_session_id(headers, "/x;jsessionid=U.was2"), "C.was1", "cookie+url");
    const std::vector<HeaderField> no_session = {{"cookie", "a=1"}};
    assert_optional(incoming_session_id(no_session, "/x;jsessionid=U.was2"), "U.was2", "url only");
    assert_optional(incoming_session_id({}, "/x"), nullptr, "none");
    // A Cookie header with another name does not count.
    const std::vector<HeaderField> other = {{"X-Cookie", "JSESSIONID=no"}};
    assert_optional(incoming_session_id(other, "/x"), nullptr, "x-cookie");
}

void route_and_base(void**) {
    assert_string_equal(std::string(session_route("ABC.was1")).c_str(), "was1");
    assert_string_equal(std::string(session_route("ABC.was1.extra")).c_str(), "was1.extra");  // after the FIRST dot
    assert_string_equal(std::string(session_route("ABC")).c_str(), "");
    assert_string_equal(std::string(session_route("ABC.")).c_str(), "");
    assert_string_equal(std::string(session_base("ABC.was1.extra")).c_str(), "ABC");
    assert_string_equal(std::string(session_base("ABC")).c_str(), "ABC");
}

void decisions(void**) {
    const struct {
        const char* id_in;  // nullptr: no session
        SessionAction action;
        const char* id_out;
        bool set_cookie;
    } cases[] = {
        {nullptr, SessionAction::created, "FRESH.was1", true},
        {"ABC.was1", SessionAction::kept, "ABC.was1", false},
        {"ABC.was2", SessionAction::rebound, "ABC.was1", true},
        {"ABC", SessionAction::rebound, "ABC.was1", true},
        {"ABC.was1.x", SessionAction::rebound, "ABC.was1", true},
        {"ABC.WAS1", SessionAction::rebound, "ABC.was1", true},  // routes compare exactly
        {"ABC.", SessionAction::rebound, "ABC.was1", true},
    };
    for (const auto& c : cases) {
        const auto in = c.id_in ? std::optional<std::string_view>(c.id_in) : std::nullopt;
        const SessionDecision d = decide_session(in, "was1", "FRESH");
        assert_true(d.action == c.action);
        assert_string_equal(d.id_out.c_str(), c.id_out);
        assert_int_equal(d.set_cookie, c.set_cookie);
    }
    assert_string_equal(session_set_cookie("ABC.was1").c_str(), "JSESSIONID=ABC.was1; Path=/; HttpOnly");
}

void counter_counts_per_base(void**) {
    SessionCounter counter;
    assert_int_equal(counter.touch("A.was1"), 1);
    assert_int_equal(counter.touch("A.was1"), 2);
    assert_int_equal(counter.touch("A.was2"), 3);  // rebinding keeps the count
    assert_int_equal(counter.touch("B.was1"), 1);
    assert_int_equal(counter.touch("A"), 4);
    // Concurrent touches are all counted.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&counter] {
            for (int i = 0; i < 1000; ++i) counter.touch("C.x");
        });
    }
    for (auto& t : threads) t.join();
    assert_int_equal(counter.touch("C.y"), 4001);
}

void secret_comparison(void**) {
    assert_true(constant_time_equals("s3cr3t", "s3cr3t"));
    assert_true(constant_time_equals("", ""));
    assert_false(constant_time_equals("s3cr3t", "s3cr3T"));
    assert_false(constant_time_equals("s3cr3t", "s3cr3"));
    assert_false(constant_time_equals("s3cr3t", "s3cr3ts3cr3t"));  // repeats of the secret are not it
    assert_false(constant_time_equals("s3cr3t", ""));
    assert_false(constant_time_equals("", "x"));
    assert_true(iequals("Content-Length", "content-LENGTH"));
    assert_false(iequals("Content-Length", "Content-Lengt"));
    assert_string_equal(std::string(trim_blanks(" \t a b \t")).c_str(), "a b");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cookie_header_parsing),
        cmocka_unit_test(path_parameter_parsing),
        cmocka_unit_test(cookie_wins_over_url),
        cmocka_unit_test(route_and_base),
        cmocka_unit_test(decisions),
        cmocka_unit_test(counter_counts_per_base),
        cmocka_unit_test(secret_comparison),
    };
    return cmocka_run_group_tests_name("testd_session", tests, nullptr, nullptr);
}
