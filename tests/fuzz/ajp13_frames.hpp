// Shared by the ajp13 fuzz targets: frame an input as the stream of packets a connection
// would carry, and a check that aborts (so libFuzzer records the input).
#pragma once

#include <cstdint>
#include <span>

#include "ajp13/framing.hpp"

namespace ajp13_fuzz {

inline void check(bool condition) {
    if (!condition) __builtin_trap();
}

// Calls on_packet(frame) for every complete packet at default size, in order, and stops at
// the first bytes that do not frame (need_more or malformed).
template <typename OnPacket>
void for_each_packet(std::span<const std::uint8_t> input, ajpgate::ajp13::Direction direction,
                     OnPacket on_packet) {
    using namespace ajpgate::ajp13;
    for (;;) {
        const Frame frame = scan_frame(input, direction, default_packet_size);
        if (frame.status != Status::ok) return;
        check(frame.packet_size >= header_size && frame.packet_size <= input.size());
        on_packet(frame);
        input = input.subspan(frame.packet_size);
    }
}

}  // namespace ajp13_fuzz
