// What a backend's SEND_HEADERS may not do to the client's connection. httpd frames the
// response to the client itself; a backend that could choose the framing (Transfer-Encoding,
// Connection, ...) or write raw CR/LF into a header could make the client read the rest of
// its body as a second response on the same keep-alive connection (response splitting), and
// behind a shared front proxy that crosses users.
// - check_send_headers: a status outside 100..599, a 1xx as the final status, a header name or
//   value with CR, LF or NUL (or an empty name), two Content-Length values that differ, or
//   more than kMaxResponseHeaders headers: the response is refused (502 by the policy). A body
//   longer or shorter than the Content-Length declared is cut off (lib/transport/exchange.cpp).
// - is_hop_by_hop: the headers of one connection (RFC 9110 7.6.1), and any header the
//   backend's Connection header names: never passed on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ajp13/messages.hpp"

namespace ajpgate::ajp13 {

inline constexpr std::size_t kMaxResponseHeaders = 200;

enum class HeaderProblem : std::uint8_t {
    none,
    status_out_of_range,   // not 100..599
    informational_final,   // 1xx: AJP has no interim responses
    control_characters,    // CR, LF or NUL in a name or value, or an empty name
    conflicting_length,    // Content-Length twice with different values
    bad_length,            // a Content-Length that is not a decimal number
    too_many_headers,
};

// Walks a copy of the view: `view` itself stays positioned at its first header. The declared
// Content-Length, if any, lands in `length`: the body must match it (the exchange checks).
HeaderProblem check_send_headers(const SendHeadersView& view, std::optional<std::uint64_t>& length) noexcept;
std::string_view describe(HeaderProblem problem) noexcept;

// Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade.
bool is_hop_by_hop(std::string_view name) noexcept;
// Whether `name` is one of the comma-separated tokens of a Connection header's value.
bool connection_names(std::string_view connection_value, std::string_view name) noexcept;

// Which headers of one response stay behind: the hop-by-hop ones, and every header any of its
// Connection headers names (however many there are). Keeps a copy of the view, so the caller's
// own walk is untouched; a response without a Connection header costs one pass.
class HopByHopFilter {
public:
    explicit HopByHopFilter(const SendHeadersView& headers) noexcept;
    bool drops(std::string_view name) const noexcept;

private:
    SendHeadersView headers_;
    bool any_connection_ = false;
};

}  // namespace ajpgate::ajp13
