// Wire constants of AJP/1.3 (see shared/reference/ajp13.md). Facts, not policy.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ajpgate::ajp13 {

// Every packet starts with a 2-byte signature and a 2-byte big-endian payload length.
inline constexpr std::size_t header_size = 4;
inline constexpr std::uint16_t signature_to_container = 0x1234;  // web server -> container
inline constexpr std::uint16_t signature_to_server = 0x4142;     // container -> web server ("AB")

// Packet size includes the 4-byte header. Both ends must agree; there is no negotiation.
inline constexpr std::size_t default_packet_size = 8192;
inline constexpr std::size_t min_packet_size = 8192;
inline constexpr std::size_t max_packet_size = 65536;
inline constexpr std::size_t packet_size_alignment = 1024;

// The 0xFFFF string length marks a null string: no bytes and no NUL follow.
inline constexpr std::uint16_t null_string_length = 0xFFFF;

// A request body data packet: header, 2-byte data length, then the data at this offset.
inline constexpr std::size_t request_body_data_offset = header_size + 2;

// Per-packet payload budgets derived from a packet size.
// request body data: header + 2-byte length
constexpr std::size_t max_request_body_chunk(std::size_t packet_size) noexcept {
    return packet_size - request_body_data_offset;
}
// SEND_BODY_CHUNK: header + type + 2-byte length + trailing NUL
constexpr std::size_t max_response_body_chunk(std::size_t packet_size) noexcept { return packet_size - 8; }

// mod_jk's rule: round up to a multiple of 1024 and clamp into [8192, 65536].
constexpr std::size_t align_packet_size(std::size_t requested) noexcept {
    if (requested < min_packet_size) return min_packet_size;
    if (requested > max_packet_size) return max_packet_size;
    const std::size_t rounded = (requested + packet_size_alignment - 1) / packet_size_alignment * packet_size_alignment;
    return rounded > max_packet_size ? max_packet_size : rounded;
}

enum class Direction : std::uint8_t {
    to_container,  // signature 0x1234
    to_server,     // signature 0x4142
};

constexpr std::uint16_t signature_of(Direction d) noexcept {
    return d == Direction::to_container ? signature_to_container : signature_to_server;
}

// First payload byte of every message except request body data packets.
enum class MessageType : std::uint8_t {
    forward_request = 0x02,
    send_body_chunk = 0x03,
    send_headers = 0x04,
    end_response = 0x05,
    get_body_chunk = 0x06,
    shutdown = 0x07,
    ping = 0x08,
    cpong = 0x09,
    cping = 0x0A,
};

// Attribute codes of FORWARD_REQUEST. There is no 0x0E.
enum class AttributeCode : std::uint8_t {
    context = 0x01,
    servlet_path = 0x02,
    remote_user = 0x03,
    auth_type = 0x04,
    query_string = 0x05,
    route = 0x06,
    ssl_cert = 0x07,
    ssl_cipher = 0x08,
    ssl_session = 0x09,
    req_attribute = 0x0A,
    ssl_key_size = 0x0B,  // 2-byte integer, not a string
    secret = 0x0C,
    stored_method = 0x0D,
    are_done = 0xFF,
};

// Method byte 0xFF: the real method travels in attribute stored_method.
inline constexpr std::uint8_t method_stored = 0xFF;

}  // namespace ajpgate::ajp13
