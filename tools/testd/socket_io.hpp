// Blocking socket I/O for one connection: whole AJP frames in, buffered packets out.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ajp13/framing.hpp"

namespace ajpgate::testd {

enum class ReadResult : std::uint8_t {
    frame,      // `frame` holds one complete packet
    eof,        // the peer closed between packets
    truncated,  // the peer closed in the middle of a packet
    malformed,  // wrong signature or a length beyond the packet size
    error,      // recv failed (includes our own shutdown on SIGTERM)
};

std::string_view to_string(ReadResult result) noexcept;

class FrameReader {
public:
    FrameReader(int fd, std::size_t packet_size);

    // Blocks until the next whole packet from the web server is buffered. The frame's
    // payload stays valid until the next call.
    ReadResult next(ajp13::Frame& frame);

private:
    // Reads at least `needed` more bytes after the buffered ones.
    ReadResult fill(std::size_t needed);

    int fd_;
    std::size_t packet_size_;
    std::vector<std::uint8_t> buffer_;
    std::size_t start_ = 0;  // first unconsumed byte
    std::size_t end_ = 0;    // one past the last received byte
};

// Collects packets and writes them with as few syscalls as possible. A write that
// fails marks the output broken; later calls are no-ops returning false.
class Output {
public:
    explicit Output(int fd) : fd_(fd) {}

    bool append(std::span<const std::uint8_t> bytes);
    bool flush();
    bool broken() const noexcept { return broken_; }
    int fd() const noexcept { return fd_; }

private:
    static constexpr std::size_t flush_threshold = 64 * 1024;

    int fd_;
    std::vector<std::uint8_t> pending_;
    bool broken_ = false;
};

// Waits up to `limit` without answering anything, discarding what the peer sends, and
// returns early when the peer closes (or the server shuts the socket down on stop).
void wait_silently(int fd, std::chrono::milliseconds limit);

// Makes the coming close() abortive: the peer sees a reset (RST), not an orderly end.
void reset_on_close(int fd) noexcept;

// send() until everything is written; false on any error (EPIPE included, no SIGPIPE).
bool send_all(int fd, std::span<const std::uint8_t> bytes);

}  // namespace ajpgate::testd
