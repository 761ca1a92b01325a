#include "testd/connection.hpp"

#include <charconv>
#include <cstdio>
#include <optional>
#include <vector>

#include "ajp13/messages.hpp"
#include "testd/response_plan.hpp"
#include "testd/response_writer.hpp"
#include "testd/sha256.hpp"
#include "testd/socket_io.hpp"
#include "testd/text.hpp"

namespace ajpgate::testd {
namespace {

enum class LengthKind { none, valid, invalid };

LengthKind content_length(const ajp13::DecodedForwardRequest& request, std::uint64_t& length) {
    for (const auto& header : request.headers) {
        if (!iequals(header.name, "content-length")) continue;
        const auto [end, ec] = std::from_chars(header.value.data(), header.value.data() + header.value.size(), length);
        const bool ok = !header.value.empty() && ec == std::errc{} && end == header.value.data() + header.value.size();
        return ok ? LengthKind::valid : LengthKind::invalid;
    }
    return LengthKind::none;
}

struct BodySummary {
    std::uint64_t length = 0;
    std::string sha256;
};

class Connection {
public:
    Connection(int fd, std::uint64_t number, ServerContext& context)
        : number_(number),
          context_(context),
          packet_size_(context.options.packet_size),
          reader_(fd, packet_size_),
          out_(fd),
          writer_(out_, packet_size_, context.stop) {}

    // Records open, serves requests until the end, records close with the reason.
    void serve(const std::string& peer);

private:
    std::uint64_t next_seq() noexcept { return ++seq_; }
    // Returns why the connection ended.
    std::string run();
    void log(const std::string& what) const;
    // false: the connection must close; `why` says why.
    bool handle_request(std::span<const std::uint8_t> payload, std::string& why);
    // Reads the whole body, asking `request_size` bytes per GET_BODY_CHUNK.
    bool read_body(std::optional<std::uint64_t> announced, std::size_t request_size, BodySummary& body, bool hash,
                   std::string& why);
    // The 400 for a bad X-Testd, the 403 for a wrong secret (both reset `options`), or the
    // response the options ask for.
    ResponsePlan choose_plan(const ajp13::DecodedForwardRequest& request, const BodySummary& body,
                             const std::string& options_error, RequestOptions& options);
    // One request body data packet; `data` views the reader's buffer.
    bool read_body_packet(std::span<const std::uint8_t>& data, std::string& why);
    RequestOptions options_for(const ajp13::DecodedForwardRequest& request, std::string& error) const;

