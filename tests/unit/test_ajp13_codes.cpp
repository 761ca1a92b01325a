// Unit tests of the ajp13 code tables (methods, header names, reason phrases) and of
// align_packet_size.
#include <optional>

#include "ajp13/codes.hpp"
#include "ajp13/constants.hpp"
#include "test_ajp13_support.hpp"  // last: it brings in cmocka.h

using namespace ajpgate::ajp13;
using namespace ajp13_test;

namespace {

void method_table(void**) {
    const char* names[] = {"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "PROPFIND", "PROPPATCH",
                           "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "ACL", "REPORT", "VERSION-CONTROL",
                           "CHECKIN", "CHECKOUT", "UNCHECKOUT", "SEARCH", "MKWORKSPACE", "UPDATE", "LABEL",
                           "MERGE", "BASELINE-CONTROL", "MKACTIVITY"};
    for (std::uint8_t code = 1; code <= 27; ++code) {
        assert_text(method_name(code), names[code - 1], "method_name");
        assert_true(method_code(names[code - 1]) == code);
    }
    // Methods are case-sensitive; anything else goes as a stored method (edge case 8).
    for (const char* stored : {"get", "PATCH", "CONNECT", "", "GET "}) assert_false(method_code(stored).has_value());
    for (const int code : {0, 28, 0x7F, 0xFE, 0xFF}) {
        assert_true(method_name(static_cast<std::uint8_t>(code)).empty());
    }
}

void request_header_table(void**) {
    const char* names[] = {"accept", "accept-charset", "accept-encoding", "accept-language", "authorization",
                           "connection", "content-type", "content-length", "cookie", "cookie2", "host",
                           "pragma", "referer", "user-agent"};
    for (std::uint16_t i = 0; i < 14; ++i) {
        const auto code = static_cast<std::uint16_t>(0xA001 + i);
        assert_text(request_header_name(code), names[i], "request_header_name");
        assert_true(request_header_code(names[i]) == code);
    }
    assert_true(request_header_code("HOST") == 0xA00B);
    assert_true(request_header_code("Content-Length") == 0xA008);
    assert_true(request_header_code("uSeR-aGeNt") == 0xA00E);
    for (const char* none : {"X-Trace", "", "hosts", "host ", "Set-Cookie"}) {
        assert_false(request_header_code(none).has_value());
    }
    for (const std::uint16_t code : {0xA000, 0xA00F, 0xA0FF, 0x0001, 0xFFFF}) {
        assert_true(request_header_name(code).empty());
    }
}

void response_header_table(void**) {
    const char* names[] = {"Content-Type", "Content-Language", "Content-Length", "Date", "Last-Modified",
                           "Location", "Set-Cookie", "Set-Cookie2", "Servlet-Engine", "Status",
                           "WWW-Authenticate"};
    for (std::uint16_t i = 0; i < 11; ++i) {
        const auto code = static_cast<std::uint16_t>(0xA001 + i);
        assert_text(response_header_name(code), names[i], "response_header_name");
        assert_true(response_header_code(names[i]) == code);
    }
    assert_true(response_header_code("content-type") == 0xA001);
    assert_true(response_header_code("www-authenticate") == 0xA00B);
    for (const char* none : {"Host", "X-Powered-By", "", "Content-Typ"}) {
        assert_false(response_header_code(none).has_value());
    }
    // Edge case 10: 0xA000 and codes above 0xA00B are not response headers.
    for (const std::uint16_t code : {0xA000, 0xA00C, 0xA00E, 0xA0FF}) {
        assert_true(response_header_name(code).empty());
    }
}

void reason_phrases(void**) {
    struct Case {
        std::uint16_t status;
        const char* phrase;
    };
    const Case cases[] = {
        {100, "Continue"}, {200, "OK"}, {204, "No Content"}, {206, "Partial Content"}, {301, "Moved Permanently"},
        {302, "Found"}, {304, "Not Modified"}, {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
        {404, "Not Found"}, {413, "Content Too Large"}, {500, "Internal Server Error"}, {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Gateway Timeout"}, {511, "Network Authentication Required"},
        {0, ""}, {99, ""}, {199, ""}, {299, ""}, {306, ""}, {512, ""}, {600, ""}, {65535, ""},
    };
    for (const Case& c : cases) assert_text(reason_phrase(c.status), c.phrase, "reason_phrase");
}

void align_packet_sizes(void**) {
    struct Case {
        std::size_t requested, aligned;
    };
    const Case cases[] = {
        {0, 8192},      {1, 8192},      {8191, 8192},   {8192, 8192},   {8193, 9216},   {9216, 9216},
        {9217, 10240},  {20000, 20480}, {65535, 65536}, {65536, 65536}, {65537, 65536}, {1000000, 65536},
    };
    for (const Case& c : cases) assert_int_equal(align_packet_size(c.requested), c.aligned);
    static_assert(align_packet_size(default_packet_size) == default_packet_size);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(method_table),
        cmocka_unit_test(request_header_table),
        cmocka_unit_test(response_header_table),
        cmocka_unit_test(reason_phrases),
        cmocka_unit_test(align_packet_sizes),
    };
    return cmocka_run_group_tests_name("ajp13_codes", tests, nullptr, nullptr);
}
