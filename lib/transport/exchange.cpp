#include "transport/exchange.hpp"

#include <algorithm>

#include "ajp13/constants.hpp"

namespace ajpgate::transport {

std::string_view to_string(ExchangeResult result) noexcept {
    switch (result) {
    case ExchangeResult::ok: return "ok";
    case ExchangeResult::request_too_large: return "request_too_large";
    case ExchangeResult::send_failed: return "send_failed";
    case ExchangeResult::backend_closed: return "backend_closed";
    case ExchangeResult::backend_timeout: return "backend_timeout";
    case ExchangeResult::backend_hung: return "backend_hung";
    case ExchangeResult::protocol_error: return "protocol_error";
    case ExchangeResult::client_read_failed: return "client_read_failed";
    case ExchangeResult::client_write_failed: return "client_write_failed";
    }
    return "unknown";
}

namespace {

// Statuses whose responses carry no body, whatever the backend sends.
bool status_has_no_body(std::uint16_t status) noexcept {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

class Exchange {
public:
    Exchange(PacketChannel& channel, const ExchangeOptions& options, BodySource& body, ResponseSink& sink)
        : channel_(channel), options_(options), body_(body), sink_(sink) {}

    ExchangeOutcome run(const ajp13::ForwardRequest& request) {
        if (!send_request(request)) return outcome_;
        for (;;) {
            // Before waiting on the backend, let the client have what the sink holds back.
            if (outcome_.response_started && !channel_.has_complete_packet() && !sink_.idle()) {
                return fail(ExchangeResult::client_write_failed, "client went away while receiving the body");
            }
            ajp13::Frame frame;
            const ReceiveResult received = receive_next(frame);
            if (received != ReceiveResult::packet) return fail_receive(received);
            const auto type = frame.type();
            if (!type) return fail(ExchangeResult::protocol_error, "empty packet from backend");
            bool go_on = false;
            switch (*type) {
            case ajp13::MessageType::get_body_chunk: go_on = on_get_body_chunk(frame.payload); break;
            case ajp13::MessageType::send_headers: go_on = on_send_headers(frame.payload); break;
            case ajp13::MessageType::send_body_chunk: go_on = on_body_chunk(frame.payload); break;
            case ajp13::MessageType::end_response: on_end_response(frame.payload); return outcome_;
            default: return fail(ExchangeResult::protocol_error, "unexpected message type from backend");
            }
            if (!go_on) return outcome_;
        }
    }

private:
    ExchangeOutcome& fail(ExchangeResult result, std::string_view detail) {
        outcome_.result = result;
        outcome_.reusable = false;
        outcome_.detail = detail;
        return outcome_;
    }

    // The next packet; the wait for the first one is watched by the liveness check.
    ReceiveResult receive_next(ajp13::Frame& frame) {
        if (!options_.liveness || options_.liveness_after.count() <= 0 || answered_) {
            return channel_.receive(frame, options_.reply_timeout);
        }
        std::chrono::milliseconds left = options_.reply_timeout;  // zero: no limit
        for (;;) {
            const auto slice = left.count() > 0 && left < options_.liveness_after ? left : options_.liveness_after;
            const ReceiveResult received = channel_.receive(frame, slice);
            if (received != ReceiveResult::timeout) {
                answered_ = received == ReceiveResult::packet;
                return received;
            }
            if (left.count() > 0 && (left -= slice).count() <= 0) return received;
            if (!options_.liveness->member_alive()) {
                hung_ = true;
                return received;
            }
        }
    }

    ExchangeOutcome& fail_receive(ReceiveResult received) {
        if (received == ReceiveResult::timeout && hung_) {
            return fail(ExchangeResult::backend_hung, "no answer, and a new connection got no CPONG: the member is hung");
        }
        switch (received) {
        case ReceiveResult::closed: return fail(ExchangeResult::backend_closed, "backend closed the connection");
        case ReceiveResult::timeout: return fail(ExchangeResult::backend_timeout, "no reply within reply_timeout");
        case ReceiveResult::malformed: return fail(ExchangeResult::protocol_error, "bad packet header from backend");
        case ReceiveResult::io_error:
        case ReceiveResult::packet: break;
        }
        return fail(ExchangeResult::backend_closed, "read from backend failed");
    }

    bool send_request(const ajp13::ForwardRequest& request) {
        remaining_ = options_.content_length;
        if (!options_.replay.empty()) return send_replay();
        ajp13::PacketWriter writer(channel_.send_buffer(), ajp13::Direction::to_container);
        writer.reset();
        if (ajp13::encode_forward_request(request, writer) != ajp13::Status::ok) {
            // Nothing went out: the connection is as clean as before.
            outcome_.result = ExchangeResult::request_too_large;
            outcome_.reusable = true;
            outcome_.detail = "request headers do not fit in one packet";
            return false;
        }
        const std::size_t request_size = writer.packet().size();
        // A positive Content-Length obliges us to send the first body packet unasked: it goes
        // in the same write as the request (one syscall, one wake-up of the backend). With no
        // length or a zero length nothing may be sent before the backend asks.
        if (options_.content_length && *options_.content_length > 0) {
            return send_body_packet(ajp13::max_request_body_chunk(channel_.packet_size()), request_size);
        }
        body_done_ = options_.content_length.has_value();
        return send_first(channel_.send_buffer_prefix(request_size));
    }

    // The request and first body packet of a failed attempt, as they were: the body they
    // carry counts as read, the rest of it is still the client's.
    bool send_replay() {
        took_body(options_.replay_body_bytes);
        return send_first(options_.replay);
    }

    // `n` more bytes of the client's body are on their way to the backend; none means its end.
    void took_body(std::uint64_t n) {
        outcome_.body_bytes_read += n;
        if (remaining_) *remaining_ -= std::min(n, *remaining_);
        if (n == 0 || (remaining_ && *remaining_ == 0)) body_done_ = true;
    }

    // The first write of the exchange: the request, and its first body packet if any.
    bool send_first(std::span<const std::uint8_t> bytes) {
        // Until the backend asks for more body, these bytes stay as written: replayable.
        if (outcome_.body_bytes_read > 0) outcome_.replayable_bytes = bytes.size();
        if (channel_.send(bytes) != IoResult::ok) {
            fail(ExchangeResult::send_failed, "could not send the request to the backend");
            return false;
        }
        outcome_.request_sent = true;
        return true;
    }

    // Reads up to `wanted` bytes from the client straight into the send buffer after the
    // 6-byte data-packet header, then frames and sends them. An empty read ends the body.
    // `request_size` > 0: the request packet sits in front of it, and goes out with it.
    bool send_body_packet(std::size_t wanted, std::size_t request_size = 0) {
        constexpr std::size_t data_offset = ajp13::header_size + 2;
        std::span<std::uint8_t> buffer = channel_.send_buffer_at(request_size);
        wanted = std::min(wanted, ajp13::max_request_body_chunk(buffer.size()));
        if (remaining_) wanted = static_cast<std::size_t>(std::min<std::uint64_t>(wanted, *remaining_));

        std::size_t filled = 0;
        while (filled < wanted) {
            std::size_t got = 0;
            if (body_.read(buffer.subspan(data_offset + filled, wanted - filled), got) != IoResult::ok) {
                fail(ExchangeResult::client_read_failed, "reading the request body from the client failed");
                return false;
            }
            if (got == 0) break;
            filled += got;
            // A body of unknown length goes in whatever pieces the client delivers.
            if (!remaining_) break;
        }
        if (remaining_ && filled < wanted) {
            fail(ExchangeResult::client_read_failed, "the client sent less body than its Content-Length");
            return false;
        }
        took_body(filled);

        ajp13::PacketWriter writer(buffer, ajp13::Direction::to_container);
        std::span<const std::uint8_t> packet;
        if (filled == 0) {
            writer.reset();
            ajp13::encode_end_of_body(ajp13::EmptyBodyForm::no_payload, writer);
            packet = writer.packet();
        } else {
            // Header written around the data already in place: no copy of the body.
            buffer[0] = 0x12;
            buffer[1] = 0x34;
            buffer[2] = static_cast<std::uint8_t>((filled + 2) >> 8);
            buffer[3] = static_cast<std::uint8_t>((filled + 2) & 0xFF);
            buffer[4] = static_cast<std::uint8_t>(filled >> 8);
            buffer[5] = static_cast<std::uint8_t>(filled & 0xFF);
            packet = std::span<const std::uint8_t>(buffer.data(), data_offset + filled);
        }
        // The buffer has room for both packets (send_buffer_at()): one write carries them.
        if (request_size > 0) return send_first(channel_.send_buffer_prefix(request_size + packet.size()));
        if (channel_.send(packet) != IoResult::ok) {
            fail(ExchangeResult::backend_closed, "could not send request body to the backend");
            return false;
        }
        return true;
    }

    bool on_get_body_chunk(std::span<const std::uint8_t> payload) {
        std::uint16_t requested = 0;
        if (ajp13::decode_get_body_chunk(payload, requested) != ajp13::Status::ok) {
            fail(ExchangeResult::protocol_error, "malformed GET_BODY_CHUNK");
            return false;
        }
        // The backend has the request and its first packet, and the send buffer is about to
        // be overwritten: from here on, nothing is replayed.
        outcome_.replayable_bytes = 0;
        if (body_done_) {
            // Tomcat may ask once more after the end; answer with the empty packet once,
            // and treat a backend that keeps asking as broken.
            if (++asks_after_end_ > 1) {
                fail(ExchangeResult::protocol_error, "backend asked for body after its end twice");
                return false;
            }
            return send_body_packet(0);
        }
        return send_body_packet(requested);
    }

    bool on_send_headers(std::span<const std::uint8_t> payload) {
        if (outcome_.response_started) {
            fail(ExchangeResult::protocol_error, "backend sent headers twice");
            return false;
        }
        ajp13::SendHeadersView view;
        if (ajp13::decode_send_headers(payload, view) != ajp13::Status::ok) {
            fail(ExchangeResult::protocol_error, "malformed SEND_HEADERS");
            return false;
        }
        outcome_.status = view.status;
        outcome_.response_started = true;
        suppress_body_ = options_.head_request || status_has_no_body(view.status);
        if (!sink_.start(view) || (options_.flush_header && !sink_.flush())) {
            fail(ExchangeResult::client_write_failed, "client went away while receiving headers");
            return false;
        }
        return true;
    }

    bool on_body_chunk(std::span<const std::uint8_t> payload) {
        std::span<const std::uint8_t> data;
        if (ajp13::decode_body_chunk(payload, data) != ajp13::Status::ok) {
            fail(ExchangeResult::protocol_error, "malformed SEND_BODY_CHUNK");
            return false;
        }
        if (!outcome_.response_started) {
            // A flush left over before the headers is harmless; data before headers is not.
            if (data.empty()) return true;
            fail(ExchangeResult::protocol_error, "backend sent body before headers");
            return false;
        }
        bool client_ok = true;
        if (data.empty()) {
            client_ok = sink_.flush();
        } else if (!suppress_body_) {
            client_ok = sink_.body(data) && (!options_.flush_packets || sink_.flush());
            outcome_.response_bytes += data.size();
        }
        if (!client_ok) fail(ExchangeResult::client_write_failed, "client went away while receiving the body");
        return client_ok;
    }

    void on_end_response(std::span<const std::uint8_t> payload) {
        bool reuse = false;
        if (ajp13::decode_end_response(payload, reuse) != ajp13::Status::ok) {
            fail(ExchangeResult::protocol_error, "malformed END_RESPONSE");
            return;
        }
        if (!outcome_.response_started) {
            fail(ExchangeResult::protocol_error, "backend ended the response without headers");
            return;
        }
        if (!sink_.end()) {
            fail(ExchangeResult::client_write_failed, "client went away at the end of the response");
            return;
        }
        outcome_.result = ExchangeResult::ok;
        // Anything already received past END_RESPONSE is a second answer nobody asked for.
        outcome_.reusable = reuse && channel_.unread_bytes() == 0;
        if (!reuse) outcome_.detail = "backend asked to close the connection";
        else if (!outcome_.reusable) outcome_.detail = "backend sent bytes after END_RESPONSE";
    }

    PacketChannel& channel_;
    const ExchangeOptions& options_;
    BodySource& body_;
    ResponseSink& sink_;
    ExchangeOutcome outcome_;
    std::optional<std::uint64_t> remaining_;  // body bytes still owed, when the length is known
    bool body_done_ = false;                  // the end of the body was sent (or there is none)
    bool suppress_body_ = false;
    int asks_after_end_ = 0;
    bool answered_ = false;  // a packet came: the liveness check is over
    bool hung_ = false;      // the liveness check said the member is hung
};

}  // namespace

ExchangeOutcome run_exchange(PacketChannel& channel, const ajp13::ForwardRequest& request,
                             const ExchangeOptions& options, BodySource& body, ResponseSink& sink) {
    return Exchange(channel, options, body, sink).run(request);
}

}  // namespace ajpgate::transport
