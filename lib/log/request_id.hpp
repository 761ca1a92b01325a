// One id per request, the same in httpd's access log (a request note), in every JkLogFile line
// about the request, and at the backend (an AJP request attribute Tomcat's access log prints).
//
// The id is mod_unique_id's UNIQUE_ID when httpd has one (or whatever variable
// JkRequestIdIndicator names), else one of ours. Ours costs no system call and no allocation:
// a prefix drawn from random bits once per process, then a counter.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ajpgate::log {

// The longest id taken from the environment (mod_unique_id's are 24 or 27 characters).
inline constexpr std::size_t max_request_id = 64;

// Whether `text` can stand as a request's id in a log line, a LogFormat field and a Tomcat
// access log: 1..max_request_id characters, each a letter, a digit or one of "@-_.:+/=".
// A variable holding blanks, quotes, brackets or control characters (set from a client's
// header, say) would let the client split or forge log lines: it is not taken.
bool usable_request_id(std::string_view text) noexcept;

// Where a request's id comes from, in order of preference.
enum class RequestIdSource : std::uint8_t {
    environment,  // the JkRequestIdIndicator variable (UNIQUE_ID), when usable: the id httpd
                  // itself logs with %{UNIQUE_ID}e and ErrorLogFormat's %L
    inherited,    // the id of the request this one came from (internal redirect, subrequest),
                  // so one client request keeps one id
    generated,    // a new id of ours
};
RequestIdSource choose_request_id(std::string_view environment, std::string_view inherited) noexcept;

// What JkRequestIdAttribute accepts as the attribute's name. The name goes into Tomcat's
// allowedRequestAttributesPattern (a regular expression) and AccessLogValve's %{name}r, so it
// is kept to letters, digits, '_', '.' and '-' (at most 64); and it may not be one of the
// attributes Tomcat reads itself, which the module already sends (AJP_REMOTE_PORT,
// AJP_LOCAL_ADDR, AJP_SSL_PROTOCOL, JK_LB_ACTIVATION).
enum class AttributeName : std::uint8_t { usable, bad_characters, reserved };
AttributeName check_request_id_attribute(std::string_view name) noexcept;

// Our own ids: 12 characters of prefix (72 random bits, fixed for the process) and 8 of
// counter (48 bits), both in URL-safe base64 ("A-Za-z0-9-_"). Distinct processes differ by
// their prefix (a collision needs some 2^36 of them); one process never repeats an id
// (2^48 requests). Safe to call from every thread of an httpd child at once.
class RequestIdGenerator {
public:
    static constexpr std::size_t prefix_length = 12;
    static constexpr std::size_t counter_length = 8;
    static constexpr std::size_t length = prefix_length + counter_length;
    using Seed = std::array<std::uint8_t, prefix_length * 3 / 4>;

    explicit RequestIdGenerator(const Seed& seed) noexcept;

    // Writes the next id's `length` characters (no terminator) to `out`.
    void next(char* out) noexcept;
    std::string_view prefix() const noexcept { return {prefix_.data(), prefix_.size()}; }

private:
    std::array<char, prefix_length> prefix_{};
    std::atomic<std::uint64_t> counter_{0};
};

}  // namespace ajpgate::log
