// The three small interfaces one AJP exchange talks through. The httpd glue implements
// BodySource and ResponseSink over request_rec and brigades; apr_link implements Link over
// an APR socket; tests implement all three with scripted fakes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ajp13/messages.hpp"

namespace ajpgate::transport {

enum class IoResult : std::uint8_t {
    ok,
    eof,      // the peer closed (read) / the client went away
    timeout,  // nothing arrived within the allowed time
    error,    // anything else; the socket is unusable
};

// One connected socket to a backend.
class Link {
public:
    virtual ~Link() = default;
    virtual IoResult write_all(std::span<const std::uint8_t> bytes) = 0;
    // Reads between 1 and into.size() bytes, waiting at most `timeout` (zero: the link's
    // own socket timeout). got is set only on ok.
    virtual IoResult read_some(std::span<std::uint8_t> into, std::size_t& got,
                               std::chrono::milliseconds timeout) = 0;
    // An idle pooled connection whose peer closed it, or sent bytes nobody asked for, must
    // not carry the next request. Checked without blocking before a connection is reused.
    virtual bool idle_peer_spoke() { return false; }
    // Close with a reset (RST) instead of an orderly FIN when the link is destroyed, so the
    // backend's next read or write fails (recovery_options bit 4).
    virtual void reset_on_close() {}
};

// The client's request body, already de-chunked by the web server.
class BodySource {
public:
    virtual ~BodySource() = default;
    // Reads up to into.size() bytes; ok with got == 0 is the end of the body.
    virtual IoResult read(std::span<std::uint8_t> into, std::size_t& got) = 0;
};

// Where the response goes. Every call returns false when the client is gone.
class ResponseSink {
public:
    virtual ~ResponseSink() = default;
    // Called once, with headers validated by the decoder (next_header cannot fail).
    virtual bool start(ajp13::SendHeadersView& headers) = 0;
    // `data` points into the connection's receive buffer, which stays untouched until the
    // next idle() or end(): a sink may hold on to the bytes themselves (no copy) until then.
    virtual bool body(std::span<const std::uint8_t> data) = 0;
    virtual bool flush() = 0;
    // The exchange is about to wait for the backend, and then to read into the buffer: deliver
    // whatever is held back. A sink may batch body data until then (fewer writes to the
    // client); it must not hold it longer.
    virtual bool idle() { return true; }
    // END_RESPONSE arrived: the buffer goes back to the pool with the connection. A sink that
    // still holds body data makes its own copy of it now.
    virtual bool end() { return true; }
};

}  // namespace ajpgate::transport
