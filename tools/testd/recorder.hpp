// --record FILE: one JSON line per message received and per connection open/close,
// flushed line by line so a test can read the file while the backend runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "ajp13/messages.hpp"

namespace ajpgate::testd {

// Per-connection message sequence: open is 0, each message the next number, close last.
class Recorder {
public:
    Recorder() = default;
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // false (with errno set) when the file cannot be opened for appending.
    bool open(const std::string& path);
    bool enabled() const noexcept { return file_ != nullptr; }

    void connection_open(std::uint64_t conn, std::uint64_t seq, std::string_view peer);
    void connection_close(std::uint64_t conn, std::uint64_t seq, std::string_view reason);
    void forward_request(std::uint64_t conn, std::uint64_t seq, std::size_t payload_len,
                         const ajp13::DecodedForwardRequest& request);
    void body(std::uint64_t conn, std::uint64_t seq, std::size_t payload_len, std::size_t data_len);
    // cping, shutdown, unknown (first byte given), malformed (reason given).
    void simple(std::uint64_t conn, std::uint64_t seq, std::string_view type, std::size_t payload_len,
                std::string_view detail = {});

private:
    void write_line(const std::string& line);

    std::mutex mutex_;
    std::FILE* file_ = nullptr;
};

}  // namespace ajpgate::testd
