// Incremental framing: given the bytes received so far from a socket, say either
// "need N more bytes" or "one complete packet of this size", without copying.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ajp13/constants.hpp"
#include "ajp13/status.hpp"

namespace ajpgate::ajp13 {

struct Frame {
    Status status = Status::need_more;
    // need_more: how many more bytes are needed before calling again (> 0).
    std::size_t needed = 0;
    // ok: header + payload length of the first packet in the input.
    std::size_t packet_size = 0;
    // ok: the payload of that packet (a view into the input).
    std::span<const std::uint8_t> payload;

    // First payload byte, when the packet has a type (every message except request body data).
    // Not validated: an unknown byte comes back as it is, and the caller's state decides.
    std::optional<MessageType> type() const noexcept;
};

// Looks at the start of `received`. malformed: wrong signature for `expected`, or a
// payload length that would make the packet larger than `max_packet_size`.
Frame scan_frame(std::span<const std::uint8_t> received, Direction expected,
                 std::size_t max_packet_size) noexcept;

}  // namespace ajpgate::ajp13
