// Unit tests of the ajp13 decoders on hostile input: every malformed case of the
// reference's edge-case list, truncation at every byte offset, single-byte corruption.
#include <string>
#include <vector>

#include "ajp13/messages.hpp"
#include "test_ajp13_support.hpp"  // last: it brings in cmocka.h

using namespace ajpgate::ajp13;
using namespace ajp13_test;

namespace {

enum class Kind { forward_request, request_body, send_headers, body_chunk, end_response, get_body_chunk,
                  cping, cpong, shutdown };

// Decodes `payload` as `kind`. A SEND_HEADERS that decodes must then yield exactly
// header_count headers: decode_send_headers promises next_header() cannot fail.
Status decode_as(Kind kind, std::span<const std::uint8_t> payload) {
    std::span<const std::uint8_t> data;
    bool reuse = false;
    std::uint16_t requested = 0;
    switch (kind) {
    case Kind::forward_request: {
        DecodedForwardRequest request;
        return decode_forward_request(payload, request);
    }
    case Kind::request_body: return decode_request_body(payload, data);
    case Kind::send_headers: {
        SendHeadersView view;
        const Status status = decode_send_headers(payload, view);
        if (status != Status::ok) return status;
        HeaderField header;
        std::size_t seen = 0;
        while (next_header(view, header)) {
            assert_false(header.name.empty() && header.value.data() == nullptr);
            ++seen;
        }
        assert_int_equal(seen, view.header_count);
        return status;
    }
    case Kind::body_chunk: return decode_body_chunk(payload, data);
    case Kind::end_response: return decode_end_response(payload, reuse);
    case Kind::get_body_chunk: return decode_get_body_chunk(payload, requested);
    case Kind::cping: return decode_bare(payload, MessageType::cping);
    case Kind::cpong: return decode_bare(payload, MessageType::cpong);
    case Kind::shutdown: return decode_bare(payload, MessageType::shutdown);
    }
    return Status::ok;
}

// FORWARD_REQUEST up to is_ssl; remote_host is null (legal), field `null_at` too.
Builder request_start(std::uint8_t type = 0x02, std::uint8_t method = 2, int null_at = -1) {
    Builder b;
    b.u8(type).u8(method);
    const char* fields[] = {"HTTP/1.1", "/", "1.2.3.4", nullptr, "h"};
    for (int i = 0; i < 5; ++i) {
        if (i == null_at || fields[i] == nullptr) {
            b.null();
        } else {
            b.str(fields[i]);
        }
    }
    return b.u16(80).u8(0);
}

Bytes request_with_header(std::string_view header) { return request_start().u16(1).raw(header).u8(0xFF).bytes; }
Bytes request_with_attributes(std::string_view attributes) { return request_start().u16(0).raw(attributes).bytes; }
Bytes response_start(std::uint16_t status, std::string_view rest) { return Builder().u8(4).u16(status).str("OK").raw(rest).bytes; }

struct Case {
    const char* name;
    Kind kind;
    Bytes payload;
    Status expected;
};

std::vector<Case> forward_request_cases() {
    const Status ok = Status::ok, bad = Status::malformed;
    return {
        {"minimal", Kind::forward_request, request_start().u16(0).u8(0xFF).bytes, ok},
        {"wrong type byte", Kind::forward_request, request_start(0x03).u16(0).u8(0xFF).bytes, bad},
        {"method code 0", Kind::forward_request, request_start(2, 0).u16(0).u8(0xFF).bytes, bad},
        {"method code 28", Kind::forward_request, request_start(2, 28).u16(0).u8(0xFF).bytes, bad},
        {"method code 0xFE", Kind::forward_request, request_start(2, 0xFE).u16(0).u8(0xFF).bytes, bad},
        {"method 0xFF without stored_method", Kind::forward_request, request_start(2, 0xFF).u16(0).u8(0xFF).bytes, bad},
        {"method 0xFF with stored_method", Kind::forward_request,
         request_start(2, 0xFF).u16(0).u8(0x0D).str("PATCH").u8(0xFF).bytes, ok},
        {"method 0xFF with empty stored_method", Kind::forward_request,
         request_start(2, 0xFF).u16(0).u8(0x0D).str("").u8(0xFF).bytes, bad},
        {"null protocol", Kind::forward_request, request_start(2, 2, 0).u16(0).u8(0xFF).bytes, bad},
        {"null uri", Kind::forward_request, request_start(2, 2, 1).u16(0).u8(0xFF).bytes, bad},
        {"null remote_addr", Kind::forward_request, request_start(2, 2, 2).u16(0).u8(0xFF).bytes, bad},
        {"null server_name", Kind::forward_request, request_start(2, 2, 4).u16(0).u8(0xFF).bytes, bad},
        {"string without NUL", Kind::forward_request, Builder().u8(2).u8(2).u16(1).raw("48 01 00 00").bytes, bad},
        {"coded header 0xA00E", Kind::forward_request, request_with_header("a0 0e 00 01 78 00"), ok},
        {"string header name", Kind::forward_request, request_with_header("00 01 58 00 00 01 78 00"), ok},
        {"header code 0xA000", Kind::forward_request, request_with_header("a0 00 00 01 78 00"), bad},
        {"header code 0xA00F", Kind::forward_request, request_with_header("a0 0f 00 01 78 00"), bad},
        {"null header name", Kind::forward_request, request_with_header("ff ff 00 01 78 00"), bad},
        {"null header value", Kind::forward_request, request_with_header("a0 01 ff ff"), bad},
        {"fewer headers than counted", Kind::forward_request,
         request_start().u16(2).raw("a0 01 00 01 78 00 ff").bytes, bad},
        {"every attribute code", Kind::forward_request,
         request_with_attributes("01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00 05 00 00 00 06 00 00 00 07 00 00 00"
                                 "08 00 00 00 09 00 00 00 0a 00 00 00 00 00 00 0b 00 80 0c 00 00 00 0d 00 00 00 ff"),
         ok},
        {"unknown attribute 0x0E", Kind::forward_request, request_with_attributes("0e 00 00 00 ff"), bad},
        {"unknown attribute 0x00", Kind::forward_request, request_with_attributes("00 ff"), bad},
        {"unknown attribute 0x10", Kind::forward_request, request_with_attributes("10 00 00 00 ff"), bad},
        {"null attribute value", Kind::forward_request, request_with_attributes("05 ff ff ff"), bad},
        {"null req_attribute name", Kind::forward_request, request_with_attributes("0a ff ff 00 00 00 ff"), bad},
        {"null req_attribute value", Kind::forward_request, request_with_attributes("0a 00 00 00 ff ff ff"), bad},
        {"ssl_key_size cut short", Kind::forward_request, request_with_attributes("0b 01"), bad},
        {"missing are_done", Kind::forward_request, request_with_attributes(""), bad},
        {"byte after are_done", Kind::forward_request, request_with_attributes("ff 00"), bad},
        {"second are_done", Kind::forward_request, request_with_attributes("ff ff"), bad},
    };
}

std::vector<Case> response_cases() {
    const Status ok = Status::ok, bad = Status::malformed;
    return {
        {"no headers", Kind::send_headers, response_start(200, "00 00"), ok},
        {"null reason is tolerated", Kind::send_headers, hex("04 00 c8 ff ff 00 00"), ok},
        {"wrong type", Kind::send_headers, hex("03 00 c8 00 00 00 00 00"), bad},
        {"status 0", Kind::send_headers, response_start(0, "00 00"), bad},
        {"status 99", Kind::send_headers, response_start(99, "00 00"), bad},
        {"status 100", Kind::send_headers, response_start(100, "00 00"), ok},
        {"status 999", Kind::send_headers, response_start(999, "00 00"), ok},
        {"status 1000", Kind::send_headers, response_start(1000, "00 00"), bad},
        {"code 0xA00B", Kind::send_headers, response_start(200, "00 01 a0 0b 00 00 00"), ok},
        {"code 0xA000", Kind::send_headers, response_start(200, "00 01 a0 00 00 00 00"), bad},
        {"code 0xA00C", Kind::send_headers, response_start(200, "00 01 a0 0c 00 00 00"), bad},
        {"code 0xA0FF", Kind::send_headers, response_start(200, "00 01 a0 ff 00 00 00"), bad},
        {"null header name", Kind::send_headers, response_start(200, "00 01 ff ff 00 00 00"), bad},
        {"null header value", Kind::send_headers, response_start(200, "00 01 a0 01 ff ff"), bad},
        {"value without NUL", Kind::send_headers, response_start(200, "00 01 a0 01 00 01 78 78"), bad},
        {"value longer than payload", Kind::send_headers, response_start(200, "00 01 a0 01 00 09 78 00"), bad},
        {"more headers counted than sent", Kind::send_headers, response_start(200, "00 02 a0 01 00 00 00"), bad},
        {"fewer headers counted than sent", Kind::send_headers,
         response_start(200, "00 01 a0 01 00 00 00 a0 03 00 01 32 00"), bad},
        {"byte after the headers", Kind::send_headers, response_start(200, "00 00 00"), bad},
        {"chunk with NUL", Kind::body_chunk, hex("03 00 02 68 69 00"), ok},
        {"chunk without NUL (mod_jk)", Kind::body_chunk, hex("03 00 02 68 69"), ok},
        {"flush without NUL", Kind::body_chunk, hex("03 00 00"), ok},
        {"length beyond payload", Kind::body_chunk, hex("03 00 05 68 69 00"), bad},
        {"length 0xFFFF", Kind::body_chunk, hex("03 ff ff 68 69 00"), bad},
        {"two bytes after data", Kind::body_chunk, hex("03 00 02 68 69 00 00"), bad},
        {"non-NUL terminator", Kind::body_chunk, hex("03 00 02 68 69 01"), bad},
        {"type only", Kind::body_chunk, hex("03"), bad},
        {"half a length", Kind::body_chunk, hex("03 00"), bad},
        {"chunk with wrong type", Kind::body_chunk, hex("04 00 02 68 69 00"), bad},
        {"empty chunk payload", Kind::body_chunk, {}, bad},
        {"reuse", Kind::end_response, hex("05 01"), ok},
        {"end without reuse byte", Kind::end_response, hex("05"), bad},
        {"end with extra byte", Kind::end_response, hex("05 01 00"), bad},
        {"end with wrong type", Kind::end_response, hex("06 01"), bad},
        {"empty end", Kind::end_response, {}, bad},
        {"get body chunk", Kind::get_body_chunk, hex("06 1f fa"), ok},
        {"get body chunk cut", Kind::get_body_chunk, hex("06 1f"), bad},
        {"get body chunk extra", Kind::get_body_chunk, hex("06 1f fa 00"), bad},
        {"get body chunk wrong type", Kind::get_body_chunk, hex("05 1f fa"), bad},
        {"cpong", Kind::cpong, hex("09"), ok},
        {"cpong with a byte", Kind::cpong, hex("09 00"), bad},
        {"cping is not a cpong", Kind::cpong, hex("0a"), bad},
        {"empty cpong", Kind::cpong, {}, bad},
        {"shutdown with a byte", Kind::shutdown, hex("07 07"), bad},
        {"body: both empty forms", Kind::request_body, hex("00 00"), ok},
        {"body: one byte", Kind::request_body, hex("00"), bad},
        {"body: length beyond payload", Kind::request_body, hex("00 03 61 62"), bad},
        {"body: byte after data", Kind::request_body, hex("00 01 61 62"), bad},
    };
}

void run_cases(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        const Status status = decode_as(c.kind, c.payload);
        if (status != c.expected) {
            fail_msg("%s: got %s, expected %s", c.name, std::string(to_string(status)).c_str(),
                     std::string(to_string(c.expected)).c_str());
        }
    }
}

