// Packets over a Link: sends whole packets, and receives container->server packets into
// one buffer of max_packet_size bytes, framing them in place (no second copy).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ajp13/framing.hpp"
#include "transport/interfaces.hpp"

namespace ajpgate::transport {

enum class ReceiveResult : std::uint8_t {
    packet,     // `frame` holds one complete packet
    closed,     // the backend closed the connection
    timeout,    // no complete packet within the timeout
    malformed,  // bad signature or oversize length: the stream can't be trusted any more
    io_error,
};

class PacketChannel {
public:
    // The receive buffer holds several packets (at least 64 KiB), so one read from the
    // socket can take a whole response body; framing still limits each packet to packet_size.
    PacketChannel(Link& link, std::size_t packet_size);

    std::size_t packet_size() const noexcept { return packet_size_; }
    // The buffer outgoing packets are encoded into (see ajp13::PacketWriter): packet_size bytes.
    std::span<std::uint8_t> send_buffer() noexcept { return send_buffer_at(0); }
    // packet_size bytes from `offset` (at most packet_size): room for a second packet right
    // behind the first, so that both go out in one write.
    std::span<std::uint8_t> send_buffer_at(std::size_t offset) noexcept {
        return std::span<std::uint8_t>(send_buffer_).subspan(offset, packet_size_);
    }

    // The first `size` bytes of the whole send buffer (up to two packets), as encoded.
    std::span<const std::uint8_t> send_buffer_prefix(std::size_t size) const noexcept {
        return std::span<const std::uint8_t>(send_buffer_).first(size);
    }

    IoResult send(std::span<const std::uint8_t> packet);
    // Waits for the next packet. The frame's payload stays valid until the next receive().
    // `timeout` bounds the wait between two reads from the socket (mod_jk's reply_timeout is
    // "between two packets"); zero leaves it to the link.
    ReceiveResult receive(ajp13::Frame& frame, std::chrono::milliseconds timeout);
    // Bytes received beyond the last packet handed out: after END_RESPONSE they mean the
    // backend said more than one response, and the connection must not be reused.
    std::size_t unread_bytes() const noexcept { return filled_ - consumed_; }
    // A whole packet is already here: the next receive() will not wait for the socket.
    bool has_complete_packet() const noexcept;

private:
    Link& link_;
    std::size_t packet_size_;
    std::vector<std::uint8_t> send_buffer_;
    std::vector<std::uint8_t> receive_buffer_;
    std::size_t consumed_ = 0;  // start of the bytes not yet handed out
    std::size_t filled_ = 0;    // end of the bytes received
};

}  // namespace ajpgate::transport
