// Unit tests of ajp-testd's JSON writer: string escaping (control characters, quotes,
// backslash, valid and invalid UTF-8), structure and commas, and the echo body layout.
#include <string>
#include <string_view>

#include "ajp13/messages.hpp"
#include "log/json_writer.hpp"
#include "testd/request_json.hpp"

#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {  // cmocka.h wraps only part of its declarations in extern "C"
#include <cmocka.h>
}

using namespace ajpgate::log;
using namespace ajpgate::testd;
using namespace std::string_view_literals;

namespace {

struct EscapeCase {
    std::string_view input;
    const char* expected;  // including the quotes
};

void escapes_ascii(void**) {
    const EscapeCase cases[] = {
        {"", R"("")"},
        {"plain text/1.0", R"("plain text/1.0")"},
        {"say \"hi\"", R"("say \"hi\"")"},
        {"back\\slash", R"("back\\slash")"},
        {"/", R"("/")"},  // no need to escape the solidus
        {"\n\r\t\b\f", R"("\n\r\t\b\f")"},
        {"\x01", R"("\u0001")"},
        {"\x1f", R"("\u001f")"},
        {"a\0b"sv, R"("a\u0000b")"},
        {"\x7f", "\"\x7f\""},  // DEL is allowed in JSON strings
        {"\x0b", R"("\u000b")"},
    };
    for (const auto& c : cases) {
        std::string out;
        append_json_string(out, c.input);
        assert_string_equal(out.c_str(), c.expected);
    }
}

void keeps_valid_utf8(void**) {
    const std::string_view valid[] = {
        "\xc3\xa9",          // U+00E9
        "\xc2\x80",          // U+0080, smallest 2-byte
        "\xdf\xbf",          // U+07FF
        "\xe2\x82\xac",      // U+20AC
        "\xe0\xa0\x80",      // U+0800, smallest 3-byte
        "\xed\x9f\xbf",      // U+D7FF, just below the surrogates
        "\xef\xbf\xbf",      // U+FFFF
        "\xf0\x9f\x98\x80",  // U+1F600
        "\xf0\x90\x80\x80",  // U+10000, smallest 4-byte
        "\xf4\x8f\xbf\xbf",  // U+10FFFF, the largest
    };
    for (const auto text : valid) {
        std::string out;
        append_json_string(out, text);
        assert_string_equal(out.c_str(), ("\"" + std::string(text) + "\"").c_str());
    }
}

void escapes_invalid_utf8_bytes(void**) {
    const EscapeCase cases[] = {
        {"\x80", R"("\u0080")"},                                  // lone continuation
        {"\xff", R"("\u00ff")"},                                  // never valid
        {"\xfe", R"("\u00fe")"},
        {"\xc0\x80", R"("\u00c0\u0080")"},                        // overlong NUL
        {"\xc1\xbf", R"("\u00c1\u00bf")"},                        // overlong
        {"\xe0\x80\x80", R"("\u00e0\u0080\u0080")"},              // overlong 3-byte
        {"\xed\xa0\x80", R"("\u00ed\u00a0\u0080")"},              // surrogate U+D800
        {"\xf0\x80\x80\x80", R"("\u00f0\u0080\u0080\u0080")"},    // overlong 4-byte
        {"\xf4\x90\x80\x80", R"("\u00f4\u0090\u0080\u0080")"},    // above U+10FFFF
        {"\xf5\x80\x80\x80", R"("\u00f5\u0080\u0080\u0080")"},    // lead byte out of range
        {"\xe2\x82", R"("\u00e2\u0082")"},                        // truncated at the end
        {"\xe2\x82x", R"("\u00e2\u0082x")"},                      // cut by an ASCII byte
        {"a\xc3", R"("a\u00c3")"},
        {"\xc3\xa9\xc3", "\"\xc3\xa9\\u00c3\""},                  // valid then invalid
        {"\xc3\x28", R"("\u00c3(")"},                             // bad continuation byte
    };
    for (const auto& c : cases) {
        std::string out;
        append_json_string(out, c.input);
        assert_string_equal(out.c_str(), c.expected);
    }
}

void writer_places_commas(void**) {
    JsonWriter json;
    json.begin_object();
    json.key("a").value(1);
    json.key("b").begin_array().value("x").value(true).null();
    json.begin_object().end_object().begin_array().end_array().end_array();
    const std::optional<std::string_view> absent, present{"v"};
    json.key("c").begin_object().key("d").value(absent).key("e").value(present).end_object();
    json.key("n").value(std::int64_t{-5}).key("u").value(std::uint64_t{18446744073709551615ULL});
    json.key("f").value(false);
    json.end_object();
    assert_string_equal(json.str().c_str(), R"({"a":1,"b":["x",true,null,{},[]],"c":{"d":null,"e":"v"},)"
                                            R"("n":-5,"u":18446744073709551615,"f":false})");
}

void writer_top_level_values(void**) {
    JsonWriter array;
    array.begin_array().value("a\"").value(std::string("b")).end_array();
    assert_string_equal(array.str().c_str(), R"(["a\"","b"])");
    JsonWriter scalar;
    scalar.value("k\x01");
    assert_string_equal(scalar.take().c_str(), R"("k\u0001")");
}

void echo_body_layout(void**) {
    ajpgate::ajp13::DecodedForwardRequest r;
    r.method_code = 4;
    r.method = "POST";
    r.protocol = "HTTP/1.1";
    r.uri = "/app/\"x\"";
    r.remote_addr = "10.0.0.5";
    r.server_name = "www.example.com";
    r.server_port = 443;
    r.is_ssl = true;
    r.headers = {{"host", "www.example.com"}, {"X-Trace", "t\x01"}};
    r.query_string = "y=1";
    r.secret = "s3cr3t";
    r.ssl_key_size = 256;
    r.attributes = {{"AJP_REMOTE_PORT", "51000"}};
    r.attribute_order = {0x0C, 0x05, 0x0B, 0x0A};
    EchoContext context;
    context.body_length = 3;
    context.body_sha256 = "ab";
    context.connection = 7;
    context.request = 2;
    context.backend_name = "node1";
    context.route = "was1";
    context.session_out = "S.was1";
    context.session_count = 1;
    const std::string body = echo_body(r, context);
    assert_string_equal(
        body.c_str(),
        R"({"method":"POST","method_code":4,"uri":"/app/\"x\"","query":"y=1","protocol":"HTTP/1.1",)"
        R"("remote_addr":"10.0.0.5","remote_host":null,"server_name":"www.example.com","server_port":443,)"
        R"("is_ssl":true,"headers":[{"name":"host","value":"www.example.com"},{"name":"X-Trace","value":"t\u0001"}],)"
        R"("attributes":{"context":null,"servlet_path":null,"remote_user":null,"auth_type":null,"route":null,)"
        R"("ssl_cert":null,"ssl_cipher":null,"ssl_session":null,"ssl_key_size":256,"secret":"s3cr3t",)"
        R"("stored_method":null,"req_attributes":[{"name":"AJP_REMOTE_PORT","value":"51000"}],"order":[12,5,11,10]},)"
        R"("body_length":3,"body_sha256":"ab","conn":7,"request":2,"in_flight":0,"peak_in_flight":0,"backend":{"name":"node1","route":"was1"},)"
        R"("session":{"in":null,"out":"S.was1","count":1}})");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_ascii),
        cmocka_unit_test(keeps_valid_utf8),
        cmocka_unit_test(escapes_invalid_utf8_bytes),
        cmocka_unit_test(writer_places_commas),
        cmocka_unit_test(writer_top_level_values),
        cmocka_unit_test(echo_body_layout),
    };
    return cmocka_run_group_tests_name("testd_json", tests, nullptr, nullptr);
}
