// lib/balancer session ids and routes: path parameter, Cookie headers, route split.
#include <string>
#include <string_view>
#include <vector>

#include "balancer/session_route.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate::balancer;

namespace {

std::string joined(const SessionIds& ids) {
    std::string out;
    for (const SessionId& id : ids) {
        if (!out.empty()) out += '|';
        out += std::string(id.id) + ">" + std::string(id.route);
    }
    return out;
}

void test_route_of(void**) {
    struct Case { const char* id; const char* route; };
    const Case cases[] = {
        {"abc.node1", "node1"}, {"abc.node1.dc1", "node1.dc1"}, {"abc", ""}, {"", ""},
        {".node1", "node1"}, {"abc.", ""}, {"A1B2C3D4E5F6.was2", "was2"},
    };
    for (const auto& c : cases) {
        if (route_of(c.id) != c.route) fail_msg("route_of(%s)", c.id);
    }
}

void test_path_parameter(void**) {
    struct Case { const char* uri; const char* param; const char* expected; };
    const Case cases[] = {
        {"/app;jsessionid=abc.node1", ";jsessionid", "abc.node1"},
        {"/app;jsessionid=abc.node1?x=1", ";jsessionid", "abc.node1"},
        {"/app;jsessionid=abc.node1;foo=bar", ";jsessionid", "abc.node1"},
        {"/app;jsessionid=abc.node1/more", ";jsessionid", "abc.node1"},
        {"/a;jsessionid=abc.n1/b;x=1", ";jsessionid", "abc.n1"},       // any segment
        {"/a;x=1/b;jsessionid=abc.n2", ";jsessionid", "abc.n2"},
        {"/app;foo;jsessionid=a.b", ";jsessionid", "a.b"},
        {"/app;jsessionid=abc.node1", "jsessionid", "abc.node1"},      // configured without ';'
        {"/app;jsessionidx=abc.n1", ";jsessionid", ""},
        {"/app?;jsessionid=abc.n1", ";jsessionid", ""},                // in the query: not a path parameter
        {"/app#;jsessionid=abc.n1", ";jsessionid", ""},
        {"/app;JSESSIONID=abc.n1", ";jsessionid", ""},                 // case-sensitive, as mod_jk
        {"/app;jsessionid=", ";jsessionid", ""},
        {"/app;jsessionid", ";jsessionid", ""},
        {"/appjsessionid=abc.n1", ";jsessionid", ""},
        {"", ";jsessionid", ""},
        {"/app;jsessionid=abc.n1", "", ""},
        {"/app;mysess=abc.n9?q", ";mysess", "abc.n9"},
    };
    for (const auto& c : cases) {
        if (session_from_path(c.uri, c.param) != c.expected) fail_msg("session_from_path(%s, %s)", c.uri, c.param);
    }
}

void test_cookie_header(void**) {
    struct Case { const char* header; const char* expected; };
    const Case cases[] = {
        {"JSESSIONID=abc.node1", "abc.node1>node1"},
        {"a=1; JSESSIONID=abc.node1; b=2", "abc.node1>node1"},
        {"a=1;JSESSIONID=abc.node1", "abc.node1>node1"},
        {"a=1,JSESSIONID=x.n2", "x.n2>n2"},
        {"a=1,JSESSIONID=x.n2,b=3", "x.n2>n2"},
        {"\tJSESSIONID=x.n2", "x.n2>n2"},
        {"XJSESSIONID=abc.n1", ""},
        {"JSESSIONIDX=abc.n1", ""},
        {"foo=JSESSIONID=abc.n1", ""},
        {"JSESSIONID = abc.n1 ", "abc.n1>n1"},
        {"JSESSIONID=\"abc.n1\"", "abc.n1>n1"},
        {"JSESSIONID=\"abc.n1\"; x=1", "abc.n1>n1"},
        {"JSESSIONID=\"", "\">"},
        {"JSESSIONID=abc.n1; JSESSIONID=def.n2", "abc.n1>n1|def.n2>n2"},
        {"JSESSIONID=abc; JSESSIONID=def.n2", "abc>|def.n2>n2"},
        {"JSESSIONID=", ""},
        {"JSESSIONID=;JSESSIONID=x.y", "x.y>y"},
        {"jsessionid=abc.n1", ""},
        {"JSESSIONID", ""},
        {"", ""},
        {"XJSESSIONID=a.b; JSESSIONID=c.d", "c.d>d"},
    };
    for (const auto& c : cases) {
        SessionIds ids;
        sessions_from_cookie_header(c.header, "JSESSIONID", ids);
        if (joined(ids) != c.expected) fail_msg("cookie [%s] gave [%s]", c.header, joined(ids).c_str());
    }
}

void test_path_before_cookies_in_order(void**) {
    const std::string_view headers[] = {"a=1; JSESSIONID=c1.n2", "JSESSIONID=c2.n3, JSESSIONID=c3"};
    SessionIds ids = find_session_ids("/app/page;jsessionid=p.n1?q=1", headers, {});
    assert_string_equal(joined(ids).c_str(), "p.n1>n1|c1.n2>n2|c2.n3>n3|c3>");
    assert_true(ids.has_session());

    ids = find_session_ids("/app/page", headers, {});
    assert_string_equal(joined(ids).c_str(), "c1.n2>n2|c2.n3>n3|c3>");

    ids = find_session_ids("/app/page", {}, {});
    assert_true(ids.empty());
    assert_false(ids.has_session());

    const std::string_view custom[] = {"JSESSIONID=j.x; MYSESS=m.y"};
    ids = find_session_ids("/p;mysess=u.z", custom, SessionNames{"MYSESS", ";mysess"});
    assert_string_equal(joined(ids).c_str(), "u.z>z|m.y>y");
}

void test_capacity(void**) {
    std::string header;
    for (int i = 0; i < 12; ++i) header += "JSESSIONID=s" + std::to_string(i) + ".r" + std::to_string(i) + "; ";
    const std::string_view headers[] = {header};
    const SessionIds ids = find_session_ids("/x;jsessionid=p.rp", headers, {});
    assert_int_equal(ids.size(), kMaxSessionIds);
    assert_true(ids[0].route == "rp");
    assert_true(ids[kMaxSessionIds - 1].route == "r6");
    SessionIds empty;
    assert_false(empty.add(""));
}

bool inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// Random text over the characters that matter: every id found is a non-empty view into the
// input without a delimiter, and its route is what route_of says.
void test_random_input_invariants(void**) {
    const char alphabet[] = ";=.,\" ?/#JSESSIONIDjsessionidx";
    std::uint32_t random = 99;
    const auto next = [&random](std::uint32_t bound) {
        random = random * 1103515245u + 12345u;
        return (random >> 16) % bound;
    };
    for (int round = 0; round < 20000; ++round) {
        std::string uri;
        std::string header;
        for (std::uint32_t i = next(40); i > 0; --i) uri += alphabet[next(sizeof alphabet - 1)];
        for (std::uint32_t i = next(60); i > 0; --i) header += alphabet[next(sizeof alphabet - 1)];
        if (next(4) == 0) uri += ";jsessionid=a.b";
        if (next(4) == 0) header += "; JSESSIONID=c.d";
        const std::string_view headers[] = {header};
        const SessionIds ids = find_session_ids(uri, headers, {});
        for (const SessionId& id : ids) {
            const bool from_uri = inside(id.id, uri);
            if (id.id.empty() || (!from_uri && !inside(id.id, header))) {
                fail_msg("bad view for [%s] [%s]", uri.c_str(), header.c_str());
            }
            if (id.id.find_first_of(from_uri ? ";/?#" : ";,") != std::string_view::npos) fail_msg("delimiter in id");
            if (id.route != route_of(id.id) || (!id.route.empty() && !inside(id.route, id.id))) fail_msg("route");
        }
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_of),
        cmocka_unit_test(test_path_parameter),
        cmocka_unit_test(test_cookie_header),
        cmocka_unit_test(test_path_before_cookies_in_order),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_random_input_invariants),
    };
    return cmocka_run_group_tests_name("balancer_session", tests, nullptr, nullptr);
}
