// Typed AJP13 messages, both directions. Encoders write into a PacketWriter made for
// the right direction; they reset() it first and call finish() themselves, so the
// writer holds exactly one packet afterwards.
// Decoders take the payload of one frame (see framing.hpp) and never read past it.
//
// request_messages.cpp: web server -> container (FORWARD_REQUEST, body data, CPING, SHUTDOWN)
// response_messages.cpp: container -> web server (SEND_HEADERS, SEND_BODY_CHUNK, ...)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ajp13/constants.hpp"
#include "ajp13/packet_writer.hpp"
#include "ajp13/payload_reader.hpp"
#include "ajp13/status.hpp"

namespace ajpgate::ajp13 {

struct HeaderField {
    std::string_view name;
    std::string_view value;
};

// A generic req_attribute (0x0A): name/value pair, e.g. AJP_REMOTE_PORT.
struct RequestAttribute {
    std::string_view name;
    std::string_view value;
};

// ---- web server -> container ------------------------------------------------

// Everything a FORWARD_REQUEST carries. Views only: the caller owns the bytes.
struct ForwardRequest {
    std::string_view method;  // any token; not in the code table -> method_stored + stored_method
    std::string_view protocol;
    std::string_view uri;     // path only, no query string
    std::string_view remote_addr;
    std::optional<std::string_view> remote_host;  // nullopt is sent as the null string
    std::string_view server_name;
    std::uint16_t server_port = 0;
    bool is_ssl = false;
    // Names with a code (request_header_code) are sent coded, others as strings.
    std::span<const HeaderField> headers;

    // Optional attributes, sent in mod_jk's order when present:
    // context, servlet_path, secret, remote_user, auth_type, query_string, route,
    // ssl_cert, ssl_cipher, ssl_session, ssl_key_size, stored_method (when needed),
    // then `attributes` in the order given, then are_done.
    std::optional<std::string_view> context;
    std::optional<std::string_view> servlet_path;
    std::optional<std::string_view> secret;
    std::optional<std::string_view> remote_user;
    std::optional<std::string_view> auth_type;
    std::optional<std::string_view> query_string;
    std::optional<std::string_view> route;
    std::optional<std::string_view> ssl_cert;
    std::optional<std::string_view> ssl_cipher;
    std::optional<std::string_view> ssl_session;
    std::optional<std::uint16_t> ssl_key_size;
    std::span<const RequestAttribute> attributes;
};

// does_not_fit when the request does not fit in one packet (caller answers 413), which
// includes a field that cannot be encoded at all (a string of 0xFFFF bytes or more, a
// string header name of 0xA000 bytes or more). malformed when method is empty.
Status encode_forward_request(const ForwardRequest& request, PacketWriter& out) noexcept;

// Container side: a decoded FORWARD_REQUEST. Views point into the payload; the
// vectors are the only allocation (container side only: tests and ajp-testd).
struct DecodedForwardRequest {
    std::uint8_t method_code = 0;  // 1..27 or method_stored
    std::string_view method;       // name from the table, or the stored method
    std::string_view protocol;
    std::string_view uri;
    std::string_view remote_addr;
    std::optional<std::string_view> remote_host;
    std::string_view server_name;
    std::uint16_t server_port = 0;
    bool is_ssl = false;
    std::vector<HeaderField> headers;  // coded names expanded to lower case
    std::optional<std::string_view> context, servlet_path, secret, remote_user, auth_type,
        query_string, route, ssl_cert, ssl_cipher, ssl_session, stored_method;
    std::optional<std::uint16_t> ssl_key_size;
    std::vector<RequestAttribute> attributes;
    // Attribute codes in the order they appeared (for wire-order assertions).
    std::vector<std::uint8_t> attribute_order;
};

// malformed on: wrong type byte, truncation, unknown method code, unknown header
// code, unknown attribute code, missing are_done, bytes after are_done,
// method_stored without a stored_method attribute, null mandatory strings.
Status decode_forward_request(std::span<const std::uint8_t> payload, DecodedForwardRequest& out);

// Request body data packet: 2-byte length + bytes (no type byte, no NUL).
// Empty data encodes the end-of-body packet in its spec form (12 34 00 00).
Status encode_request_body(std::span<const std::uint8_t> data, PacketWriter& out) noexcept;

// The same packet framed in place: the caller has put `data_length` bytes at
// buffer[request_body_data_offset...] (read there straight from the client, say), and this
// writes the 6 bytes in front of them, so the body is never copied. `packet` is set to header
// and data on ok; does_not_fit (buffer untouched) when they exceed `buffer` or the 16-bit
// length field. A zero length gives the 12 34 00 02 00 00 form of the end of the body.
Status encode_body_packet_header(std::span<std::uint8_t> buffer, std::size_t data_length,
                                 std::span<const std::uint8_t>& packet) noexcept;

enum class EmptyBodyForm : std::uint8_t {
    no_payload,     // 12 34 00 00 (spec, mod_jk)
    zero_length,    // 12 34 00 02 00 00 (mod_proxy_ajp)
};
Status encode_end_of_body(EmptyBodyForm form, PacketWriter& out) noexcept;

// Container side: both empty forms yield an empty `data`.
Status decode_request_body(std::span<const std::uint8_t> payload, std::span<const std::uint8_t>& data) noexcept;

Status encode_cping(PacketWriter& out) noexcept;
Status encode_shutdown(PacketWriter& out) noexcept;

// ---- container -> web server ------------------------------------------------

struct SendHeaders {
    std::uint16_t status = 200;
    std::string_view reason;
    // Names with a response code (response_header_code) are sent coded.
    std::span<const HeaderField> headers;
};
Status encode_send_headers(const SendHeaders& message, PacketWriter& out) noexcept;

// A decoded SEND_HEADERS without allocation. decode_send_headers validates the whole
// message once, so next_header() over a successfully decoded view cannot fail.
struct SendHeadersView {
    std::uint16_t status = 0;
    std::optional<std::string_view> reason;  // null tolerated (informational only)
    std::uint16_t header_count = 0;
    PayloadReader headers{{}};  // positioned at the first header
    std::uint16_t headers_left = 0;
};
// malformed also for a status outside 100..999 (no valid status line) and for bytes
// after the last header.
Status decode_send_headers(std::span<const std::uint8_t> payload, SendHeadersView& out) noexcept;
// Coded names come back canonical ("Content-Type"). false when no header is left.
bool next_header(SendHeadersView& view, HeaderField& out) noexcept;

// SEND_BODY_CHUNK: type, length, bytes, NUL. Empty data is a flush request.
Status encode_body_chunk(std::span<const std::uint8_t> data, PacketWriter& out) noexcept;
// Accepts the length followed by exactly the bytes and the trailing NUL, or (as mod_jk
// tolerates) without the NUL; anything else, e.g. a length larger than the packet, is malformed.
Status decode_body_chunk(std::span<const std::uint8_t> payload, std::span<const std::uint8_t>& data) noexcept;

Status encode_end_response(bool reuse, PacketWriter& out) noexcept;
Status decode_end_response(std::span<const std::uint8_t> payload, bool& reuse) noexcept;

Status encode_get_body_chunk(std::uint16_t requested, PacketWriter& out) noexcept;
Status decode_get_body_chunk(std::span<const std::uint8_t> payload, std::uint16_t& requested) noexcept;

Status encode_cpong(PacketWriter& out) noexcept;
// CPONG, CPING and SHUTDOWN have nothing after the type byte.
Status decode_bare(std::span<const std::uint8_t> payload, MessageType expected) noexcept;

}  // namespace ajpgate::ajp13
