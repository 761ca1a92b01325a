#include "testd/socket_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
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

void reset_on_close(int fd) noexcept {
    const linger abortive{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
}

void wait_silently(int fd, std::chrono::milliseconds limit) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + limit;
    std::uint8_t discard[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) return;
        pollfd watched{fd, POLLIN, 0};
        const int ready = ::poll(&watched, 1, static_cast<int>(std::min<long long>(left.count(), 1'000'000)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return;  // deadline, or poll failed: either way the wait is over
        const ssize_t got = ::recv(fd, discard, sizeof discard, 0);
        if (got == 0 || (got < 0 && errno != EINTR)) return;
    }
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
