// Writes one response (SEND_HEADERS, SEND_BODY_CHUNKs, END_RESPONSE) the way the request's
// options ask for, including the fault modes that break the protocol on purpose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ajp13/packet_writer.hpp"
#include "testd/request_options.hpp"
#include "testd/socket_io.hpp"
#include "testd/stop_signal.hpp"

namespace ajpgate::testd {

struct ResponsePlan {
    std::uint16_t status = 200;
    std::string reason;                // sent as is; the caller fills in the standard phrase
    std::vector<ExtraHeader> headers;  // in order, Content-Length included by the caller
    bool send_body = true;             // false for HEAD, 1xx, 204, 304: headers only
    bool fixed = false;                // fixed_size pattern bytes instead of `text`
    std::uint64_t fixed_size = 0;
    std::string text;

    std::uint64_t body_size() const noexcept { return fixed ? fixed_size : text.size(); }
};

enum class ConnectionFate : std::uint8_t { keep, close };

class ResponseWriter {
public:
    ResponseWriter(Output& out, std::size_t packet_size, StopSignal& stop);

    ConnectionFate write(const ResponsePlan& plan, const RequestOptions& options);

    bool send_cpong();
    bool send_get_body_chunk(std::uint16_t requested);

private:
    // Appends the packet the writer holds once its encoder reported ok.
    bool emit(ajp13::Status encoded);
    bool send_headers(const ResponsePlan& plan);
    // Sends body bytes [0, limit) in chunks, honouring chunk/flush/body-delay.
    bool send_body(const ResponsePlan& plan, const RequestOptions& options, std::uint64_t limit);
    bool send_end(bool reuse);
    bool send_whole(const ResponsePlan& plan, const RequestOptions& options, bool reuse);
    // Faults that replace the response with something that is not a valid one.
    ConnectionFate write_broken(const ResponsePlan& plan, const RequestOptions& options);
    void send_raw_garbage();
    void send_oversize_header();
    void send_overflowing_chunk();

    Output& out_;
    StopSignal& stop_;
    std::size_t packet_size_;
    std::vector<std::uint8_t> packet_buffer_;
    ajp13::PacketWriter writer_;
    std::vector<std::uint8_t> chunk_;
};

}  // namespace ajpgate::testd