void forward_request_malformed(void**) { run_cases(forward_request_cases()); }
void response_and_body_malformed(void**) { run_cases(response_cases()); }

// Edge case 12: any non-zero reuse byte means reuse.
void reuse_is_any_non_zero(void**) {
    for (int byte = 0; byte < 256; ++byte) {
        const Bytes payload = {0x05, static_cast<std::uint8_t>(byte)};
        bool reuse = byte == 0;
        assert_int_equal(decode_end_response(payload, reuse), Status::ok);
        assert_int_equal(reuse, byte != 0);
    }
}

std::string packet_hex(Direction direction, const Bytes& payload) {
    const std::uint16_t signature = signature_of(direction);
    return to_hex(Builder().u16(signature).u16(static_cast<std::uint16_t>(payload.size())).bytes) + to_hex(payload);
}

struct Valid {
    Kind kind;
    Direction direction;
    std::string packet;
    std::size_t ok_prefix;  // a prefix length that is itself a valid message (or SIZE_MAX)
};

const std::vector<Valid>& valid_messages() {
    static const std::vector<Valid> all = {
        {Kind::forward_request, Direction::to_container, reference_forward_request, SIZE_MAX},
        {Kind::forward_request, Direction::to_container,
         packet_hex(Direction::to_container, request_start(2, 0xFF).u16(1).raw("a0 01 00 00 00 0d 00 01 58 00 ff").bytes),
         SIZE_MAX},
        {Kind::send_headers, Direction::to_server, reference_send_headers, SIZE_MAX},
        {Kind::send_headers, Direction::to_server, 
         packet_hex(Direction::to_server, hex("04 01 f4 ff ff 00 01 00 00 00 00 01 78 00")), SIZE_MAX},
        {Kind::body_chunk, Direction::to_server, "41 42 00 06 03 00 02 68 69 00", 5},  // without its NUL
        {Kind::request_body, Direction::to_container, "12 34 00 05 00 03 61 62 63", 0},  // empty = end of body
        {Kind::end_response, Direction::to_server, "41 42 00 02 05 01", SIZE_MAX},
        {Kind::get_body_chunk, Direction::to_server, "41 42 00 03 06 1f fa", SIZE_MAX},
        {Kind::cping, Direction::to_container, "12 34 00 01 0a", SIZE_MAX},
        {Kind::cpong, Direction::to_server, "41 42 00 01 09", SIZE_MAX},
        {Kind::shutdown, Direction::to_container, "12 34 00 01 07", SIZE_MAX},
    };
    return all;
}

