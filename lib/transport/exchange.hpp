// One AJP13 request/response exchange on a connected PacketChannel, as an explicit state
// machine (exchange.cpp: sending_request -> awaiting_headers -> streaming or discarding ->
// done, or broken from anywhere; the request body has a small machine of its own): send the
// request (and the first body packet when a length is known), then answer GET_BODY_CHUNK,
// deliver SEND_HEADERS / SEND_BODY_CHUNK to the sink, and finish on END_RESPONSE. A message
// out of order is a protocol_error. The outcome says what happened and whether the
// connection may be reused.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ajp13/messages.hpp"
#include "transport/interfaces.hpp"
#include "transport/liveness.hpp"
#include "transport/packet_channel.hpp"

namespace ajpgate::transport {

struct ExchangeOptions {
    // nullopt: unknown length (chunked request); the body goes only on GET_BODY_CHUNK.
    std::optional<std::uint64_t> content_length;
    // Longest wait between two packets from the backend; zero leaves it to the socket timeout.
    std::chrono::milliseconds reply_timeout{0};
    // The link's own timeout (socket_timeout; zero: none). The link applies it by itself, except
    // while the liveness check below slices the wait: then the exchange keeps to it.
    std::chrono::milliseconds socket_timeout{0};
    bool flush_packets = false;  // flush the client after every body packet (JkOptions +FlushPackets)
    bool flush_header = false;   // flush the client after the headers (JkOptions +FlushHeader)
    bool head_request = false;   // never forward a body to the client, whatever arrives
    // A replay: the request and its first body packet exactly as an earlier attempt wrote them
    // (ExchangeOutcome::replayable_bytes of its send buffer, on a connection that turned out
    // dead), carrying `replay_body_bytes` of the client's body. Sent as they are: the body
    // cannot be read from the client a second time.
    std::span<const std::uint8_t> replay;
    std::uint64_t replay_body_bytes = 0;
    // Another member's attempt: the request is encoded afresh (its route and secret are this
    // member's), and the first body packet an earlier member received goes with it as it was
    // (ServiceOutcome::first_body_packet), carrying `replay_body_bytes` of the client's body.
    std::span<const std::uint8_t> replay_body;
    // While the first packet of the answer is late by `liveness_after`, ask `liveness` whether
    // the member is alive (balancer/hung_check.hpp), and again after each further
    // `liveness_after`; a "no" ends the exchange as backend_hung, the end of the wait (reply_timeout,
    // or socket_timeout when it is zero) as backend_timeout. Null: wait as reply_timeout says.
    LivenessCheck* liveness = nullptr;
    std::chrono::milliseconds liveness_after{0};
};

enum class ExchangeResult : std::uint8_t {
    ok,
    request_too_large,    // the request does not fit in one packet: nothing was sent (413)
    send_failed,          // the request could not be written: the backend never saw it whole
    backend_closed,       // the backend closed the connection before END_RESPONSE
    backend_timeout,      // no packet within reply_timeout (504)
    backend_hung,         // no first packet, and the liveness check found the member hung (504)
    protocol_error,       // malformed or unexpected packet from the backend (502)
    client_read_failed,   // the client's body could not be read or was short (400)
    client_write_failed,  // the client went away while the response was delivered
};

std::string_view to_string(ExchangeResult result) noexcept;

struct ExchangeOutcome {
    ExchangeResult result = ExchangeResult::ok;
    // Only after END_RESPONSE with reuse, with nothing left unread and nothing inconsistent.
    bool reusable = false;
    bool request_sent = false;      // the backend received the whole FORWARD_REQUEST
    bool response_started = false;  // headers went to the client: no other member may answer
    std::uint16_t status = 0;
    std::uint64_t body_bytes_read = 0;   // request body consumed from the client
    // The first bytes of the channel's send buffer still hold the request and the body packet
    // that went with it, as written, and no more body was consumed: another attempt may send
    // them again (ExchangeOptions::replay). 0 once the backend asked for body, or with no body.
    std::size_t replayable_bytes = 0;
    std::uint64_t response_bytes = 0;    // response body bytes delivered to the client
    // What went wrong, for the log line (a static string).
    std::string_view detail;
};

enum class ClientBodyRead : std::uint8_t {
    ok,
    failed,      // the client's connection broke (or httpd refused the body, e.g. a bad chunk)
    short_body,  // the client's body ended before its Content-Length
};

std::string_view describe(ClientBodyRead read) noexcept;

// Reads the client's body into `space`. With a known length (`exact`) until `space` is full,
// and an end before that is short_body: a body cut short never passes for a whole one. With
// an unknown length, what one read delivers (filled == 0: the end of the body).
ClientBodyRead read_client_body(BodySource& body, std::span<std::uint8_t> space, bool exact, std::size_t& filled);

ExchangeOutcome run_exchange(PacketChannel& channel, const ajp13::ForwardRequest& request,
                             const ExchangeOptions& options, BodySource& body, ResponseSink& sink);

}  // namespace ajpgate::transport
