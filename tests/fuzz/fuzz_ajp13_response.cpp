// libFuzzer target: what the web server reads from an (untrusted) container. The input is
// a byte stream framed into packets exactly as a connection would be; each packet is
// decoded by its type, and every header of a SEND_HEADERS is iterated.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ajp13/framing.hpp"
#include "ajp13/messages.hpp"
#include "ajp13_frames.hpp"

namespace {

using namespace ajpgate::ajp13;

using ajp13_fuzz::check;

void decode_headers(std::span<const std::uint8_t> payload) {
    SendHeadersView view;
    if (decode_send_headers(payload, view) != Status::ok) return;
    check(view.status >= 100 && view.status <= 999);
    HeaderField header;
    std::size_t seen = 0;
    while (next_header(view, header)) {
        // Values are views into the payload, never past it.
        const auto* value = reinterpret_cast<const std::uint8_t*>(header.value.data());
        check(value >= payload.data() && value + header.value.size() <= payload.data() + payload.size());
        ++seen;
    }
    // decode_send_headers promises that iteration cannot fail after a successful decode.
    check(seen == view.header_count);
}

void decode_packet(const Frame& frame) {
    const auto type = frame.type();
    if (!type) return;
    switch (*type) {
    case MessageType::send_headers: decode_headers(frame.payload); break;
    case MessageType::send_body_chunk: {
        std::span<const std::uint8_t> data;
        if (decode_body_chunk(frame.payload, data) == Status::ok) {
            check(data.size() + 3 <= frame.payload.size());
            check(data.empty() || data.data() == frame.payload.data() + 3);
        }
        break;
    }
    case MessageType::end_response: {
        bool reuse = false;
        if (decode_end_response(frame.payload, reuse) == Status::ok) check(frame.payload.size() == 2);
        break;
    }
    case MessageType::get_body_chunk: {
        std::uint16_t requested = 0;
        if (decode_get_body_chunk(frame.payload, requested) == Status::ok) check(frame.payload.size() == 3);
        break;
    }
    case MessageType::cpong:
        if (decode_bare(frame.payload, MessageType::cpong) == Status::ok) check(frame.payload.size() == 1);
        break;
    default: break;  // the caller's state machine refuses other types
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ajp13_fuzz::for_each_packet({data, size}, Direction::to_server, decode_packet);
    return 0;
}