// Truncation at every byte offset: the decoder says malformed (never reads on), and
// the framer never claims a complete packet.
void truncation_at_every_offset(void**) {
    for (const Valid& v : valid_messages()) {
        const Bytes packet = hex(v.packet);
        const auto payload = payload_of(packet, v.direction);
        assert_int_equal(decode_as(v.kind, payload), Status::ok);
        for (std::size_t n = 0; n < payload.size(); ++n) {
            // A copy of exactly n bytes, so ASan sees any read past the end.
            const Bytes prefix(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(n));
            const Status expected = n == v.ok_prefix ? Status::ok : Status::malformed;
            if (decode_as(v.kind, prefix) != expected) fail_msg("%s cut at %zu", v.packet.c_str(), n);
        }
        for (std::size_t n = 0; n < packet.size(); ++n) {
            const Frame frame = scan_frame(std::span(packet).first(n), v.direction, default_packet_size);
            assert_int_equal(frame.status, Status::need_more);
            assert_int_equal(n + frame.needed, n < header_size ? header_size : packet.size());
        }
    }
}

// Every single-byte corruption of a valid message is either refused or decodes into
// something consistent (decode_as checks the SEND_HEADERS invariant); nothing crashes.
void single_byte_corruption(void**) {
    std::size_t refused = 0;
    for (const Valid& v : valid_messages()) {
        const Bytes packet = hex(v.packet);
        const auto original = payload_of(packet, v.direction);
        for (std::size_t at = 0; at < original.size(); ++at) {
            for (const std::uint8_t value : {0x00, 0x01, 0x7F, 0xA0, 0xFE, 0xFF}) {
                Bytes payload(original.begin(), original.end());
                payload[at] = value;
                if (decode_as(v.kind, payload) == Status::malformed) ++refused;
            }
        }
    }
    assert_true(refused > 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forward_request_malformed),
        cmocka_unit_test(response_and_body_malformed),
        cmocka_unit_test(reuse_is_any_non_zero),
        cmocka_unit_test(truncation_at_every_offset),
        cmocka_unit_test(single_byte_corruption),
    };
    return cmocka_run_group_tests_name("ajp13_malformed", tests, nullptr, nullptr);
}
