// Link and Connector over APR sockets: the real network side of lib/transport.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <apr_network_io.h>
#include <apr_pools.h>

#include "transport/connection_pool.hpp"
#include "transport/interfaces.hpp"

namespace ajpgate::transport {

struct SocketOptions {
    std::chrono::milliseconds connect_timeout{0};  // zero: no limit (the OS decides)
    std::chrono::milliseconds io_timeout{0};       // zero: wait forever (mod_jk's socket_timeout 0)
    bool keepalive = false;                        // SO_KEEPALIVE against idle-dropping firewalls
    int buffer_size = 0;                           // SO_SNDBUF/SO_RCVBUF when > 0
    std::string source;                            // local address to bind to (empty: any)
    bool prefer_ipv6 = false;                      // when the host has both kinds of address
};

class AprLink final : public Link {
public:
    // Takes ownership of the socket and of the unmanaged pool it lives in.
    AprLink(apr_pool_t* pool, apr_socket_t* socket, std::chrono::milliseconds io_timeout);
    ~AprLink() override;
    AprLink(const AprLink&) = delete;
    AprLink& operator=(const AprLink&) = delete;

    IoResult write_all(std::span<const std::uint8_t> bytes) override;
    IoResult read_some(std::span<std::uint8_t> into, std::size_t& got, std::chrono::milliseconds timeout) override;
    bool idle_peer_spoke() override;
    void reset_on_close() override;

private:
    void use_timeout(std::chrono::milliseconds timeout);
    void set_receive_timeout(std::chrono::milliseconds timeout);

    apr_pool_t* pool_;
    apr_socket_t* socket_;
    std::chrono::milliseconds io_timeout_;
    std::chrono::milliseconds current_timeout_{-1};
    std::chrono::milliseconds receive_timeout_{0};  // SO_RCVTIMEO on a blocking socket; 0 none
};

// Connects to one backend address, resolved once when the connector is made.
class AprConnector final : public Connector {
public:
    AprConnector(std::string host, std::uint16_t port, SocketOptions options);
    ~AprConnector() override;
    AprConnector(const AprConnector&) = delete;
    AprConnector& operator=(const AprConnector&) = delete;

    // APR_SUCCESS or the resolver's status; connect() fails fast while unresolved.
    apr_status_t resolve();
    std::unique_ptr<Link> connect(IoResult& why) override;
    const std::string& host() const noexcept { return host_; }
    // "10.0.0.1:8009" ("[::1]:8009" for IPv6) once resolved, else "unresolved" (status worker).
    std::string address_text() const;
    std::uint16_t port() const noexcept { return port_; }

private:
    std::string host_;
    std::uint16_t port_;
    SocketOptions options_;
    apr_pool_t* pool_ = nullptr;  // unmanaged: owned by this connector, safe across threads
    apr_sockaddr_t* address_ = nullptr;
    apr_sockaddr_t* source_ = nullptr;
};

}  // namespace ajpgate::transport
