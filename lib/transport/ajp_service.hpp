// Serving one request on one ajp13 worker: take a pooled connection (or open one), probe it
// with CPING when the worker asks for it, run the exchange, give the connection back, and
// retry on a fresh connection when — and only when — the backend cannot have acted on the
// request yet. What the load balancer needs to judge the member comes back in the outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "balancer/request_policy.hpp"
#include "transport/connection_pool.hpp"
#include "transport/exchange.hpp"

namespace ajpgate::transport {

struct ServiceOptions {
    int retries = 2;  // attempts over new connections (mod_jk's ajp "retries")
    std::chrono::milliseconds retry_interval{100};
    // CPING after connect (ping_mode C) and before each request (ping_mode P), with their timeouts.
    bool cping_after_connect = false;
    std::chrono::milliseconds connect_cping_timeout{10000};
    bool cping_before_request = false;
    std::chrono::milliseconds prepost_cping_timeout{10000};
    bool disable_reuse = false;  // JkOptions +DisableReuse: one request per connection
    // recovery_options, and the request's method: whether a failed attempt goes again on a
    // new connection is the request policy's decision (balancer/request_policy.hpp).
    balancer::RecoveryOptions recovery;
    balancer::MethodKind method = balancer::MethodKind::get;
    // A pooled connection used this recently (on the pool's clock, PoolOptions::time) skips
    // the liveness check (one poll() per request) when a stale one would cost little: a
    // bodiless request with a retry left goes again at once (no retry_interval) on a checked
    // or new connection. Zero checks every reused one.
    std::chrono::milliseconds trust_recent_use{1000};
};

enum class ServiceResult : std::uint8_t {
    ok,              // the exchange ran; see exchange.result for how it ended
    busy,            // no free connection within connection_acquire_timeout (503)
    connect_failed,  // could not connect (or CPING failed) on every attempt (503)
};

struct ServiceOutcome {
    ServiceResult result = ServiceResult::ok;
    ExchangeOutcome exchange;
    int attempts = 0;
    // A failed request whose body went whole in its first packet, or whose first packet
    // (read before a connection is taken) never left because no connection could be had:
    // that packet as written (header included) and the client bytes it carries, for another
    // member's attempt (ExchangeOptions::replay_body). Empty otherwise, and always on success.
    std::vector<std::uint8_t> first_body_packet;
    std::uint64_t first_body_bytes = 0;
    // connect_failed because the last connection taken did not answer its CPING (it was
    // reachable), not because the connect itself failed: the log line says which.
    bool cping_failed = false;
    // connect_failed because the last connect timed out: the backend neither accepted nor
    // refused it (a full accept queue, or a host that is gone).
    bool connect_timed_out = false;
    // On the pool's clock, for the metrics (-1: not measured): from the call to the backend's
    // headers (the last attempt's), to the end, and the connect of the last new connection.
    std::chrono::microseconds headers_time{-1};
    std::chrono::microseconds total_time{-1};
    std::chrono::microseconds connect_time{-1};
};

// The policy's view of how a service call ended (the caller adds what only it knows: whether
// bytes reached the client, and fail_on_status).
balancer::PolicyInput policy_input(const ServiceOutcome& outcome, const ServiceOptions& options) noexcept;

// Sleeps between attempts; injected so tests run without waiting. The only sleep in
// lib/transport: everything else reads the pool's TimeSource.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

// A request with a Content-Length has its first body packet read from the client before a
// connection is taken (a client that trickles its body holds none meanwhile); a client whose
// body breaks or ends early there gets client_read_failed with no connection taken at all.
ServiceOutcome serve_request(ConnectionPool& pool, const ServiceOptions& options, const ajp13::ForwardRequest& request,
                             const ExchangeOptions& exchange_options, BodySource& body, ResponseSink& sink,
                             const Sleeper& sleep);

// How a CPING was answered: jkcheck --probe and the logs say which, since each points at a
// different cause (a connector that did not start, an HTTP port, a hung node).
enum class PingAnswer : std::uint8_t {
    cpong,
    send_failed,  // the CPING could not be written
    silent,       // nothing within the timeout
    closed,       // the backend closed the connection
    not_ajp,      // bytes that do not frame as an AJP packet (an HTTP connector's error page)
    other,        // an AJP packet that is not a lone CPONG
};
PingAnswer ping(PacketChannel& channel, std::chrono::milliseconds timeout);
// One CPING/CPONG round trip on an idle connection; false when the answer is missing or wrong.
bool cping(PacketChannel& channel, std::chrono::milliseconds timeout);

// ping_mode I (connection_ping_interval): every idle connection unused for `interval` gets a
// CPING; those without a CPONG within `timeout` are closed, so a request never meets a
// connection a firewall silently dropped. Returns how many were closed.
std::size_t probe_idle_connections(ConnectionPool& pool, Clock::time_point now, std::chrono::milliseconds interval,
                                   std::chrono::milliseconds timeout);

}  // namespace ajpgate::transport
