// Unit tests of encode_body_packet_header: a request body data packet framed in place around
// data already in the buffer. Byte-exact against the reference's vector, the same bytes as
// encode_request_body, and the bounds: nothing written unless header and data fit.
#include <string>
#include <vector>

#include "ajp13/messages.hpp"
#include "test_ajp13_support.hpp"  // last: it brings in cmocka.h

using namespace ajpgate::ajp13;
using namespace ajp13_test;

namespace {

// A buffer of `size` bytes filled with 0xEE, with `data` placed where the header expects it.
Bytes buffer_with(std::size_t size, std::string_view data) {
    Bytes buffer(size, 0xEE);
    std::copy(data.begin(), data.end(), buffer.begin() + static_cast<long>(request_body_data_offset));
    return buffer;
}

void test_reference_vector(void**) {
    Bytes buffer = buffer_with(16, "abc");
    std::span<const std::uint8_t> packet;
    assert_int_equal(encode_body_packet_header(buffer, 3, packet), Status::ok);
    assert_bytes(packet, hex("12 34 00 05 00 03 61 62 63"), "request data abc");
    assert_ptr_equal(packet.data(), buffer.data());  // in place: the data was not moved
    assert_int_equal(buffer[9], 0xEE);               // nothing written past the data
}

void test_same_bytes_as_the_writer(void**) {
    for (const std::size_t length : {std::size_t{1}, std::size_t{255}, std::size_t{256}, std::size_t{8186}}) {
        const std::string data(length, 'x');
        Bytes written(default_packet_size);
        PacketWriter writer(written, Direction::to_container);
        assert_int_equal(encode_request_body(as_bytes(data), writer), Status::ok);

        Bytes buffer = buffer_with(default_packet_size, data);
        std::span<const std::uint8_t> packet;
        assert_int_equal(encode_body_packet_header(buffer, length, packet), Status::ok);
        assert_bytes(packet, writer.packet(), "in place vs PacketWriter");
    }
}

// Zero data: the mod_proxy_ajp form of the end of the body, which the container accepts.
void test_zero_length(void**) {
    Bytes buffer = buffer_with(8, "");
    std::span<const std::uint8_t> packet;
    assert_int_equal(encode_body_packet_header(buffer, 0, packet), Status::ok);
    assert_bytes(packet, hex("12 34 00 02 00 00"), "empty data");
}

// The largest data a buffer holds, one byte more, a buffer too small for the header, and a
// length the 16-bit payload field cannot carry: does_not_fit, and the buffer untouched.
void test_bounds(void**) {
    struct Case {
        std::size_t buffer_size;
        std::size_t data_length;
        Status expected;
    };
    const Case cases[] = {
        {default_packet_size, max_request_body_chunk(default_packet_size), Status::ok},
        {default_packet_size, max_request_body_chunk(default_packet_size) + 1, Status::does_not_fit},
        {6, 0, Status::ok},
        {5, 0, Status::does_not_fit},
        {0, 0, Status::does_not_fit},
        {2 * max_packet_size, 0xFFFD, Status::ok},
        {2 * max_packet_size, 0xFFFE, Status::does_not_fit},
        {2 * max_packet_size, static_cast<std::size_t>(-1), Status::does_not_fit},
    };
    for (const Case& c : cases) {
        Bytes buffer(c.buffer_size, 0xEE);
        std::span<const std::uint8_t> packet = as_bytes("untouched");
        const Status status = encode_body_packet_header(buffer, c.data_length, packet);
        if (status != c.expected) {
            fail_msg("buffer %zu, data %zu: %s", c.buffer_size, c.data_length, std::string(to_string(status)).c_str());
        }
        if (status != Status::ok) {
            assert_true(std::all_of(buffer.begin(), buffer.end(), [](std::uint8_t b) { return b == 0xEE; }));
            assert_text(as_text(packet), "untouched", "packet on failure");
            continue;
        }
        assert_int_equal(packet.size(), request_body_data_offset + c.data_length);
        const std::size_t payload = c.data_length + 2;
        assert_int_equal(packet[2], payload >> 8);
        assert_int_equal(packet[3], payload & 0xFF);
        assert_int_equal(packet[4], c.data_length >> 8);
        assert_int_equal(packet[5], c.data_length & 0xFF);
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_vector),
        cmocka_unit_test(test_same_bytes_as_the_writer),
        cmocka_unit_test(test_zero_length),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests_name("ajp13_body_packet", tests, nullptr, nullptr);
}
