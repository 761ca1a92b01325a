// The serve_request harness shared by the transport service tests: a pool on a fake clock
// over scripted backends, and what a healthy first attempt writes.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "transport/ajp_service.hpp"
#include "transport_fakes.hpp"

namespace ajpgate::transport::testing {

// A pool on a fake clock; sleeps between attempts are counted and move that clock.
struct Harness {
    QueueConnector connector;
    FakeTime time;
    std::unique_ptr<ConnectionPool> pool;
    int sleeps = 0;
    RecordingSink sink;
    explicit Harness(std::size_t max = 2) {
        PoolOptions o;
        o.max_size = max;
        o.acquire_timeout = std::chrono::milliseconds(10);
        o.time = &time;
        pool = std::make_unique<ConnectionPool>(connector, o);
    }
    ServiceOutcome serve(const ServiceOptions& options, std::string body = {},
                         std::optional<std::uint64_t> length = std::nullopt) {
        StringBody source(std::move(body));
        ExchangeOptions e;
        e.content_length = length;
        return serve_request(*pool, options, simple_request(), e, source, sink,
                             [this](std::chrono::milliseconds d) {
                                 ++sleeps;
                                 time.advance(d);
                             });
    }
};

inline BackendScript ok_response() { return BackendScript().headers(200).body("ok").end(); }

// What the first write of a request is on a healthy connection.
inline Bytes first_write(std::string body, std::optional<std::uint64_t> length) {
    Harness h;
    h.connector.add(BackendScript().ask_body(8186).headers(200).end());
    h.serve(ServiceOptions{}, std::move(body), length);
    return h.connector.handed_out[0]->writes[0];
}

}  // namespace ajpgate::transport::testing
