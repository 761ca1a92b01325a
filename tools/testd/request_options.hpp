// What one response should look like. The command line sets the defaults; a request
// header `X-Testd: key=value;key=value` overrides them for that request only, so one
// running backend serves many test cases.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ajpgate::testd {

enum class BodyMode : std::uint8_t {
    echo,   // JSON description of the request
    fixed,  // `size` deterministic bytes (see fixed_body_byte)
    empty,  // no body at all
};

enum class Fault : std::uint8_t {
    none,
    close_before_headers,
    close_mid_body,
    garbage,
    oversize_packet,
    chunk_length_overflow,
    no_cpong,
    second_response,
    no_reuse,
    close_after_end,  // a whole response with reuse, then the connection closed (an idle timeout)
    headers_twice,
    slow,
    hang,
    body_anyway,     // a body even for HEAD, 204 and 304 (which must never carry one)
    reset_mid_body,  // like close_mid_body, but the connection ends with a reset (RST)
};

struct ExtraHeader {
    std::string name;
    std::string value;
};

struct RequestOptions {
    BodyMode mode = BodyMode::echo;
    std::uint64_t size = 0;        // fixed mode: body length in bytes
    std::size_t chunk = 0;         // bytes per SEND_BODY_CHUNK; 0 = as many as fit
    bool flush = false;            // an empty SEND_BODY_CHUNK between chunks
    // Bytes asked for per GET_BODY_CHUNK; 0 = packet size - 6, what Tomcat always asks
    // (even when less remains), capped to that.
    std::size_t body_request = 0;
    std::uint16_t status = 200;
    std::string reason;            // empty: the standard phrase of `status`
    std::vector<ExtraHeader> headers;
    std::chrono::milliseconds delay{0};       // before SEND_HEADERS
    std::chrono::milliseconds body_delay{0};  // between body chunks
    std::chrono::milliseconds hang{30000};    // fault=hang closes after this long
    Fault fault = Fault::none;
};

// The delay fault=slow uses when the request gives no delay of its own.
inline constexpr std::chrono::milliseconds default_slow_delay{1000};
// Largest fixed body we agree to produce (16 GiB): a typo must not stream forever.
inline constexpr std::uint64_t max_fixed_size = std::uint64_t{16} << 30;

std::optional<Fault> fault_from_name(std::string_view name) noexcept;
std::string_view fault_name(Fault fault) noexcept;
std::string_view mode_name(BodyMode mode) noexcept;

// Applies one `key=value` (a bare `flush` means flush=1). false with `error` set when
// the key is unknown or the value invalid; `options` is then unchanged.
bool apply_option(RequestOptions& options, std::string_view key, std::string_view value,
                  std::string& error);

// Applies every `key=value` of an X-Testd header value, separated by ';', in order.
// Stops at the first error.
bool apply_testd_header(RequestOptions& options, std::string_view header, std::string& error);

}  // namespace ajpgate::testd
