// libFuzzer target: one whole exchange (lib/transport/exchange.cpp) against a backend that says
// anything, in any pieces, at any pace. The input:
//
//   byte 0   bits 0-1 the request body: 0 none (length 0), 1 a Content-Length, 2 chunked
//            (unknown length), 3 a Content-Length the client does not keep (one more than it has);
//            bit 2 HEAD; bit 3 FlushPackets; bit 4 FlushHeader; bit 5 a reply_timeout;
//            bit 6 the hung-member check; bit 7 a request header that nearly fills a packet
//   byte 1   bits 0-1 what the backend does after its last byte (close, silence, error, close);
//            bits 2-3 max_packet_size (8192, 8192, 1024, 16384); bits 4-7 the client's body piece size
//   byte 2-3 the client's body length (12 bits), bit 4 of byte 3: a client that has one byte
//            more than its Content-Length; bits 5-7 of byte 3: how often the backend says all
//            after its first packet (1, 2, 8, 32, 128, 512, 2048, 8192 times, up to 256 KiB in
//            all): long enough answers to fill the receive buffer and make it move its bytes
//   byte 4   low 5 bits the client's body read that fails (0: none), high 3 bits the write to the
//            backend that fails (0: none); byte 5: the sink call at which the
//            client goes away (0: never); byte 6: the hung check's answers (bit i: i-th answer)
//   byte 7   reply_timeout (low nibble) and the hung check's interval (high nibble)
//   byte 8-15 eight read steps, used in turn: low 5 bits the most a read gets, high 3 bits
//            how long its bytes take to arrive
//   the rest: what the backend says
//
// What is checked (beyond ASan/UBSan): the sink's promises (exchange_fakes.hpp CheckingSink),
// the client's body never read past its end nor past its Content-Length and forwarded as it
// was, the outcome consistent with what the sink got and with what the backend said, reuse
// only after a clean END_RESPONSE that ends exactly where the received bytes end, and no
// wait for the backend longer than reply_timeout (or the socket timeout when there is none).
//
// Hop-by-hop headers are not lib's to drop (modules/httpd_io.cpp does, with
// ajp13::is_hop_by_hop): lib promises the headers check_send_headers lets through, which the
// sink verifies independently.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ajp13/framing.hpp"
#include "exchange_fakes.hpp"
#include "transport/exchange.hpp"
#include "transport/packet_channel.hpp"

