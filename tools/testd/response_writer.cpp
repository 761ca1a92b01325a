#include "testd/response_writer.hpp"

#include <algorithm>
#include <random>

#include "ajp13/messages.hpp"
#include "testd/fixed_body.hpp"

namespace ajpgate::testd {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// A body that can never arrive whole: the peer must notice the cut, not wait for it.
constexpr std::uint16_t overflow_excess = 100;

}  // namespace

ResponseWriter::ResponseWriter(Output& out, std::size_t packet_size, StopSignal& stop)
    : out_(out),
      stop_(stop),
      packet_size_(packet_size),
      packet_buffer_(packet_size),
      writer_(packet_buffer_, ajp13::Direction::to_server),
      chunk_(ajp13::max_response_body_chunk(packet_size)) {}

bool ResponseWriter::emit(ajp13::Status encoded) {
    if (encoded != ajp13::Status::ok) return false;
    return out_.append(writer_.packet());
}

bool ResponseWriter::send_cpong() {
    writer_.reset();
    return emit(ajp13::encode_cpong(writer_)) && out_.flush();
}

bool ResponseWriter::send_get_body_chunk(std::uint16_t requested) {
    writer_.reset();
    return emit(ajp13::encode_get_body_chunk(requested, writer_)) && out_.flush();
}

bool ResponseWriter::send_headers(const ResponsePlan& plan) {
    std::vector<ajp13::HeaderField> fields;
    fields.reserve(plan.headers.size());
    for (const auto& header : plan.headers) fields.push_back({header.name, header.value});
    writer_.reset();
    return emit(ajp13::encode_send_headers({plan.status, plan.reason, fields}, writer_));
}

bool ResponseWriter::send_body(const ResponsePlan& plan, const RequestOptions& options, std::uint64_t limit) {
    const std::size_t max_chunk = ajp13::max_response_body_chunk(packet_size_);
    const std::size_t chunk_size = options.chunk == 0 ? max_chunk : std::min(options.chunk, max_chunk);
    for (std::uint64_t offset = 0; offset < limit;) {
        if (offset > 0 && options.body_delay.count() > 0) {
            if (!out_.flush() || !stop_.sleep_for(options.body_delay)) return false;
        }
        if (offset > 0 && options.flush) {
            writer_.reset();
            if (!emit(ajp13::encode_body_chunk({}, writer_))) return false;
        }
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, limit - offset));
        std::span<const std::uint8_t> data;
        if (plan.fixed) {
            fill_fixed_body(std::span<std::uint8_t>(chunk_.data(), take), offset);
            data = std::span<const std::uint8_t>(chunk_.data(), take);
        } else {
            data = as_bytes(plan.text).subspan(static_cast<std::size_t>(offset), take);
        }
        writer_.reset();
        if (!emit(ajp13::encode_body_chunk(data, writer_))) return false;
        offset += take;
    }
    return true;
}

bool ResponseWriter::send_end(bool reuse) {
    writer_.reset();
    return emit(ajp13::encode_end_response(reuse, writer_));
}

bool ResponseWriter::send_whole(const ResponsePlan& plan, const RequestOptions& options, bool reuse) {
    if (!send_headers(plan)) return false;
    if (options.fault == Fault::headers_twice && !send_headers(plan)) return false;
    if (plan.send_body && !send_body(plan, options, plan.body_size())) return false;
    return send_end(reuse);
}

ConnectionFate ResponseWriter::write(const ResponsePlan& plan, const RequestOptions& options) {
    auto delay = options.delay;
    if (options.fault == Fault::slow && delay.count() == 0) delay = default_slow_delay;
    if (delay.count() > 0 && !stop_.sleep_for(delay)) return ConnectionFate::close;

    switch (options.fault) {
    case Fault::close_before_headers:
    case Fault::close_mid_body:
    case Fault::reset_mid_body:
    case Fault::garbage:
    case Fault::oversize_packet:
    case Fault::chunk_length_overflow:
    case Fault::hang:
        return write_broken(plan, options);
    default:
        break;
    }
    const bool reuse = options.fault != Fault::no_reuse;
    if (!send_whole(plan, options, reuse)) return ConnectionFate::close;
    if (options.fault == Fault::second_response) {
        // An unsolicited complete response right after END_RESPONSE (edge case 13).
        ResponsePlan second;
        second.reason = "OK";
        second.text = "second response\n";
        second.headers = {{"Content-Type", "text/plain"}, {"Content-Length", std::to_string(second.text.size())}};
        if (!send_whole(second, RequestOptions{}, true)) return ConnectionFate::close;
    }
    if (!out_.flush()) return ConnectionFate::close;
    return reuse && options.fault != Fault::close_after_end ? ConnectionFate::keep : ConnectionFate::close;
}

ConnectionFate ResponseWriter::write_broken(const ResponsePlan& plan, const RequestOptions& options) {
    switch (options.fault) {
    case Fault::close_mid_body:
    case Fault::reset_mid_body:
        // Headers promise the whole body; about half of it arrives (at least a byte when there is any).
        if (send_headers(plan)) {
            const std::uint64_t size = plan.send_body ? plan.body_size() : 0;
            send_body(plan, options, size == 1 ? 1 : size / 2);
        }
        break;
    case Fault::garbage: send_raw_garbage(); break;
    case Fault::oversize_packet: send_oversize_header(); break;
    case Fault::chunk_length_overflow:
        if (send_headers(plan)) send_overflowing_chunk();
        break;
    case Fault::hang:
        out_.flush();
        wait_silently(out_.fd(), options.hang);
        break;
    default: break;  // close_before_headers: nothing at all
    }
    out_.flush();
    if (options.fault == Fault::reset_mid_body) reset_on_close(out_.fd());
    return ConnectionFate::close;
}

void ResponseWriter::send_raw_garbage() {
    // Starts with text a human recognises in a capture, never with the "AB" signature.
    std::string bytes = "garbage, not AJP:";
    thread_local std::mt19937 random{std::random_device{}()};
    for (int i = 0; i < 47; ++i) bytes.push_back(static_cast<char>(random() & 0xFF));
    out_.append(as_bytes(bytes));
}

void ResponseWriter::send_oversize_header() {
    // A header whose length makes the packet one byte larger than the agreed packet size.
    const std::size_t claimed = packet_size_ - ajp13::header_size + 1;
    const std::uint8_t header[] = {0x41, 0x42, static_cast<std::uint8_t>(claimed >> 8),
                                   static_cast<std::uint8_t>(claimed & 0xFF), 0x03, 0x00, 0x10};
    out_.append(header);
}

void ResponseWriter::send_overflowing_chunk() {
    const std::string_view data = "overflow!!";
    writer_.reset();
    writer_.put_u8(static_cast<std::uint8_t>(ajp13::MessageType::send_body_chunk));
    writer_.put_u16(static_cast<std::uint16_t>(data.size() + overflow_excess));
    writer_.put_bytes(as_bytes(data));
    writer_.put_u8(0);
    emit(writer_.finish());
}

}  // namespace ajpgate::testd
