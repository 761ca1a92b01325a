// Unit tests of the ajp13 building blocks: PacketWriter, PayloadReader, scan_frame.
#include <array>
#include <optional>

#include "ajp13/constants.hpp"
#include "ajp13/framing.hpp"
#include "ajp13/packet_writer.hpp"
#include "ajp13/payload_reader.hpp"
#include "test_ajp13_support.hpp"  // last: it brings in cmocka.h

using namespace ajpgate::ajp13;
using namespace ajp13_test;

namespace {

// ---- PacketWriter -----------------------------------------------------------

void writer_reset_writes_signature(void**) {
    std::array<std::uint8_t, 16> buffer{};
    PacketWriter to_container(buffer, Direction::to_container);
    assert_int_equal(to_container.finish(), Status::ok);
    assert_bytes(to_container.packet(), hex("12 34 00 00"), "to_container");
    PacketWriter to_server(buffer, Direction::to_server);
    assert_int_equal(to_server.finish(), Status::ok);
    assert_bytes(to_server.packet(), hex("41 42 00 00"), "to_server");
    assert_int_equal(to_server.payload_size(), 0);
    assert_int_equal(to_server.remaining(), 12);
    assert_int_equal(to_server.capacity(), 16);
}

struct PutCase {
    const char* name;
    bool (*put)(PacketWriter&);
    const char* expected;  // whole packet after finish()
};

const PutCase put_cases[] = {
    {"u8", [](PacketWriter& w) { return w.put_u8(0xAB); }, "41 42 00 01 ab"},
    {"u16", [](PacketWriter& w) { return w.put_u16(0x1FFA); }, "41 42 00 02 1f fa"},
    {"u16 max", [](PacketWriter& w) { return w.put_u16(0xFFFF); }, "41 42 00 02 ff ff"},
    {"bool true", [](PacketWriter& w) { return w.put_bool(true); }, "41 42 00 01 01"},
    {"bool false", [](PacketWriter& w) { return w.put_bool(false); }, "41 42 00 01 00"},
    {"string", [](PacketWriter& w) { return w.put_string("hi"); }, "41 42 00 05 00 02 68 69 00"},
    {"empty string", [](PacketWriter& w) { return w.put_string(""); }, "41 42 00 03 00 00 00"},
    {"string with NUL inside", [](PacketWriter& w) { return w.put_string(std::string_view("a\0b", 3)); },
     "41 42 00 06 00 03 61 00 62 00"},
    {"null string", [](PacketWriter& w) { return w.put_null_string(); }, "41 42 00 02 ff ff"},
    {"bytes", [](PacketWriter& w) { return w.put_bytes(as_bytes("abc")); }, "41 42 00 03 61 62 63"},
    {"no bytes", [](PacketWriter& w) { return w.put_bytes({}); }, "41 42 00 00"},
    {"coded header name", [](PacketWriter& w) { return w.put_header_name("Content-Type", 0xA001); },
     "41 42 00 02 a0 01"},
    {"string header name", [](PacketWriter& w) { return w.put_header_name("X-A", std::nullopt); },
     "41 42 00 06 00 03 58 2d 41 00"},
};

void writer_puts_encode_big_endian(void**) {
    for (const PutCase& c : put_cases) {
        std::array<std::uint8_t, 64> buffer{};
        PacketWriter writer(buffer, Direction::to_server);
        if (!c.put(writer)) fail_msg("%s: put failed", c.name);
        assert_int_equal(writer.finish(), Status::ok);
        assert_bytes(writer.packet(), hex(c.expected), c.name);
    }
}

// A buffer of exactly `packet_size` bytes holds exactly packet_size - 4 payload bytes.
void writer_fills_packet_exactly(void**) {
    for (const std::size_t packet_size : {std::size_t{8192}, std::size_t{65536}}) {
        std::vector<std::uint8_t> buffer(packet_size);
        const std::vector<std::uint8_t> payload(packet_size - header_size, 0x5A);
        PacketWriter writer(buffer, Direction::to_container);
        assert_true(writer.put_bytes(payload));
        assert_int_equal(writer.remaining(), 0);
        assert_int_equal(writer.finish(), Status::ok);
        assert_int_equal(writer.packet().size(), packet_size);
        assert_int_equal(buffer[2], (packet_size - header_size) >> 8);
        assert_int_equal(buffer[3], (packet_size - header_size) & 0xFF);

        // One byte more: the put fails, nothing is written, the writer is poisoned.
        writer.reset();
        const std::vector<std::uint8_t> too_big(packet_size - header_size + 1, 0x5A);
        assert_false(writer.put_bytes(too_big));
        assert_int_equal(writer.payload_size(), 0);
        assert_true(writer.overflowed());
        assert_int_equal(writer.finish(), Status::does_not_fit);
    }
}

void writer_failed_put_is_atomic_and_poisons(void**) {
    std::array<std::uint8_t, 10> buffer{};
    PacketWriter writer(buffer, Direction::to_server);
    assert_true(writer.put_u8(1));
    // 2 + 3 + 1 = 6 bytes needed, 5 left: nothing of the string may be written.
    assert_false(writer.put_string("abc"));
    assert_int_equal(writer.payload_size(), 1);
    // Poisoned: even a put that would fit now fails.
    assert_false(writer.put_u8(2));
    assert_false(writer.put_u16(2));
    assert_false(writer.put_bool(true));
    assert_false(writer.put_null_string());
    assert_false(writer.put_bytes({}));
    assert_int_equal(writer.payload_size(), 1);
    assert_int_equal(writer.finish(), Status::does_not_fit);
    // reset() clears the poison.
    writer.reset();
    assert_false(writer.overflowed());
    assert_true(writer.put_string("ab"));
    assert_int_equal(writer.finish(), Status::ok);
    assert_bytes(writer.packet(), hex("41 42 00 05 00 02 61 62 00"), "after reset");
}

void writer_boundary_of_each_put(void**) {
    // Each put exactly fills a buffer of header + n bytes and fails with one byte less.
    struct Boundary {
        const char* name;
        std::size_t size;
        bool (*put)(PacketWriter&);
    };
    const Boundary cases[] = {
        {"u8", 1, [](PacketWriter& w) { return w.put_u8(1); }},
        {"u16", 2, [](PacketWriter& w) { return w.put_u16(1); }},
        {"bool", 1, [](PacketWriter& w) { return w.put_bool(true); }},
        {"string", 6, [](PacketWriter& w) { return w.put_string("abc"); }},
        {"null string", 2, [](PacketWriter& w) { return w.put_null_string(); }},
        {"bytes", 3, [](PacketWriter& w) { return w.put_bytes(as_bytes("abc")); }},
        {"coded name", 2, [](PacketWriter& w) { return w.put_header_name("x", 0xA00B); }},
    };
    for (const Boundary& c : cases) {
        std::vector<std::uint8_t> exact(header_size + c.size);
        PacketWriter fits(exact, Direction::to_container);
        if (!c.put(fits) || fits.remaining() != 0) fail_msg("%s should fit exactly", c.name);
        std::vector<std::uint8_t> short_by_one(header_size + c.size - 1);
        PacketWriter does_not(short_by_one, Direction::to_container);
        if (c.put(does_not) || does_not.finish() != Status::does_not_fit) fail_msg("%s should not fit", c.name);
    }
}

void writer_rejects_unencodable_strings(void**) {
    std::vector<std::uint8_t> buffer(200000);
    PacketWriter writer(buffer, Direction::to_container);
    // The 2-byte length caps a packet at 4 + 0xFFFF bytes, however big the buffer.
    assert_int_equal(writer.capacity(), header_size + 0xFFFF);
    const std::string null_length(0xFFFF, 'x');
    assert_false(writer.put_string(null_length));
    assert_int_equal(writer.payload_size(), 0);
    assert_int_equal(writer.finish(), Status::does_not_fit);

    writer.reset();
    const std::vector<std::uint8_t> all(0xFFFF, 1);
    assert_true(writer.put_bytes(all));
    assert_int_equal(writer.finish(), Status::ok);
    assert_int_equal(buffer[2], 0xFF);
    assert_int_equal(buffer[3], 0xFF);
}

void writer_header_name_length_limit(void**) {
    std::vector<std::uint8_t> buffer(max_packet_size);
    PacketWriter writer(buffer, Direction::to_container);
    // A string name of 0xA000 bytes would start with the byte 0xA0 and read back as a code.
    assert_false(writer.put_header_name(std::string(0xA000, 'n'), std::nullopt));
    assert_int_equal(writer.finish(), Status::does_not_fit);
    writer.reset();
    assert_true(writer.put_header_name(std::string(0x9FFF, 'n'), std::nullopt));
    assert_int_equal(writer.finish(), Status::ok);
    assert_int_equal(buffer[4], 0x9F);
    assert_int_equal(buffer[5], 0xFF);
}

void writer_buffer_smaller_than_header(void**) {
    std::array<std::uint8_t, 3> buffer{};
    PacketWriter writer(buffer, Direction::to_container);
    assert_true(writer.overflowed());
    assert_int_equal(writer.payload_size(), 0);
    assert_false(writer.put_u8(1));
    assert_int_equal(writer.finish(), Status::does_not_fit);
}

// ---- PayloadReader ----------------------------------------------------------

void reader_reads_scalars(void**) {
    const Bytes data = hex("ab 1f fa ff ff 00 01 02");
    PayloadReader reader(data);
    std::uint8_t u8 = 0;
    std::uint16_t u16 = 0;
    bool flag = true;
    assert_true(reader.peek_u8(u8));
    assert_int_equal(u8, 0xAB);
    assert_int_equal(reader.position(), 0);
    assert_true(reader.get_u8(u8));
    assert_int_equal(u8, 0xAB);
    assert_true(reader.get_u16(u16));
    assert_int_equal(u16, 0x1FFA);
    assert_true(reader.get_u16(u16));
    assert_int_equal(u16, 0xFFFF);  // unsigned 0..65535 (edge case 1)
    assert_true(reader.get_bool(flag));
    assert_false(flag);
    assert_true(reader.get_bool(flag));
    assert_true(flag);
    assert_true(reader.get_bool(flag));  // any non-zero byte is true
    assert_true(flag);
    assert_true(reader.at_end());
    assert_int_equal(reader.remaining(), 0);
    assert_false(reader.peek_u8(u8));
    assert_false(reader.failed());  // peeking at the end does not poison
    assert_false(reader.get_u8(u8));
    assert_true(reader.failed());
    assert_false(reader.at_end());
}

struct StringCase {
    const char* name;
    const char* input;
    bool ok;
    std::optional<std::string_view> value;  // when ok
};

const StringCase string_cases[] = {
    {"plain", "00 02 68 69 00", true, "hi"},
    {"empty", "00 00 00", true, ""},
    {"null", "ff ff", true, std::nullopt},
    {"null ignores what follows", "ff ff 00", true, std::nullopt},
    {"NUL inside", "00 03 61 00 62 00", true, std::string_view("a\0b", 3)},
    {"missing NUL", "00 02 68 69", false, {}},
    {"wrong terminator", "00 02 68 69 01", false, {}},
    {"length beyond data", "00 05 68 69 00", false, {}},
    {"one length byte", "00", false, {}},
    {"nothing", "", false, {}},
    {"0xFFFE is a length, not null", "ff fe 00", false, {}},
};

void reader_strings(void**) {
    for (const StringCase& c : string_cases) {
        const Bytes data = hex(c.input);
        PayloadReader reader(data);
        std::optional<std::string_view> value = "untouched";
        const bool ok = reader.get_string(value);
        if (ok != c.ok) fail_msg("%s: get_string returned %d", c.name, ok);
        if (!ok) {
            assert_true(reader.failed());
            assert_true(value.has_value());
            assert_text(*value, "untouched", c.name);
            continue;
        }
        assert_int_equal(value.has_value(), c.value.has_value());
        if (value) assert_text(*value, *c.value, c.name);

        PayloadReader required(data);
        std::string_view text = "untouched";
        assert_int_equal(required.get_required_string(text), c.value.has_value());
        if (!c.value) {
            assert_true(required.failed());
            assert_text(text, "untouched", c.name);
        }
    }
}

void reader_failure_poisons(void**) {
    const Bytes data = hex("00 09 61 00 01 02 03");
    PayloadReader reader(data);
    std::optional<std::string_view> value;
    assert_false(reader.get_string(value));
    // Bytes remain, but nothing may be read any more.
    std::uint8_t u8 = 0x77;
    std::uint16_t u16 = 0x7777;
    std::span<const std::uint8_t> bytes;
    assert_false(reader.get_u8(u8));
    assert_false(reader.get_u16(u16));
    assert_false(reader.get_bytes(0, bytes));
    assert_false(reader.peek_u8(u8));
    assert_int_equal(u8, 0x77);
    assert_int_equal(u16, 0x7777);
    assert_int_equal(reader.remaining(), 0);
    assert_false(reader.at_end());
}

void reader_bytes(void**) {
    const Bytes data = hex("61 62 63");
    PayloadReader reader(data);
    std::span<const std::uint8_t> out;
    assert_true(reader.get_bytes(2, out));
    assert_text(as_text(out), "ab", "first two");
    assert_false(reader.get_bytes(2, out));  // only one left
    assert_text(as_text(out), "ab", "untouched");

    PayloadReader huge(data);
    assert_false(huge.get_bytes(static_cast<std::size_t>(-1), out));  // no overflow in the check
    assert_true(huge.failed());

    PayloadReader empty({});
    assert_true(empty.at_end());
    assert_true(empty.get_bytes(0, out));
    assert_int_equal(out.size(), 0);
}

void reader_header_names(void**) {
    struct Case {
        const char* input;
        bool ok;
        std::uint16_t code;
        const char* name;
    };
    const Case cases[] = {
        {"a0 0b", true, 0xA00B, ""},
        {"a0 00", true, 0xA000, ""},  // table validity is the message decoder's business
        {"00 03 58 2d 41 00", true, 0, "X-A"},
        {"9f ff", false, 0, ""},       // a string length of 0x9FFF with no bytes
        {"ff ff", false, 0, ""},       // a null name
        {"a0", false, 0, ""},
        {"", false, 0, ""},
    };
    for (const Case& c : cases) {
        const Bytes data = hex(c.input);
        PayloadReader reader(data);
        std::uint16_t code = 0x1111;
        std::string_view name = "x";
        const bool ok = reader.get_header_name(code, name);
        if (ok != c.ok) fail_msg("'%s': get_header_name returned %d", c.input, ok);
        if (!ok) {
            assert_true(reader.failed());
            continue;
        }
        assert_int_equal(code, c.code);
        assert_text(name, c.name, c.input);
        assert_true(reader.at_end());
    }
}

// ---- framing ----------------------------------------------------------------

void frame_needs_the_header_first(void**) {
    const Bytes packet = hex("41 42 00 01 09");
    for (std::size_t n = 0; n < header_size; ++n) {
        const Frame frame = scan_frame(std::span(packet).first(n), Direction::to_server, 8192);
        assert_int_equal(frame.status, Status::need_more);
        assert_int_equal(frame.needed, header_size - n);
    }
    const Frame frame = scan_frame(std::span(packet).first(4), Direction::to_server, 8192);
    assert_int_equal(frame.status, Status::need_more);
    assert_int_equal(frame.needed, 1);
}

void frame_complete_packet(void**) {
    // Followed by the start of another packet: only the first one is framed.
    const Bytes input = hex("41 42 00 01 09 41 42");
    const Frame frame = scan_frame(input, Direction::to_server, 8192);
    assert_int_equal(frame.status, Status::ok);
    assert_int_equal(frame.packet_size, 5);
    assert_int_equal(frame.payload.size(), 1);
    assert_ptr_equal(frame.payload.data(), input.data() + 4);
    assert_true(frame.type() == MessageType::cpong);
}

void frame_type(void**) {
    const Bytes empty_body = hex("12 34 00 00");
    const Frame empty = scan_frame(empty_body, Direction::to_container, 8192);
    assert_int_equal(empty.status, Status::ok);
    assert_int_equal(empty.packet_size, 4);
    assert_false(empty.type().has_value());
    // A body data packet has no type byte: type() reports the first byte as it is (edge case 3),
    // and so does an unknown type; the caller's state decides what the packet means.
    const Bytes data = hex("12 34 00 05 00 03 61 62 63");
    const Frame body = scan_frame(data, Direction::to_container, 8192);
    assert_int_equal(static_cast<int>(*body.type()), 0x00);
    const Bytes unknown = hex("41 42 00 01 42");
    assert_int_equal(static_cast<int>(*scan_frame(unknown, Direction::to_server, 8192).type()), 0x42);
}

void frame_rejects_bad_headers(void**) {
    struct Case {
        const char* name;
        const char* input;
        Direction expected;
        std::size_t max;
        Status status;
    };
    const Case cases[] = {
        {"request signature on the response side", "12 34 00 01 09", Direction::to_server, 8192, Status::malformed},
        {"response signature on the request side", "41 42 00 01 0a", Direction::to_container, 8192, Status::malformed},
        {"ajp14 signature", "12 35 00 01 0a", Direction::to_container, 8192, Status::malformed},
        {"garbage", "48 54 54 50", Direction::to_server, 8192, Status::malformed},
        {"payload exactly max - 4", "41 42 1f fc", Direction::to_server, 8192, Status::need_more},
        {"payload max - 3", "41 42 1f fd", Direction::to_server, 8192, Status::malformed},
        {"64k payload in a 64k packet", "41 42 ff fc", Direction::to_server, 65536, Status::need_more},
        {"0xFFFF payload in a 64k packet", "41 42 ff ff", Direction::to_server, 65536, Status::malformed},
        {"length checked before the payload arrives", "12 34 20 00", Direction::to_container, 8192,
         Status::malformed},
    };
    for (const Case& c : cases) {
        const Bytes input = hex(c.input);
        const Frame frame = scan_frame(input, c.expected, c.max);
        if (frame.status != c.status) fail_msg("%s: %s", c.name, std::string(to_string(frame.status)).c_str());
    }
}

void frame_fed_one_byte_at_a_time(void**) {
    // SEND_HEADERS, a body chunk, a flush, END_RESPONSE, as they would arrive on one connection.
    const Bytes stream = hex(std::string(reference_send_headers) +
        "41 42 00 06 03 00 02 68 69 00"
        "41 42 00 04 03 00 00 00"
        "41 42 00 02 05 01");
    const std::size_t sizes[] = {36, 10, 8, 6};
    const MessageType types[] = {MessageType::send_headers, MessageType::send_body_chunk,
                                 MessageType::send_body_chunk, MessageType::end_response};
    std::size_t start = 0;  // first byte not yet consumed
    std::size_t packets = 0;
    for (std::size_t received = start; received <= stream.size(); ++received) {
        const auto window = std::span(stream).subspan(start, received - start);
        const Frame frame = scan_frame(window, Direction::to_server, 8192);
        if (frame.status == Status::need_more) {
            // needed always points exactly at the end of the header or of the packet.
            const std::size_t target = window.size() < header_size ? header_size : sizes[packets];
            assert_int_equal(frame.needed, target - window.size());
            continue;
        }
        assert_int_equal(frame.status, Status::ok);
        assert_int_equal(frame.packet_size, sizes[packets]);
        assert_int_equal(window.size(), sizes[packets]);  // ok as soon as the last byte arrives
        assert_true(frame.type() == types[packets]);
        start += frame.packet_size;
        ++packets;
    }
    assert_int_equal(packets, 4);
    assert_int_equal(start, stream.size());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writer_reset_writes_signature),
        cmocka_unit_test(writer_puts_encode_big_endian),
        cmocka_unit_test(writer_fills_packet_exactly),
        cmocka_unit_test(writer_failed_put_is_atomic_and_poisons),
        cmocka_unit_test(writer_boundary_of_each_put),
        cmocka_unit_test(writer_rejects_unencodable_strings),
        cmocka_unit_test(writer_header_name_length_limit),
        cmocka_unit_test(writer_buffer_smaller_than_header),
        cmocka_unit_test(reader_reads_scalars),
        cmocka_unit_test(reader_strings),
        cmocka_unit_test(reader_failure_poisons),
        cmocka_unit_test(reader_bytes),
        cmocka_unit_test(reader_header_names),
        cmocka_unit_test(frame_needs_the_header_first),
        cmocka_unit_test(frame_complete_packet),
        cmocka_unit_test(frame_type),
        cmocka_unit_test(frame_rejects_bad_headers),
        cmocka_unit_test(frame_fed_one_byte_at_a_time),
    };
    return cmocka_run_group_tests_name("ajp13_codec", tests, nullptr, nullptr);
}