    std::uint64_t number_;
    ServerContext& context_;
    std::size_t packet_size_;
    FrameReader reader_;
    Output out_;
    ResponseWriter writer_;
    bool no_cpong_ = false;  // fault=no-cpong came on this connection
    std::uint64_t seq_ = 0;
    std::uint64_t requests_ = 0;
    std::vector<std::uint8_t> request_bytes_;  // the FORWARD_REQUEST outlives body reads
};

void Connection::serve(const std::string& peer) {
    context_.recorder.connection_open(number_, 0, peer);
    const std::string why = run();
    context_.recorder.connection_close(number_, next_seq(), why);
}

void Connection::log(const std::string& what) const {
    if (context_.options.quiet) return;
    std::fprintf(stderr, "ajp-testd: conn %llu: %s\n", static_cast<unsigned long long>(number_), what.c_str());
}

std::string Connection::run() {
    for (;;) {
        ajp13::Frame frame;
        const ReadResult read = reader_.next(frame);
        if (read == ReadResult::eof) return "peer closed";
        if (read != ReadResult::frame) {
            if (read == ReadResult::malformed) {
                log("malformed packet header (wrong signature or oversize length); closing");
                context_.recorder.simple(number_, next_seq(), "malformed", 0, "bad packet header");
            } else if (!context_.stop.stopping()) {
                log(std::string("read failed: ") + std::string(to_string(read)));
            }
            return std::string(to_string(read));
        }
        const auto type = frame.type();
        const std::size_t len = frame.payload.size();
        if (type == ajp13::MessageType::forward_request) {
            std::string why;
            if (!handle_request(frame.payload, why)) return why;
        } else if (type == ajp13::MessageType::cping) {
            context_.recorder.simple(number_, next_seq(), "cping", len);
            // --no-cpong is a command-line fault like the others: only within the window.
            if (no_cpong_ || (context_.options.no_cpong &&
                              command_line_faults_apply(context_.options, context_.since_start()))) {
                continue;
            }
            const auto delay = context_.options.cpong_delay;
            if (delay.count() > 0 && command_line_faults_apply(context_.options, context_.since_start()) &&
                !context_.stop.sleep_for(delay)) {
                return "stopping";
            }
            if (!writer_.send_cpong()) return "write failed";
        } else if (type == ajp13::MessageType::shutdown) {
            // Tomcat treats SHUTDOWN as an unexpected message and closes the connection.
            context_.recorder.simple(number_, next_seq(), "shutdown", len);
            return "shutdown message";
        } else {
            const unsigned first = len > 0 ? frame.payload[0] : 0;
            context_.recorder.simple(number_, next_seq(), "unknown", len, "first byte " + std::to_string(first));
            log("unexpected message type " + std::to_string(first) + " between requests; closing");
            return "unexpected message";
        }
    }
}

RequestOptions Connection::options_for(const ajp13::DecodedForwardRequest& request, std::string& error) const {
    RequestOptions options = defaults_at(context_.options, context_.since_start());
    for (const auto& header : request.headers) {
        if (iequals(header.name, "x-testd") && !apply_testd_header(options, header.value, error)) break;
    }
    return options;
}

bool Connection::handle_request(std::span<const std::uint8_t> payload, std::string& why) {
    request_bytes_.assign(payload.begin(), payload.end());
    ajp13::DecodedForwardRequest request;
    if (ajp13::decode_forward_request(request_bytes_, request) != ajp13::Status::ok) {
        log("malformed FORWARD_REQUEST; closing");
        context_.recorder.simple(number_, next_seq(), "malformed", payload.size(), "forward_request");
        why = "malformed forward_request";
        return false;
    }
    context_.recorder.forward_request(number_, next_seq(), payload.size(), request);
    ++requests_;
    const RequestGauge::Held counted(context_.requests);

    std::uint64_t announced = 0;
    const LengthKind kind = content_length(request, announced);
    if (kind == LengthKind::invalid) {
        // Without a usable length the body framing is unknown: answer and drop the connection.
        RequestOptions close_after;
        close_after.fault = Fault::no_reuse;
        writer_.write(error_plan(400, "invalid Content-Length\n"), close_after);
        why = "invalid content-length";
        return false;
    }
    std::string error;
    RequestOptions options = options_for(request, error);
    BodySummary body;
    const std::size_t max_chunk = ajp13::max_request_body_chunk(packet_size_);
    const std::size_t ask = options.body_request == 0 ? max_chunk : std::min(options.body_request, max_chunk);
    // Only an echo reports the body's SHA-256: hashing every upload would make a benchmark's
    // backend its bottleneck.
    const bool hash = options.mode == BodyMode::echo;
    if (!read_body(kind == LengthKind::valid ? std::optional(announced) : std::nullopt, ask, body, hash, why)) {
        return false;
    }

    if (options.fault == Fault::no_cpong) no_cpong_ = true;
    const ResponsePlan plan = choose_plan(request, body, error, options);
    if (writer_.write(plan, options) == ConnectionFate::close) {
        why = options.fault == Fault::none ? "write failed"
                                           : std::string("fault ") + std::string(fault_name(options.fault));
        return false;
    }
    return true;
}

ResponsePlan Connection::choose_plan(const ajp13::DecodedForwardRequest& request, const BodySummary& body,
                                     const std::string& options_error, RequestOptions& options) {
    if (!options_error.empty()) {
        options = RequestOptions{};
        return error_plan(400, "X-Testd: " + options_error + "\n");
    }
    // Like Tomcat with `secret`: a missing or wrong attribute 0x0C is refused.
    const auto& secret = context_.options.secret;
    if (secret && !(request.secret && constant_time_equals(*secret, *request.secret))) {
        options = RequestOptions{};
        return error_plan(403, "secret missing or wrong\n");
    }
    return plan_response(context_, {request, body.length, body.sha256, number_, requests_}, options);
}

bool Connection::read_body_packet(std::span<const std::uint8_t>& data, std::string& why) {
    ajp13::Frame frame;
    const ReadResult read = reader_.next(frame);
    if (read != ReadResult::frame) {
        log("body packet expected, got " + std::string(to_string(read)));
        if (read == ReadResult::malformed)
            context_.recorder.simple(number_, next_seq(), "malformed", 0, "bad packet header");
        why = "body read " + std::string(to_string(read));
        return false;
    }
    if (ajp13::decode_request_body(frame.payload, data) != ajp13::Status::ok) {
        log("malformed request body packet; closing");
        context_.recorder.simple(number_, next_seq(), "malformed", frame.payload.size(), "body");
        why = "malformed body packet";
        return false;
    }
    context_.recorder.body(number_, next_seq(), frame.payload.size(), data.size());
    return true;
}

bool Connection::read_body(std::optional<std::uint64_t> announced, std::size_t request_size, BodySummary& body, bool hash,
                           std::string& why) {
    Sha256 sha;
    // With a length, the first packet comes unasked; we ask for the rest.
    bool ask = !announced.has_value();
    while (!announced || body.length < *announced) {
        if (ask && !writer_.send_get_body_chunk(static_cast<std::uint16_t>(request_size))) {
            why = "write failed";
            return false;
        }
        ask = true;
        std::span<const std::uint8_t> data;
        if (!read_body_packet(data, why)) return false;
        if (data.empty()) break;  // end of body (or the web server gave up early)
        if (hash) sha.update(data);
        body.length += data.size();
    }
    if (announced && body.length > *announced) {
        log("request body longer than its Content-Length; closing");
        why = "body overrun";
        return false;
    }
    if (hash) body.sha256 = to_hex(sha.finish());
    return true;
}

}  // namespace

void serve_connection(int fd, std::uint64_t connection_number, const std::string& peer, ServerContext& context) {
    Connection connection(fd, connection_number, context);
    connection.serve(peer);
}

}  // namespace ajpgate::testd
