#include "testd/socket_io.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace ajpgate::testd {

std::string_view to_string(ReadResult result) noexcept {
    switch (result) {
    case ReadResult::frame: return "frame";
    case ReadResult::eof: return "eof";
    case ReadResult::truncated: return "truncated";
    case ReadResult::malformed: return "malformed";
    case ReadResult::error: return "error";
    }
    return "unknown";
}

// Room for one whole packet plus the start of the next one the client pipelined.
FrameReader::FrameReader(int fd, std::size_t packet_size)
    : fd_(fd), packet_size_(packet_size), buffer_(2 * packet_size) {}

ReadResult FrameReader::fill(std::size_t needed) {
    if (start_ > 0 && end_ + needed > buffer_.size()) {
        std::memmove(buffer_.data(), buffer_.data() + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
    }
    const std::size_t target = end_ + needed;
    while (end_ < target) {
        const ssize_t got = ::recv(fd_, buffer_.data() + end_, buffer_.size() - end_, 0);
        if (got > 0) {
            end_ += static_cast<std::size_t>(got);
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        if (got == 0) return end_ == start_ ? ReadResult::eof : ReadResult::truncated;
        return ReadResult::error;
    }
    return ReadResult::frame;
}

ReadResult FrameReader::next(ajp13::Frame& frame) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        frame = ajp13::scan_frame(std::span<const std::uint8_t>(buffer_.data() + start_, end_ - start_),
                                  ajp13::Direction::to_container, packet_size_);
        if (frame.status == ajp13::Status::ok) {
            start_ += frame.packet_size;
            if (start_ == end_) start_ = end_ = 0;  // frame.payload still points at the bytes
            return ReadResult::frame;
        }
        if (frame.status != ajp13::Status::need_more) return ReadResult::malformed;
        const ReadResult filled = fill(frame.needed);
        if (filled != ReadResult::frame) return filled;
    }
    // Header then payload: two fills always suffice; more means the framer misbehaves.
    return ReadResult::malformed;
}

bool Output::append(std::span<const std::uint8_t> bytes) {
    if (broken_) return false;
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    return pending_.size() < flush_threshold || flush();
}

bool Output::flush() {
    if (broken_) return false;
    if (!pending_.empty() && !send_all(fd_, pending_)) broken_ = true;
    pending_.clear();
    return !broken_;
}

bool send_all(int fd, std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        bytes = bytes.subspan(static_cast<std::size_t>(sent));
    }
    return true;
}

}  // namespace ajpgate::testd
