// Unit tests of the ajp13 code tables (methods, header names, reason phrases) and of
// align_packet_size.
#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ajp13/codes.hpp"
#include "ajp13/constants.hpp"
#include "test_ajp13_support.hpp"  // last: it brings in cmocka.h

using namespace ajpgate::ajp13;
using namespace ajp13_test;

namespace {

// Index i holds code 0xA001 + i, as in reference/ajp13.md.
constexpr std::array<std::string_view, 14> request_names = {
    "accept", "accept-charset", "accept-encoding", "accept-language", "authorization", "connection", "content-type",
    "content-length", "cookie", "cookie2", "host", "pragma", "referer", "user-agent"};
constexpr std::array<std::string_view, 11> response_names = {
    "Content-Type", "Content-Language", "Content-Length", "Date", "Last-Modified", "Location", "Set-Cookie",
    "Set-Cookie2", "Servlet-Engine", "Status", "WWW-Authenticate"};

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
    for (std::uint16_t i = 0; i < request_names.size(); ++i) {
        const auto code = static_cast<std::uint16_t>(0xA001 + i);
        assert_text(request_header_name(code), request_names[i], "request_header_name");
        assert_true(request_header_code(request_names[i]) == code);
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
    for (std::uint16_t i = 0; i < response_names.size(); ++i) {
        const auto code = static_cast<std::uint16_t>(0xA001 + i);
        assert_text(response_header_name(code), response_names[i], "response_header_name");
        assert_true(response_header_code(response_names[i]) == code);
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

// The specification of the header name lookups: a linear scan, ASCII case folded, nothing else.
template <std::size_t N>
std::optional<std::uint16_t> linear_scan(const std::array<std::string_view, N>& names, std::string_view name) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i].size() != name.size()) continue;
        if (std::equal(name.begin(), name.end(), names[i].begin(),
                       [&](char a, char b) { return lower(a) == lower(b); })) {
            return static_cast<std::uint16_t>(0xA001 + i);
        }
    }
    return std::nullopt;
}

// Every table name in several casings, with every byte value at every position (so every
// case of every letter, bytes with the high bit, and bytes 0x20 apart such as CR and '-'),
// prefixes, suffixes, extensions, empty, very long, and random strings over the names' letters.
std::vector<std::string> lookup_inputs() {
    std::vector<std::string> out = {"", "a", "Ho", "hos", std::string(4, '\0'), std::string(1000, 'a'),
                                    std::string(70000, 'X'), "content-type\0", "\xC8ost"};
    const auto add_variants = [&](std::string_view name) {
        std::string upper(name), lower(name), alternating(name);
        for (std::size_t i = 0; i < name.size(); ++i) {
            if (name[i] >= 'a' && name[i] <= 'z') upper[i] = static_cast<char>(name[i] - 32);
            if (name[i] >= 'A' && name[i] <= 'Z') lower[i] = static_cast<char>(name[i] + 32);
            alternating[i] = i % 2 ? upper[i] : lower[i];
        }
        out.insert(out.end(), {std::string(name), upper, lower, alternating, lower + lower});
        for (std::size_t k = 0; k < name.size(); ++k) {
            out.emplace_back(name.substr(0, k));
            out.emplace_back(name.substr(k + 1));
        }
        for (const char extra : {'s', '2', ' ', '\0', '-', '\xE1'}) {
            out.push_back(std::string(name) + extra);
            out.push_back(extra + std::string(name));
        }
        for (std::size_t pos = 0; pos < name.size(); ++pos) {
            for (int byte = 0; byte < 256; ++byte) {
                std::string changed(name);
                changed[pos] = static_cast<char>(byte);
                out.push_back(changed);
            }
        }
    };
    for (const std::string_view name : request_names) add_variants(name);
    for (const std::string_view name : response_names) add_variants(name);
    std::mt19937 random(20240611);
    const std::string_view letters = "aAcCdDeEgGhHkKnNoOsStTuUwW-2\r\x80\xC1\xE1 ";
    for (int i = 0; i < 20000; ++i) {
        std::string text(random() % 20, ' ');
        for (char& c : text) c = letters[random() % letters.size()];
        out.push_back(text);
    }
    return out;
}

void header_lookup_matches_linear_scan(void**) {
    std::size_t found = 0;
    for (const std::string& input : lookup_inputs()) {
        const bool same = request_header_code(input) == linear_scan(request_names, input) &&
                          response_header_code(input) == linear_scan(response_names, input);
        if (!same) print_error("lookup of \"%s\" (%zu bytes) differs from the scan\n", input.c_str(), input.size());
        assert_true(same);
        if (request_header_code(input) || response_header_code(input)) ++found;
    }
    assert_true(found > 100);  // the inputs do exercise the hits, not only the misses
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
        cmocka_unit_test(header_lookup_matches_linear_scan),
        cmocka_unit_test(reason_phrases),
        cmocka_unit_test(align_packet_sizes),
    };
    return cmocka_run_group_tests_name("ajp13_codes", tests, nullptr, nullptr);
}