namespace {

using namespace exchange_fuzz;
using transport::ExchangeOptions;
using transport::ExchangeOutcome;
using transport::ExchangeResult;

constexpr std::size_t control_size = 16;
constexpr std::array<std::size_t, 32> read_sizes{0,  1,  2,  3,  4,  5,   6,   7,   8,   9,   10,   11,   12,   16,   20,    24,
                                                 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 4096, 8192, 16384};
constexpr std::array<int, 8> read_delays_ms{0, 0, 0, 0, 10, 200, 1000, 5000};
constexpr std::array<std::size_t, 4> packet_sizes{8192, 8192, 1024, 16384};
constexpr std::array<std::size_t, 16> body_pieces{1 << 20, 1, 2, 3, 7, 100, 1000, 4096, 1 << 20, 1 << 20, 1, 5, 64, 8185, 1017, 9000};
constexpr auto socket_timeout = std::chrono::milliseconds(3000);

struct Scenario {
    ExchangeOptions options;
    std::size_t packet_size = 8192;
    std::size_t body_available = 0;
    std::size_t body_piece = 0;
    int body_fails_at = 0;
    int write_fails_at = 0;
    int client_gone_at = 0;
    std::uint8_t liveness_answers = 0;
    bool big_header = false;
    IoResult at_end = IoResult::eof;
    std::array<ReadStep, 8> steps{};
    std::size_t repeats = 1;
};

Scenario decode_scenario(const std::uint8_t* c) {
    Scenario s;
    const std::size_t length = c[2] | std::size_t{c[3] & 0x0fu} << 8;
    switch (c[0] & 3) {
    case 0: s.options.content_length = 0; break;
    case 1: s.options.content_length = length; break;
    case 2: break;  // chunked: nullopt
    case 3: s.options.content_length = length + 1; break;
    }
    s.body_available = (c[0] & 3) == 0 ? 0 : length + ((c[3] & 0x10) ? 1 : 0);
    constexpr std::array<std::size_t, 8> repeat_counts{1, 2, 8, 32, 128, 512, 2048, 8192};
    s.repeats = repeat_counts[c[3] >> 5];
    s.options.head_request = c[0] & 0x04;
    s.options.flush_packets = c[0] & 0x08;
    s.options.flush_header = c[0] & 0x10;
    if (c[0] & 0x20) s.options.reply_timeout = std::chrono::milliseconds(100 * ((c[7] & 0x0f) + 1));
    if (c[0] & 0x40) s.options.liveness_after = std::chrono::milliseconds(50 * ((c[7] >> 4) + 1));
    s.big_header = c[0] & 0x80;
    constexpr std::array<IoResult, 4> ends{IoResult::eof, IoResult::timeout, IoResult::error, IoResult::eof};
    s.at_end = ends[c[1] & 3];
    s.packet_size = packet_sizes[(c[1] >> 2) & 3];
    s.body_piece = body_pieces[c[1] >> 4];
    s.body_fails_at = c[4] & 0x1f;
    s.write_fails_at = c[4] >> 5;
    s.client_gone_at = c[5];
    s.liveness_answers = c[6];
    for (std::size_t i = 0; i < s.steps.size(); ++i) {
        s.steps[i] = {read_sizes[c[8 + i] & 0x1f], std::chrono::milliseconds(read_delays_ms[c[8 + i] >> 5])};
    }
    return s;
}

// The backend's whole answer: the input's first packet (by its length field), then the rest
// `repeats` times, at most max_stream bytes. Built in one buffer kept across runs.
constexpr std::size_t max_stream = 256 * 1024;

std::span<const std::uint8_t> backend_stream(std::span<const std::uint8_t> tail, std::size_t repeats) {
    if (repeats <= 1 || tail.size() < 4) return tail;
    const std::size_t first = std::min(tail.size(), 4 + (std::size_t{tail[2]} << 8 | tail[3]));
    const auto rest = tail.subspan(first);
    if (rest.empty()) return tail;
    repeats = std::min(repeats, (max_stream - first) / rest.size());
    static std::vector<std::uint8_t> stream;
    stream.assign(tail.begin(), tail.begin() + static_cast<std::ptrdiff_t>(first));
    for (std::size_t i = 0; i < repeats; ++i) stream.insert(stream.end(), rest.begin(), rest.end());
    return stream;
}

// What the delivered bytes say, framed independently of PacketChannel: the body chunks up to
// the first END_RESPONSE, and where that END_RESPONSE ends.
struct BackendSaid {
    std::string body;
    std::size_t end_at = 0;  // 0: no END_RESPONSE
    bool reuse = false;
};

BackendSaid backend_said(std::span<const std::uint8_t> bytes, std::size_t packet_size) {
    BackendSaid said;
    std::size_t at = 0;
    while (bytes.size() - at >= 4 && bytes[at] == 'A' && bytes[at + 1] == 'B') {
        const std::size_t length = std::size_t{bytes[at + 2]} << 8 | bytes[at + 3];
        if (length + 4 > packet_size || bytes.size() - at - 4 < length || length == 0) break;
        const auto payload = bytes.subspan(at + 4, length);
        at += 4 + length;
        std::span<const std::uint8_t> data;
        if (payload[0] == 3 && ajp13::decode_body_chunk(payload, data) == ajp13::Status::ok) {
            said.body.append(reinterpret_cast<const char*>(data.data()), data.size());
        }
        if (payload[0] == 5 && ajp13::decode_end_response(payload, said.reuse) == ajp13::Status::ok) {
            said.end_at = at;
            break;
        }
    }
    return said;
}

// The packets the exchange wrote: FORWARD_REQUEST first, then body packets whose data is the
// client's body, in order. Returns the body bytes forwarded.
std::size_t check_writes(const PacedLink& link) {
    std::size_t body = 0;
    bool first = true;
    for (const auto& write : link.writes) {
        for (std::size_t at = 0; at < write.size();) {
            check(write.size() - at >= 4 && write[at] == 0x12 && write[at + 1] == 0x34);
            const std::size_t length = std::size_t{write[at + 2]} << 8 | write[at + 3];
            check(write.size() - at - 4 >= length);
            if (first) {
                check(length > 0 && write[at + 4] == 2);
            } else if (length > 0) {
                check(length >= 2 && (std::size_t{write[at + 4]} << 8 | write[at + 5]) == length - 2);
                for (std::size_t i = 0; i + 2 < length; ++i) check(write[at + 6 + i] == PatternBody::byte_at(body + i));
                body += length - 2;
            }
            first = false;
            at += 4 + length;
        }
    }
    return body;
}

void check_outcome(const Scenario& s, const ExchangeOutcome& out, const CheckingSink& sink, const PacedLink& link,
                   const PatternBody& body, const ScriptedLiveness& liveness, std::span<const std::uint8_t> stream) {
    const bool ok = out.result == ExchangeResult::ok;
    check(ok || !out.detail.empty());
    check(out.response_started == (sink.starts == 1));
    check(out.status == sink.status);
    check(out.response_bytes == sink.body_bytes);
    if (sink.ends == 1) check(ok || out.result == ExchangeResult::client_write_failed);
    if (ok) check(sink.ends == 1 && out.request_sent);
    if (out.request_sent) check(!link.writes.empty());
    if (out.result == ExchangeResult::send_failed) check(!out.request_sent && link.writes.size() == 1 && !out.reusable);
    // A failed write ends the exchange: nothing is written after it, and nothing is reused.
    if (s.write_fails_at > 0 && link.writes.size() >= static_cast<std::size_t>(s.write_fails_at)) {
        check(link.writes.size() == static_cast<std::size_t>(s.write_fails_at) && !out.reusable);
        check(out.result == ExchangeResult::send_failed || out.result == ExchangeResult::backend_closed);
    }
    if (out.result == ExchangeResult::request_too_large) check(link.writes.empty() && out.reusable);

    const BackendSaid said = backend_said(stream.first(link.delivered), s.packet_size);
    if (ok) check(said.end_at > 0);
    const bool bodiless = s.options.head_request || sink.status == 204 || sink.status == 304;
    if (bodiless) check(sink.body_bytes == 0);
    if (ok && !bodiless) {
        check(sink.body_text == said.body);
        if (sink.declared) check(sink.body_bytes == *sink.declared);
    }
    // Reused only when the last byte received is the end of a clean END_RESPONSE(reuse).
    if (out.reusable && out.result != ExchangeResult::request_too_large) {
        check(ok && said.reuse && said.end_at == link.delivered);
    }

    // The client's body: never past its end or its Content-Length, forwarded as it came.
    const std::size_t forwarded = check_writes(link);
    check(out.body_bytes_read == forwarded);
    check(forwarded <= body.offered);
    if (out.result != ExchangeResult::client_read_failed) check(forwarded == body.offered);
    if (s.options.content_length) check(body.offered <= *s.options.content_length);
    check(out.replayable_bytes == 0 || (out.body_bytes_read > 0 && out.replayable_bytes == link.writes.front().size()));

    if (out.result == ExchangeResult::backend_timeout) check(link.timeouts > 0);
    if (out.result == ExchangeResult::backend_hung) check(liveness.said_hung && !out.response_started);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::array<std::uint8_t, control_size> control{};
    std::copy(data, data + std::min(size, control_size), control.begin());
    const Scenario s = decode_scenario(control.data());
    const std::span<const std::uint8_t> stream = backend_stream(
        size > control_size ? std::span<const std::uint8_t>(data + control_size, size - control_size)
                            : std::span<const std::uint8_t>(),
        s.repeats);

    transport::testing::FakeTime time;
    const auto bound = s.options.reply_timeout.count() > 0 ? s.options.reply_timeout : socket_timeout;
    PacedLink link(time, stream, s.steps, s.at_end, socket_timeout, bound);
    link.fail_write_number = s.write_fails_at;
    PatternBody body(s.body_available, s.body_piece, s.body_fails_at);
    CheckingSink sink(s.options.head_request, s.client_gone_at);
    ScriptedLiveness liveness(s.liveness_answers);
    ExchangeOptions options = s.options;
    options.socket_timeout = socket_timeout;
    if (options.liveness_after.count() > 0) options.liveness = &liveness;

    static const std::string filler(16384, 'v');
    const ajp13::HeaderField big{"X-Filler", std::string_view(filler).substr(0, s.packet_size - 128 + control[2] % 128)};
    ajp13::ForwardRequest request = transport::testing::simple_request(
        s.options.head_request ? "HEAD" : (s.body_available > 0 || !s.options.content_length ? "POST" : "GET"));
    if (s.big_header) request.headers = {&big, 1};

    transport::PacketChannel channel(link, s.packet_size);
    const ExchangeOutcome out = transport::run_exchange(channel, request, options, body, sink);
    // FUZZ_EXCHANGE_TRACE=1: one line per input, to see what a seed or a finding does.
    static const bool trace = std::getenv("FUZZ_EXCHANGE_TRACE") != nullptr;
    if (trace) {
        std::fprintf(stderr, "result=%s reusable=%d status=%u body_read=%llu response_bytes=%llu delivered=%zu/%zu (%.*s)\n",
                     std::string(transport::to_string(out.result)).c_str(), out.reusable, out.status,
                     static_cast<unsigned long long>(out.body_bytes_read),
                     static_cast<unsigned long long>(out.response_bytes), link.delivered, stream.size(),
                     static_cast<int>(out.detail.size()), out.detail.data());
    }
    check_outcome(s, out, sink, link, body, liveness, stream);
    return 0;
}
