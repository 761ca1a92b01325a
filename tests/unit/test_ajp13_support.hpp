// Helpers shared by the ajp13 unit test programs: hex vectors, a byte builder, and
// assertions that print both sides when bytes differ.
#pragma once

#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ajp13/framing.hpp"
#include "ajp13/messages.hpp"

// cmocka.h after the standard headers (its macros must not meet them), with C linkage:
// the header itself only wraps part of its declarations in extern "C".
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

namespace ajp13_test {

using Bytes = std::vector<std::uint8_t>;

// "12 34 00 01 0a" -> bytes; whitespace is ignored.
inline Bytes hex(std::string_view text) {
    Bytes out;
    int high = -1;
    for (const char c : text) {
        int nibble = -1;
        if (c >= '0' && c <= '9') nibble = c - '0';
        if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
        if (nibble < 0) continue;
        if (high < 0) {
            high = nibble;
        } else {
            out.push_back(static_cast<std::uint8_t>(high * 16 + nibble));
            high = -1;
        }
    }
    return out;
}

inline std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    char two[4];
    for (const std::uint8_t b : bytes) {
        std::snprintf(two, sizeof two, "%02x ", b);
        out += two;
    }
    return out;
}

inline std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

inline std::string_view as_text(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Builds payloads field by field, for malformed inputs that are easier to say than to type.
struct Builder {
    Bytes bytes;
    Builder& u8(std::uint8_t v) { bytes.push_back(v); return *this; }
    Builder& u16(std::uint16_t v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v & 0xFF)); }
    Builder& str(std::string_view s) {
        u16(static_cast<std::uint16_t>(s.size()));
        bytes.insert(bytes.end(), s.begin(), s.end());
        return u8(0);
    }
    Builder& null() { return u16(0xFFFF); }
    Builder& raw(std::string_view h) {
        const Bytes b = hex(h);
        bytes.insert(bytes.end(), b.begin(), b.end());
        return *this;
    }
};

inline void assert_bytes(std::span<const std::uint8_t> actual, std::span<const std::uint8_t> expected,
                         const char* what) {
    const bool same = actual.size() == expected.size() &&
                      std::equal(actual.begin(), actual.end(), expected.begin());
    if (!same) {
        print_error("%s:\n  actual   %s\n  expected %s\n", what, to_hex(actual).c_str(), to_hex(expected).c_str());
        fail();
    }
}

inline void assert_text(std::string_view actual, std::string_view expected, const char* what) {
    if (actual != expected) {
        print_error("%s: \"%.*s\" != \"%.*s\"\n", what, static_cast<int>(actual.size()), actual.data(),
                    static_cast<int>(expected.size()), expected.data());
        fail();
    }
}

// §4.4 of shared/reference/ajp13.md: GET /app/x?y=1 via TLS, Host coded, X-Trace, secret,
// query, route, AJP_REMOTE_PORT.
inline constexpr const char* reference_forward_request =
    "12 34 00 9c 02 02 00 08 48 54 54 50 2f 31 2e 31 00 00 06 2f 61 70 70 2f 78 00 00 08 31 30 2e 30 2e 30 2e 35 00"
    "00 08 31 30 2e 30 2e 30 2e 35 00 00 0f 77 77 77 2e 65 78 61 6d 70 6c 65 2e 63 6f 6d 00 01 bb 01 00 02 a0 0b 00 0f"
    "77 77 77 2e 65 78 61 6d 70 6c 65 2e 63 6f 6d 00 00 07 58 2d 54 72 61 63 65 00 00 02 74 31 00 0c 00 06 73 33 63 72"
    "33 74 00 05 00 03 79 3d 31 00 06 00 05 6e 6f 64 65 31 00 0a 00 0f 41 4a 50 5f 52 45 4d 4f 54 45 5f 50 4f 52 54 00"
    "00 05 35 31 30 30 30 00 ff";

// §6: 200, reason "200", Content-Type text/plain, Content-Length 2.
inline constexpr const char* reference_send_headers =
    "41 42 00 20 04 00 c8 00 03 32 30 30 00 00 02 a0 01 00 0a 74 65 78 74 2f 70 6c 61 69 6e 00 a0 03 00 01 32 00";

// The payload of a packet that must frame as exactly one complete packet.
inline std::span<const std::uint8_t> payload_of(std::span<const std::uint8_t> packet,
                                                ajpgate::ajp13::Direction direction) {
    const ajpgate::ajp13::Frame frame =
        ajpgate::ajp13::scan_frame(packet, direction, ajpgate::ajp13::max_packet_size);
    assert_int_equal(frame.status, ajpgate::ajp13::Status::ok);
    assert_int_equal(frame.packet_size, packet.size());
    return frame.payload;
}

}  // namespace ajp13_test
