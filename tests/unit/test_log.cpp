// lib/log: level names and parsing, the logger threshold, and JkLogStampFormat.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "log/log.hpp"
#include "log/request_log_format.hpp"
#include "log/stamp_format.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate::log;

namespace {

void test_levels(void**) {
    struct Case { const char* text; std::optional<Level> level; };
    const Case cases[] = {
        {"trace", Level::trace}, {"DEBUG", Level::debug}, {"Info", Level::info}, {"warn", Level::warn},
        {"error", Level::error}, {"emerg", Level::emerg}, {"warning", std::nullopt}, {"", std::nullopt},
        {"infos", std::nullopt},
    };
    for (const auto& c : cases) {
        if (parse_level(c.text) != c.level) fail_msg("parse_level(%s)", c.text);
    }
    assert_string_equal(std::string(level_name(Level::warn)).c_str(), "warn");
}

struct CollectingSink : Sink {
    std::vector<std::string> lines;
    void write(Level level, Code code, std::string_view request_id, std::string_view message) override {
        std::string line = std::string(level_name(level)) + " " + std::string(code.id) + " ";
        if (!request_id.empty()) line += "[" + std::string(request_id) + "] ";
        lines.push_back(line + std::string(message));
    }
};

void test_threshold(void**) {
    CollectingSink sink;
    Logger logger(&sink, Level::info);
    logger.log(Level::debug, {"AJPG0001"}, "hidden");
    logger.log(Level::info, {"AJPG0002"}, "shown");
    logger.log(Level::error, {"AJPG0003"}, "also shown");
    assert_int_equal(sink.lines.size(), 2);
    assert_string_equal(sink.lines[0].c_str(), "info AJPG0002 shown");
    assert_false(Logger().enabled(Level::emerg));  // no sink: nothing is enabled
}

void test_request_logger(void**) {
    CollectingSink sink;
    const Logger plain(&sink, Level::debug);
    const Logger about_request = plain.for_request("req-1");
    about_request.log(Level::debug, {"AJPG0120"}, "one request");
    plain.log(Level::info, {"AJPG0144"}, "no request");
    assert_int_equal(sink.lines.size(), 2);
    assert_string_equal(sink.lines[0].c_str(), "debug AJPG0120 [req-1] one request");
    assert_string_equal(sink.lines[1].c_str(), "info AJPG0144 no request");
    // The copy keeps the threshold; the original stays without an id.
    assert_int_equal(static_cast<int>(about_request.threshold()), static_cast<int>(Level::debug));
    assert_true(plain.request_id().empty());
}

// 2026-11-22 06:02:42.123456 UTC
std::chrono::system_clock::time_point sample_time() {
    return std::chrono::system_clock::from_time_t(1795327362) + std::chrono::microseconds(123456);
}

void test_stamp_formats(void**) {
    struct Case { const char* format; const char* expected; };
    const Case cases[] = {
        {"[%Y-%m-%d %H:%M:%S.%Q] ", "[2026-11-22 06:02:42.123] "},
        {"[%H:%M:%S.%q]", "[06:02:42.123456]"},
        {"[%a %b %d %H:%M:%S.%Q %Y] ", "[Sun Nov 22 06:02:42.123 2026] "},
        {"[%a %b %d %H: %M: %S %Y]", "[Sun Nov 22 06: 02: 42 2026]"},  // the seed's format, spaces and all
        {"%%Q literal", "%Q literal"},
        {"no conversions", "no conversions"},
        {"%", "%"},
    };
    for (const auto& c : cases) {
        std::string error;
        auto stamp = StampFormat::parse(c.format, error);
        if (!stamp) fail_msg("%s rejected: %s", c.format, error.c_str());
        const std::string got = stamp->format(sample_time());
        if (got != c.expected) fail_msg("%s gave '%s', want '%s'", c.format, got.c_str(), c.expected);
    }
}

void test_stamp_format_errors(void**) {
    const char* bad[] = {"%Q %Q", "%Q %q", "%q%q", "\x01", "[%Y-%m-%d %H:%M:%S] this stamp format is longer than sixty-three chars"};
    for (const char* format : bad) {
        std::string error;
        if (StampFormat::parse(format, error)) fail_msg("'%s' accepted", format);
        assert_false(error.empty());
    }
    std::string error;
    assert_true(StampFormat::parse(default_stamp_format, error).has_value());
}

void test_request_log_format(void**) {
    RequestLogFields f;
    f.bytes_sent = 1234;
    f.protocol = "HTTP/1.1";
    f.method = "GET";
    f.query = "a=1";
    f.request_line = "GET /app/x?a=1 HTTP/1.1";
    f.path = "/app/x";
    f.canonical_server = "www.example.com";
    f.server_name = "example";
    f.worker = "lb";
    f.member = "was2";
    f.port = 8080;
    f.status = 200;
    f.took = std::chrono::microseconds(1500042);
    std::string error;
    auto format = RequestLogFormat::parse("%w/%R %V %m %U%q %H %s %b %B %T %p %v [%r] 100%%", error);
    assert_true(format.has_value());
    assert_string_equal(format->render(f).c_str(),
                        "lb/was2 example GET /app/x?a=1 HTTP/1.1 200 1234 1234 1.500042 8080 www.example.com "
                        "[GET /app/x?a=1 HTTP/1.1] 100%");
    f.bytes_sent = 0;
    f.query = "";
    f.member = "";
    assert_string_equal(RequestLogFormat::parse("%b %B %q|%R", error)->render(f).c_str(), "- 0 |lb");
    for (const char* bad : {"%z", "trailing %", "%"}) {
        if (RequestLogFormat::parse(bad, error)) fail_msg("'%s' accepted", bad);
    }
}

}  // namespace

int main() {
    setenv("TZ", "UTC", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_request_logger),
        cmocka_unit_test(test_stamp_formats),
        cmocka_unit_test(test_stamp_format_errors),
        cmocka_unit_test(test_request_log_format),
    };
    return cmocka_run_group_tests_name("log", tests, nullptr, nullptr);
}
