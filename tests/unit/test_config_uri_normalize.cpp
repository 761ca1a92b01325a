// Tomcat servlet path normalisation (lib/config/uri_normalize).
#include <array>
#include <cstdio>
#include <string>
#include <string_view>

#include "config/uri_normalize.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using ajpgate::config::normalize_path;
using ajpgate::config::normalize_path_into;
using ajpgate::config::NormalizeError;

namespace {

struct Case {
    std::string_view input;
    std::string_view expected;  // when error == none
    NormalizeError error;
};

constexpr NormalizeError kOk = NormalizeError::none;

constexpr Case kCases[] = {
    // Already normal.
    {"/", "/", kOk},
    {"/app", "/app", kOk},
    {"/app/", "/app/", kOk},
    {"/app/x/y.jsp", "/app/x/y.jsp", kOk},
    // Path parameters, in every segment, including the last and empty ones.
    {"/app;jsessionid=1/x;a=b", "/app/x", kOk},
    {"/app;jsessionid=ABC.node1", "/app", kOk},
    {"/app/x;a=b;c=d", "/app/x", kOk},
    {"/;x", "/", kOk},
    {"/;x/app", "/app", kOk},
    {"/app/;x", "/app/", kOk},
    {"/app;", "/app", kOk},
    {"/a;b=c;d/e", "/a/e", kOk},
    // Empty segments collapse; a trailing slash stays.
    {"//", "/", kOk},
    {"///", "/", kOk},
    {"//app", "/app", kOk},
    {"/app//x", "/app/x", kOk},
    {"/app///x//", "/app/x/", kOk},
    // Dot segments.
    {"/.", "/", kOk},
    {"/./", "/", kOk},
    {"/./app", "/app", kOk},
    {"/app/.", "/app/", kOk},
    {"/app/./x", "/app/x", kOk},
    {"/app/././x/.", "/app/x/", kOk},
    {"/app/x/..", "/app/", kOk},
    {"/app/x/../", "/app/", kOk},
    {"/app/x/../y", "/app/y", kOk},
    {"/app/..", "/", kOk},
    {"/app/../", "/", kOk},
    {"/a/b/c/../../d", "/a/d", kOk},
    {"/app/../manager/x", "/manager/x", kOk},
    {"/a/./b/../../c/./d/..", "/c/", kOk},
    // Names that only look like dots.
    {"/...", "/...", kOk},
    {"/.a", "/.a", kOk},
    {"/a./..b/c..", "/a./..b/c..", kOk},
    {"/%2e%2e/x", "/%2e%2e/x", kOk},  // not decoded here: httpd did that already
    {"/a\\..\\b", "/a\\..\\b", kOk},  // backslash is an ordinary character
    // Params stripped before dot handling (CVE-2018-11759 style).
    {"/app/..;/manager/x", "/manager/x", kOk},
    {"/app;x=y/..;/manager", "/manager", kOk},
    {"/app/..;x=y/manager/", "/manager/", kOk},
    {"/app/.;x/y", "/app/y", kOk},
    {"/app/x/..;", "/app/", kOk},
    {"/app/;/..;/x", "/x", kOk},
    {"/app//..//x", "/x", kOk},
    // Escaping the root.
    {"/..", "", NormalizeError::escapes_root},
    {"/../", "", NormalizeError::escapes_root},
    {"/../app", "", NormalizeError::escapes_root},
    {"/app/../..", "", NormalizeError::escapes_root},
    {"/app/../../x", "", NormalizeError::escapes_root},
    {"/..;x/app", "", NormalizeError::escapes_root},
    {"/app;a=b/..;/..;/etc/passwd", "", NormalizeError::escapes_root},
    {"//..", "", NormalizeError::escapes_root},
    {"/./..", "", NormalizeError::escapes_root},
    // Not an absolute path.
    {"", "", NormalizeError::not_absolute},
    {"app", "", NormalizeError::not_absolute},
    {"*", "", NormalizeError::not_absolute},
    {";x/app", "", NormalizeError::not_absolute},
    {"../app", "", NormalizeError::not_absolute},
    {std::string_view("/a\0b", 4), "", NormalizeError::nul_character},
};

void test_table(void** /*state*/) {
    for (const Case& c : kCases) {
        const auto result = normalize_path(c.input);
        if (result.error != c.error || result.path != c.expected) {
            std::fprintf(stderr, "input '%.*s': got '%s' (error %d), expected '%.*s' (error %d)\n",
                         static_cast<int>(c.input.size()), c.input.data(), result.path.c_str(),
                         static_cast<int>(result.error), static_cast<int>(c.expected.size()),
                         c.expected.data(), static_cast<int>(c.error));
        }
        assert_int_equal(static_cast<int>(result.error), static_cast<int>(c.error));
        assert_true(result.path == c.expected);
        assert_int_equal(result.ok(), c.error == kOk);
    }
}

// Normalising a normalised path changes nothing (the module may see r->uri twice).
void test_idempotent(void** /*state*/) {
    for (const Case& c : kCases) {
        if (c.error != kOk) {
            continue;
        }
        const auto again = normalize_path(c.expected);
        assert_true(again.ok());
        assert_true(again.path == c.expected);
    }
}

// The in-place form writes at most input-size bytes and refuses a smaller buffer.
void test_buffer_form(void** /*state*/) {
    std::array<char, 32> buffer{};
    buffer.fill('#');
    std::size_t len = 99;
    const std::string_view input = "/a/b/../c;x";
    assert_int_equal(
        static_cast<int>(normalize_path_into(input, std::span(buffer.data(), input.size()), len)),
        static_cast<int>(NormalizeError::none));
    assert_true(std::string_view(buffer.data(), len) == "/a/c");
    assert_int_equal(buffer[input.size()], '#');  // nothing written past the input size

    len = 99;
    assert_int_equal(static_cast<int>(normalize_path_into(
                         input, std::span(buffer.data(), input.size() - 1), len)),
                     static_cast<int>(NormalizeError::buffer_too_small));
    assert_int_equal(len, 0);

    len = 99;
    assert_int_equal(static_cast<int>(normalize_path_into("/..", buffer, len)),
                     static_cast<int>(NormalizeError::escapes_root));
    assert_int_equal(len, 0);

    // Worst cases for output size: everything collapses to the root or keeps a slash.
    for (std::string_view tight : {"/", "//", "/.", "/a/..", "/a/", "/;"}) {
        std::string out(tight.size(), '\0');
        assert_int_equal(static_cast<int>(normalize_path_into(tight, std::span(out), len)),
                         static_cast<int>(NormalizeError::none));
        assert_true(len <= tight.size());
    }
}

void test_describe(void** /*state*/) {
    using ajpgate::config::describe;
    assert_true(describe(NormalizeError::escapes_root) == "path escapes the root");
    assert_true(describe(NormalizeError::not_absolute) == "path does not start with '/'");
    assert_true(describe(NormalizeError::nul_character) == "path contains a NUL byte");
    assert_true(describe(NormalizeError::none) == "ok");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_buffer_form),
        cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests_name("config_uri_normalize", tests, nullptr, nullptr);
}
