#include "transport/ajp_service.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "ajp13/messages.hpp"

namespace ajpgate::transport {

PingAnswer ping(PacketChannel& channel, std::chrono::milliseconds timeout) {
    ajp13::PacketWriter writer(channel.send_buffer(), ajp13::Direction::to_container);
    writer.reset();
    if (ajp13::encode_cping(writer) != ajp13::Status::ok || channel.send(writer.packet()) != IoResult::ok) {
        return PingAnswer::send_failed;
    }
    ajp13::Frame frame;
    switch (channel.receive(frame, timeout)) {
    case ReceiveResult::packet: break;
    case ReceiveResult::timeout: return PingAnswer::silent;
    case ReceiveResult::malformed: return PingAnswer::not_ajp;
    case ReceiveResult::closed:
    case ReceiveResult::io_error: return PingAnswer::closed;
    }
    return ajp13::decode_bare(frame.payload, ajp13::MessageType::cpong) == ajp13::Status::ok &&
                   channel.unread_bytes() == 0
               ? PingAnswer::cpong
               : PingAnswer::other;
}

bool cping(PacketChannel& channel, std::chrono::milliseconds timeout) {
    return ping(channel, timeout) == PingAnswer::cpong;
}

std::size_t probe_idle_connections(ConnectionPool& pool, Clock::time_point now, std::chrono::milliseconds interval,
                                   std::chrono::milliseconds timeout) {
    std::size_t closed = 0;
    for (auto& connection : pool.take_idle_unused_since(now - interval)) {
        const bool alive = cping(connection->channel(), timeout);
        if (!alive) ++closed;
        pool.return_probed(std::move(connection), alive);
    }
    return closed;
}

namespace {

// A connection ready to carry the request, or the reason there is none.
struct Taken {
    std::unique_ptr<Connection> connection;
    AcquireResult how = AcquireResult::busy;
    bool probe_failed = false;
    bool unchecked = false;  // reused without the liveness check (trusted as recently used)
};

// `trust_recent`: a connection released within trust_recent_use is taken without asking the
// socket whether the backend closed it meanwhile.
Taken take_connection(ConnectionPool& pool, const ServiceOptions& options, bool trust_recent) {
    Taken taken;
    // Stale idle connections are dropped on the spot; they don't cost an attempt.
    for (;;) {
        taken.how = pool.acquire(taken.connection, !options.disable_reuse);
        if (taken.how != AcquireResult::reused) break;
        if (trust_recent && pool.now() - taken.connection->last_used < options.trust_recent_use) {
            taken.unchecked = true;
            break;
        }
        if (!taken.connection->link().idle_peer_spoke()) break;
        pool.release(std::move(taken.connection), false, pool.now());
    }
    if (!taken.connection) return taken;
    const bool fresh = taken.how == AcquireResult::connected;
    std::chrono::milliseconds probe_timeout{0};
    if (fresh && options.cping_after_connect) probe_timeout = options.connect_cping_timeout;
    if (options.cping_before_request) probe_timeout = options.prepost_cping_timeout;
    if (probe_timeout.count() > 0 && !cping(taken.connection->channel(), probe_timeout)) {
        pool.release(std::move(taken.connection), false, pool.now());
        taken.probe_failed = true;
    }
    return taken;
}

// Notes when the backend's headers went on to the client (the metrics' time to headers); the
// rest passes straight through.
class HeadersClock final : public ResponseSink {
public:
    HeadersClock(ResponseSink& inner, const ConnectionPool& pool) : inner_(inner), pool_(pool) {}
    bool start(ajp13::SendHeadersView& headers) override {
        at_ = pool_.now();
        return inner_.start(headers);
    }
    bool body(std::span<const std::uint8_t> data) override { return inner_.body(data); }
    bool flush() override { return inner_.flush(); }
    bool idle() override { return inner_.idle(); }
    bool end() override { return inner_.end(); }
    std::optional<Clock::time_point> at() const noexcept { return at_; }

private:
    ResponseSink& inner_;
    const ConnectionPool& pool_;
    std::optional<Clock::time_point> at_;
};

std::chrono::microseconds micros(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

// The client's body consumed so far can go to the backend again: none was, or all of it
// went in the first write, whose bytes are still there to be sent once more.
bool body_replayable(const ExchangeOutcome& e) { return e.body_bytes_read == 0 || e.replayable_bytes > 0; }

// An unchecked pooled connection that turned out dead before the backend said a word: the
// backend closed it while it sat idle (or died on the request). Nothing was lost, so the
// next attempt goes at once, on a checked or new connection: no retry_interval for a socket
// that was merely stale.
bool stale_connection(const ExchangeOutcome& e) {
    return (e.result == ExchangeResult::send_failed || e.result == ExchangeResult::backend_closed) &&
           !e.response_started && body_replayable(e);
}

balancer::Failure failure_of(ExchangeResult r) noexcept {
    using balancer::Failure;
    switch (r) {
    case ExchangeResult::ok: return Failure::none;
    case ExchangeResult::request_too_large: return Failure::request_too_large;
    case ExchangeResult::send_failed: return Failure::send_failed;
    case ExchangeResult::backend_closed: return Failure::backend_closed;
    case ExchangeResult::backend_timeout: return Failure::reply_timeout;
    case ExchangeResult::backend_hung: return Failure::backend_hung;
    case ExchangeResult::protocol_error: return Failure::protocol_error;
    case ExchangeResult::client_read_failed: return Failure::client_read_failed;
    case ExchangeResult::client_write_failed: return Failure::client_write_failed;
    }
    return Failure::protocol_error;
}

balancer::PolicyInput exchange_input(const ExchangeOutcome& e, const ServiceOptions& options) noexcept {
    balancer::PolicyInput in;
    in.failure = failure_of(e.result);
    in.progress = e.response_started ? balancer::Progress::headers_received
                  : e.request_sent   ? balancer::Progress::request_sent
                                     : balancer::Progress::nothing_sent;
    in.body = e.body_bytes_read == 0     ? balancer::BodyState::none
              : e.replayable_bytes > 0   ? balancer::BodyState::replayable
                                         : balancer::BodyState::consumed;
    in.method = options.method;
    in.recovery = options.recovery;
    return in;
}

// The body packet behind the request in `written` (request + first body packet, as sent).
void keep_first_body_packet(const std::vector<std::uint8_t>& written, std::uint64_t body_bytes, ServiceOutcome& outcome) {
    const ajp13::Frame request = ajp13::scan_frame(written, ajp13::Direction::to_container, written.size());
    if (request.status != ajp13::Status::ok || request.packet_size >= written.size()) return;
    outcome.first_body_packet.assign(written.begin() + static_cast<std::ptrdiff_t>(request.packet_size), written.end());
    outcome.first_body_bytes = body_bytes;
}

// A pooled connection may skip the liveness check only when the policy would send the
// request again should the backend turn out to have closed it.
bool replay_allowed(const ServiceOptions& options) noexcept {
    balancer::PolicyInput in;
    in.failure = balancer::Failure::backend_closed;
    in.progress = balancer::Progress::request_sent;
    in.method = options.method;
    in.recovery = options.recovery;
    return balancer::decide(in).step == balancer::NextStep::retry_same;
}

// A request with a Content-Length owes its first body packet together with the request. It
// is read from the client here, before any connection is taken: a client that trickles its
// body (or never sends it) holds no backend connection, and no thread of the backend, while
// it dawdles. Only the body past the first packet is read with a connection held, once the
// backend asked for it. False when the client's body broke or ended early (`failed` says how).
bool read_first_body_packet(BodySource& body, std::size_t packet_size, std::uint64_t length,
                            std::vector<std::uint8_t>& packet, std::uint64_t& body_bytes, ExchangeOutcome& failed) {
    packet.resize(packet_size);
    const std::size_t wanted =
        static_cast<std::size_t>(std::min<std::uint64_t>(ajp13::max_request_body_chunk(packet_size), length));
    std::size_t filled = 0;
    const ClientBodyRead read =
        read_client_body(body, std::span<std::uint8_t>(packet).subspan(ajp13::request_body_data_offset, wanted), true, filled);
    std::span<const std::uint8_t> framed;
    if (read != ClientBodyRead::ok || ajp13::encode_body_packet_header(packet, filled, framed) != ajp13::Status::ok) {
        failed.result = ExchangeResult::client_read_failed;
        // (The packet header cannot fail: `wanted` was cut to the packet.)
        failed.detail = read != ClientBodyRead::ok ? describe(read) : "request body packet does not fit the buffer";
        failed.body_bytes_read = filled;
        return false;
    }
    packet.resize(framed.size());
    body_bytes = filled;
    return true;
}

}  // namespace

ServiceOutcome serve_request(ConnectionPool& pool, const ServiceOptions& options, const ajp13::ForwardRequest& request,
                             const ExchangeOptions& exchange_options, BodySource& body, ResponseSink& sink,
                             const Sleeper& sleep) {
    ServiceOutcome outcome;
    const Clock::time_point began = pool.now();
    HeadersClock timed_sink(sink, pool);
    const int attempts = options.retries < 1 ? 1 : options.retries;
    // Only a request another attempt can replay may skip the check: replays after sending
    // allowed (recovery_options) and retries left. A body is replayable too, as long as the
    // backend has not asked for more than the packet that went with the request.
    bool trust_recent = attempts > 1 && options.trust_recent_use.count() > 0 && replay_allowed(options);
    bool at_once = false;  // the last attempt only found a stale connection
    // What a failed attempt wrote with the body's first packet, to be written again: the
    // client's body cannot be read twice. Filled only on that failure path.
    std::vector<std::uint8_t> held;
    std::uint64_t held_body_bytes = 0;
    ExchangeOptions attempt_options = exchange_options;
    std::vector<std::uint8_t> first_body;
    std::uint64_t first_body_bytes = 0;
    if (exchange_options.replay.empty() && exchange_options.replay_body.empty() && exchange_options.content_length &&
        *exchange_options.content_length > 0) {
        if (!read_first_body_packet(body, pool.options().packet_size, *exchange_options.content_length, first_body,
                                    first_body_bytes, outcome.exchange)) {
            return outcome;  // no connection was taken: the backend hears nothing of it
        }
        // Every attempt sends it behind the request it encodes (as another member's kept packet).
        attempt_options.replay_body = first_body;
        attempt_options.replay_body_bytes = first_body_bytes;
    }
    bool exchanged = false;  // an exchange ran, and took the first body packet with it
    // Every way out: a failed request leaves its first body packet for another member.
    const auto finish = [&]() -> ServiceOutcome& {
        if (!held.empty() && outcome.exchange.result != ExchangeResult::ok) {
            keep_first_body_packet(held, held_body_bytes, outcome);
        } else if (!exchanged && !first_body.empty()) {
            // Busy or no connection: the packet read ahead never left; another member gets it.
            outcome.first_body_packet = std::move(first_body);
            outcome.first_body_bytes = first_body_bytes;
        }
        const Clock::time_point ended = pool.now();
        outcome.total_time = micros(ended - began);
        if (const auto headers = timed_sink.at()) outcome.headers_time = micros(*headers - began);
        return outcome;
    };
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (attempt > 0 && !at_once && options.retry_interval.count() > 0) sleep(options.retry_interval);
        at_once = false;
        ++outcome.attempts;
        Taken taken = take_connection(pool, options, trust_recent);
        if (taken.how == AcquireResult::busy) {
            outcome.result = ServiceResult::busy;
            return finish();
        }
        if (!taken.connection) {
            outcome.result = ServiceResult::connect_failed;
            outcome.cping_failed = taken.probe_failed;
            outcome.connect_timed_out = taken.how == AcquireResult::connect_timeout && !taken.probe_failed;
            // A connect that timed out is not made again: a second would wait as long for the
            // same silence (a host that is gone, or an accept queue that is full). An lb sends
            // the request to another member sooner; a refused connect is cheap to retry.
            if (outcome.connect_timed_out) return finish();
            continue;
        }
        outcome.result = ServiceResult::ok;
        outcome.cping_failed = false;
        outcome.connect_timed_out = false;
        if (taken.how == AcquireResult::connected) outcome.connect_time = micros(taken.connection->connect_time);
        outcome.exchange = run_exchange(taken.connection->channel(), request, attempt_options, body, timed_sink);
        exchanged = true;
        const ExchangeOutcome& e = outcome.exchange;
        // An answered request needs no verdict here (it is asked only when something failed).
        const balancer::Decision decision =
            e.result == ExchangeResult::ok ? balancer::Decision{} : balancer::decide(exchange_input(e, options));
        const bool retry = decision.step == balancer::NextStep::retry_same && attempt + 1 < attempts;
        // recovery_options bit 4: the application learns of the client's failure by a reset.
        if (decision.hard_close_backend) taken.connection->link().reset_on_close();
        if (e.result != ExchangeResult::ok && e.replayable_bytes > 0 && held.empty()) {
            // Copied before the dead connection (and its buffer) goes back to the pool: this
            // member's next attempt, or another member, sends it again.
            const auto sent = taken.connection->channel().send_buffer_prefix(e.replayable_bytes);
            held.assign(sent.begin(), sent.end());
            held_body_bytes = e.body_bytes_read;
        }
        if (retry && !held.empty()) {
            attempt_options.replay = held;
            attempt_options.replay_body_bytes = held_body_bytes;
        }
        const bool reusable = e.reusable && !options.disable_reuse;
        if (e.result == ExchangeResult::ok) ++taken.connection->requests;
        pool.release(std::move(taken.connection), reusable, pool.now());
        if (taken.unchecked && stale_connection(e)) {
            trust_recent = false;  // the other idle connections may be just as dead: check them
            at_once = true;
        }
        if (!retry) return finish();
    }
    return finish();
}

balancer::PolicyInput policy_input(const ServiceOutcome& outcome, const ServiceOptions& options) noexcept {
    balancer::PolicyInput in;
    in.method = options.method;
    in.recovery = options.recovery;
    // A connect that failed after an earlier exchange consumed body: that body's state stands.
    in.body = exchange_input(outcome.exchange, options).body;
    switch (outcome.result) {
    case ServiceResult::busy: in.failure = balancer::Failure::busy; return in;
    case ServiceResult::connect_failed:
        in.failure = outcome.cping_failed ? balancer::Failure::cping_failed : balancer::Failure::connect_failed;
        return in;
    case ServiceResult::ok: break;
    }
    return exchange_input(outcome.exchange, options);
}

}  // namespace ajpgate::transport
