#include "transport/exchange.hpp"

#include <algorithm>

#include "ajp13/constants.hpp"
#include "ajp13/response_checks.hpp"
#include "transport/watched_receive.hpp"

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

std::string_view describe(ClientBodyRead read) noexcept {
    switch (read) {
    case ClientBodyRead::ok: return "ok";
    case ClientBodyRead::failed: return "reading the request body from the client failed";
    case ClientBodyRead::short_body: return "the client sent less body than its Content-Length";
    }
    return "unknown";
}

ClientBodyRead read_client_body(BodySource& body, std::span<std::uint8_t> space, bool exact, std::size_t& filled) {
    filled = 0;
    while (filled < space.size()) {
        std::size_t got = 0;
        if (body.read(space.subspan(filled), got) != IoResult::ok) return ClientBodyRead::failed;
        if (got == 0) break;
        filled += got;
        // A body of unknown length goes in whatever pieces the client delivers.
        if (!exact) break;
    }
    return exact && filled < space.size() ? ClientBodyRead::short_body : ClientBodyRead::ok;
}

namespace {

// Where the exchange stands. The backend is read only in the three middle states, and each
// message is handled only in the states that allow it (see the handlers); anything else
// from the backend is a protocol error.
enum class State : std::uint8_t {
    sending_request,    // the request (with the first body packet, if any) is not out yet
    awaiting_headers,   // sent: the backend may ask for body or flush until SEND_HEADERS
    streaming,          // headers delivered: body chunks go to the client
    discarding,         // headers delivered for HEAD or a 1xx/204/304: body chunks are dropped
    done,               // END_RESPONSE taken; the outcome says whether to reuse
    broken,             // failed (outcome_.result says how); nothing more is read or written
};

// The request body, a machine of its own: the backend may ask for it before its headers or
// after them (a servlet that reads while it streams), so it is not a phase of State.
enum class Upload : std::uint8_t {
    owed,             // more of the client's body goes out when the backend asks
    ended,            // its end went out (or there is no body): one more ask gets an empty packet
    ended_and_asked,  // ... which was sent: Tomcat may ask once after the end, not twice
};

// The transitions that exist. Any state may also break (a write, a read or the client can
// fail at any point): fail() goes to `broken` without asking.
constexpr bool legal(State from, State to) noexcept {
    switch (from) {
    case State::sending_request: return to == State::awaiting_headers;
    case State::awaiting_headers: return to == State::streaming || to == State::discarding;
    case State::streaming:
    case State::discarding: return to == State::done;
    case State::done:
    case State::broken: return false;
    }
    return false;
}

constexpr bool legal(Upload from, Upload to) noexcept {
    switch (from) {
    case Upload::owed: return to == Upload::ended;
    case Upload::ended: return to == Upload::ended_and_asked;
    case Upload::ended_and_asked: return false;
    }
    return false;
}

// Statuses whose responses carry no body, whatever the backend sends.
bool status_has_no_body(std::uint16_t status) noexcept {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

class Exchange {
public:
    Exchange(PacketChannel& channel, const ExchangeOptions& options, BodySource& body, ResponseSink& sink)
        : channel_(channel),
          options_(options),
          body_(body),
          sink_(sink),
          receive_(channel, {options.reply_timeout, options.socket_timeout, options.liveness, options.liveness_after}) {}

    ExchangeOutcome run(const ajp13::ForwardRequest& request) {
        send_request(request);
        while (reading()) {
            // Before waiting on the backend, let the client have what the sink holds back.
            if (state_ != State::awaiting_headers && !channel_.has_complete_packet() && !sink_.idle()) {
                fail(ExchangeResult::client_write_failed, "client went away while receiving the body");
                break;
            }
            ajp13::Frame frame;
            const ReceiveResult received = receive_.next(frame);
            if (received != ReceiveResult::packet) {
                fail_receive(received);
                break;
            }
            dispatch(frame);
        }
        return outcome_;
    }

private:
    bool reading() const noexcept {
        return state_ == State::awaiting_headers || state_ == State::streaming || state_ == State::discarding;
    }

    // The one way `current` changes (fail() aside): a transition the table does not know is
    // the backend (or this code) out of order, and ends the exchange as a protocol error
    // with `detail` saying which order was broken.
    template <typename Machine>
    bool advance(Machine& current, Machine next, std::string_view detail) {
        if (!legal(current, next)) {
            fail(ExchangeResult::protocol_error, detail);
            return false;
        }
        current = next;
        return true;
    }

    // Checks the transition without taking it, for a handler that must decode first to
    // know which of the allowed next states it is.
    bool may_enter(State next, std::string_view detail) {
        if (legal(state_, next)) return true;
        fail(ExchangeResult::protocol_error, detail);
        return false;
    }

    void fail(ExchangeResult result, std::string_view detail) {
        state_ = State::broken;
        outcome_.result = result;
        outcome_.reusable = false;
        outcome_.detail = detail;
    }

    void fail_receive(ReceiveResult received) {
        if (received == ReceiveResult::timeout && receive_.member_hung()) {
            return fail(ExchangeResult::backend_hung, "no answer, and a new connection got no CPONG: the member is hung");
        }
        switch (received) {
        case ReceiveResult::closed: return fail(ExchangeResult::backend_closed, "backend closed the connection");
        case ReceiveResult::timeout: return fail(ExchangeResult::backend_timeout, "no reply within reply_timeout");
        case ReceiveResult::malformed: return fail(ExchangeResult::protocol_error, "bad packet header from backend");
        case ReceiveResult::io_error:
        case ReceiveResult::packet: break;
        }
        fail(ExchangeResult::backend_closed, "read from backend failed");
    }

    void dispatch(const ajp13::Frame& frame) {
        const auto type = frame.type();
        if (!type) return fail(ExchangeResult::protocol_error, "empty packet from backend");
        switch (*type) {
        case ajp13::MessageType::get_body_chunk: return on_get_body_chunk(frame.payload);
        case ajp13::MessageType::send_headers: return on_send_headers(frame.payload);
        case ajp13::MessageType::send_body_chunk: return on_body_chunk(frame.payload);
        case ajp13::MessageType::end_response: return on_end_response(frame.payload);
        default: return fail(ExchangeResult::protocol_error, "unexpected message type from backend");
        }
    }

    // ---- sending_request ------------------------------------------------------------

    void send_request(const ajp13::ForwardRequest& request) {
        remaining_ = options_.content_length;
        if (!options_.replay.empty()) return send_replay();
        ajp13::PacketWriter writer(channel_.send_buffer(), ajp13::Direction::to_container);
        writer.reset();
        if (ajp13::encode_forward_request(request, writer) != ajp13::Status::ok) {
            fail(ExchangeResult::request_too_large, "request headers do not fit in one packet");
            outcome_.reusable = true;  // nothing went out: the connection is as clean as before
            return;
        }
        const std::size_t request_size = writer.packet().size();
        if (!options_.replay_body.empty()) return send_with_kept_body(request_size);
        // A positive Content-Length obliges us to send the first body packet unasked: it goes
        // in the same write as the request (one syscall, one wake-up of the backend). With no
        // length or a zero length nothing may be sent before the backend asks.
        if (options_.content_length && *options_.content_length > 0) {
            send_body_packet(ajp13::max_request_body_chunk(channel_.packet_size()), request_size);
            return;
        }
        if (options_.content_length) advance(upload_, Upload::ended, "request body ended twice");
        send_first(channel_.send_buffer_prefix(request_size));
    }

    // The request and first body packet of a failed attempt, as they were: the body they
    // carry counts as read, the rest of it is still the client's.
    void send_replay() {
        took_body(options_.replay_body_bytes);
        send_first(options_.replay);
    }

    // The request just encoded, followed by the first body packet another member received.
    void send_with_kept_body(std::size_t request_size) {
        const std::span<std::uint8_t> room = channel_.send_buffer_at(request_size);
        if (options_.replay_body.size() > ajp13::max_request_body_chunk(channel_.packet_size()) + ajp13::request_body_data_offset ||
            options_.replay_body.size() > room.size()) {
            // Only with members of different max_packet_size: the packet cannot be cut again.
            fail(ExchangeResult::request_too_large, "the first body packet is larger than this member's max_packet_size");
            outcome_.reusable = true;
            return;
        }
        std::copy(options_.replay_body.begin(), options_.replay_body.end(), room.begin());
        took_body(options_.replay_body_bytes);
        send_first(channel_.send_buffer_prefix(request_size + options_.replay_body.size()));
    }

    // The first write of the exchange: the request, and its first body packet if any.
    void send_first(std::span<const std::uint8_t> bytes) {
        // Until the backend asks for more body, these bytes stay as written: replayable.
        if (outcome_.body_bytes_read > 0) outcome_.replayable_bytes = bytes.size();
        if (channel_.send(bytes) != IoResult::ok) {
            return fail(ExchangeResult::send_failed, "could not send the request to the backend");
        }
        outcome_.request_sent = true;
        advance(state_, State::awaiting_headers, "request sent twice");
    }

    // ---- the request body, in any reading state ----------------------------------

    // `n` more bytes of the client's body are on their way to the backend; none means its end.
    void took_body(std::uint64_t n) {
        outcome_.body_bytes_read += n;
        if (remaining_) *remaining_ -= std::min(n, *remaining_);
        if (upload_ == Upload::owed && (n == 0 || (remaining_ && *remaining_ == 0))) {
            advance(upload_, Upload::ended, "request body ended twice");
        }
    }

    // Reads up to `wanted` bytes from the client straight into the send buffer behind the
    // data packet's header, then frames and sends them. An empty read ends the body.
    // `request_size` > 0: the request packet sits in front of it, and goes out with it.
    void send_body_packet(std::size_t wanted, std::size_t request_size = 0) {
        std::span<std::uint8_t> buffer = channel_.send_buffer_at(request_size);
        wanted = std::min(wanted, ajp13::max_request_body_chunk(buffer.size()));
        if (remaining_) wanted = static_cast<std::size_t>(std::min<std::uint64_t>(wanted, *remaining_));

        std::size_t filled = 0;
        const ClientBodyRead read =
            read_client_body(body_, buffer.subspan(ajp13::request_body_data_offset, wanted), remaining_.has_value(), filled);
        if (read != ClientBodyRead::ok) return fail(ExchangeResult::client_read_failed, describe(read));
        took_body(filled);

        std::span<const std::uint8_t> packet;
        if (filled == 0) {
            ajp13::PacketWriter writer(buffer, ajp13::Direction::to_container);
            ajp13::encode_end_of_body(ajp13::EmptyBodyForm::no_payload, writer);
            packet = writer.packet();
        } else if (ajp13::encode_body_packet_header(buffer, filled, packet) != ajp13::Status::ok) {
            // Cannot happen (`wanted` was cut to the buffer): kept as a checked failure.
            return fail(ExchangeResult::client_read_failed, "request body packet does not fit the buffer");
        }
        // The buffer has room for both packets (send_buffer_at()): one write carries them.
        if (request_size > 0) return send_first(channel_.send_buffer_prefix(request_size + packet.size()));
        if (channel_.send(packet) != IoResult::ok) {
            fail(ExchangeResult::backend_closed, "could not send request body to the backend");
        }
    }

    // GET_BODY_CHUNK: in every reading state.
    void on_get_body_chunk(std::span<const std::uint8_t> payload) {
        std::uint16_t requested = 0;
        if (ajp13::decode_get_body_chunk(payload, requested) != ajp13::Status::ok) {
            return fail(ExchangeResult::protocol_error, "malformed GET_BODY_CHUNK");
        }
        // The backend has the request and its first packet, and the send buffer is about to
        // be overwritten: from here on, nothing is replayed.
        outcome_.replayable_bytes = 0;
        if (upload_ == Upload::owed) return send_body_packet(requested);
        // Tomcat may ask once more after the end; it gets the empty packet once, and a
        // backend that keeps asking is broken.
        if (!advance(upload_, Upload::ended_and_asked, "backend asked for body after its end twice")) return;
        send_body_packet(0);
    }

    // ---- the response ------------------------------------------------------------

    // SEND_HEADERS: only in awaiting_headers.
    void on_send_headers(std::span<const std::uint8_t> payload) {
        // Checked before decoding: a second SEND_HEADERS is wrong whatever it holds.
        if (!may_enter(State::streaming, "backend sent headers twice")) return;
        ajp13::SendHeadersView view;
        if (ajp13::decode_send_headers(payload, view) != ajp13::Status::ok) {
            return fail(ExchangeResult::protocol_error, "malformed SEND_HEADERS");
        }
        // Nothing of a response that could steer the client connection's framing goes out.
        if (const auto problem = ajp13::check_send_headers(view, declared_length_); problem != ajp13::HeaderProblem::none) {
            return fail(ExchangeResult::protocol_error, ajp13::describe(problem));
        }
        outcome_.status = view.status;
        outcome_.response_started = true;
        const bool bodiless = options_.head_request || status_has_no_body(view.status);
        advance(state_, bodiless ? State::discarding : State::streaming, "backend sent headers twice");
        if (!sink_.start(view) || (options_.flush_header && !sink_.flush())) {
            fail(ExchangeResult::client_write_failed, "client went away while receiving headers");
        }
    }

    // SEND_BODY_CHUNK: data in streaming (delivered) or discarding (dropped); an empty one,
    // a flush, in any reading state.
    void on_body_chunk(std::span<const std::uint8_t> payload) {
        std::span<const std::uint8_t> data;
        if (ajp13::decode_body_chunk(payload, data) != ajp13::Status::ok) {
            return fail(ExchangeResult::protocol_error, "malformed SEND_BODY_CHUNK");
        }
        bool client_ok = true;
        switch (state_) {
        case State::awaiting_headers:
            // A flush left over before the headers is harmless; data before headers is not.
            if (!data.empty()) fail(ExchangeResult::protocol_error, "backend sent body before headers");
            return;
        case State::streaming:
            if (data.empty()) {
                client_ok = sink_.flush();
                break;
            }
            // Bytes beyond the declared length would reach the client as the start of another answer.
            if (declared_length_ && outcome_.response_bytes + data.size() > *declared_length_) {
                return fail(ExchangeResult::protocol_error, "backend sent more body than its Content-Length");
            }
            client_ok = sink_.body(data) && (!options_.flush_packets || sink_.flush());
            outcome_.response_bytes += data.size();
            break;
        case State::discarding:
            if (data.empty()) client_ok = sink_.flush();
            break;
        case State::sending_request:
        case State::done:
        case State::broken:
            return fail(ExchangeResult::protocol_error, "body chunk outside the response");
        }
        if (!client_ok) fail(ExchangeResult::client_write_failed, "client went away while receiving the body");
    }

    // END_RESPONSE: only once the headers went out (streaming or discarding).
    void on_end_response(std::span<const std::uint8_t> payload) {
        bool reuse = false;
        if (ajp13::decode_end_response(payload, reuse) != ajp13::Status::ok) {
            return fail(ExchangeResult::protocol_error, "malformed END_RESPONSE");
        }
        if (!may_enter(State::done, "backend ended the response without headers")) return;
        if (state_ == State::streaming && declared_length_ && outcome_.response_bytes != *declared_length_) {
            return fail(ExchangeResult::protocol_error, "backend sent less body than its Content-Length");
        }
        if (!sink_.end()) {
            return fail(ExchangeResult::client_write_failed, "client went away at the end of the response");
        }
        advance(state_, State::done, "backend ended the response without headers");
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
    WatchedReceive receive_;
    ExchangeOutcome outcome_;
    State state_ = State::sending_request;
    Upload upload_ = Upload::owed;
    std::optional<std::uint64_t> remaining_;  // body bytes still owed, when the length is known
    std::optional<std::uint64_t> declared_length_;  // the backend's Content-Length
};

}  // namespace

ExchangeOutcome run_exchange(PacketChannel& channel, const ajp13::ForwardRequest& request,
                             const ExchangeOptions& options, BodySource& body, ResponseSink& sink) {
    return Exchange(channel, options, body, sink).run(request);
}

}  // namespace ajpgate::transport
