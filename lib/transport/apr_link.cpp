#include "transport/apr_link.hpp"

#include <apr_errno.h>
#include <apr_poll.h>
#include <apr_portable.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace ajpgate::transport {

namespace {

apr_interval_time_t to_apr(std::chrono::milliseconds timeout) {
    // APR: negative = block forever. Our zero means "no limit".
    return timeout.count() <= 0 ? -1 : static_cast<apr_interval_time_t>(timeout.count()) * 1000;
}

}  // namespace

AprLink::AprLink(apr_pool_t* pool, apr_socket_t* socket, std::chrono::milliseconds io_timeout)
    : pool_(pool), socket_(socket), io_timeout_(io_timeout) {}

AprLink::~AprLink() {
    apr_socket_close(socket_);
    apr_pool_destroy(pool_);
}

void AprLink::use_timeout(std::chrono::milliseconds timeout) {
    if (timeout.count() == 0) timeout = io_timeout_;
    if (timeout != current_timeout_) {
        apr_socket_timeout_set(socket_, to_apr(timeout));
        current_timeout_ = timeout;
    }
}

IoResult AprLink::write_all(std::span<const std::uint8_t> bytes) {
    use_timeout(std::chrono::milliseconds(0));
    while (!bytes.empty()) {
        apr_size_t len = bytes.size();
        const apr_status_t rv = apr_socket_send(socket_, reinterpret_cast<const char*>(bytes.data()), &len);
        if (rv != APR_SUCCESS) return APR_STATUS_IS_TIMEUP(rv) ? IoResult::timeout : IoResult::error;
        bytes = bytes.subspan(len);
    }
    return IoResult::ok;
}

IoResult AprLink::read_some(std::span<std::uint8_t> into, std::size_t& got, std::chrono::milliseconds timeout) {
    // A blocking socket (no socket_timeout) waits with the kernel's SO_RCVTIMEO, set once per
    // value: switching it to non-blocking mode and back for a bounded wait would cost four
    // fcntl() calls per request (the hung check bounds every wait for a first packet).
    const bool kernel_timeout = io_timeout_.count() == 0 && (timeout.count() > 0 || receive_timeout_.count() > 0);
    use_timeout(kernel_timeout ? std::chrono::milliseconds(0) : timeout);
    if (kernel_timeout && timeout.count() > 0 && timeout != receive_timeout_) set_receive_timeout(timeout);
    for (;;) {
        apr_size_t len = into.size();
        const apr_status_t rv = apr_socket_recv(socket_, reinterpret_cast<char*>(into.data()), &len);
        if (rv == APR_EOF || (rv == APR_SUCCESS && len == 0)) return IoResult::eof;
        if (rv == APR_SUCCESS || len > 0) {  // APR may report data together with an error; take the data now
            got = len;
            return IoResult::ok;
        }
        if (kernel_timeout && APR_STATUS_IS_EAGAIN(rv)) {
            if (timeout.count() > 0) return IoResult::timeout;
            continue;  // no limit asked: the kernel's timeout left from an earlier wait is only a slice
        }
        return APR_STATUS_IS_TIMEUP(rv) ? IoResult::timeout : IoResult::error;
    }
}

void AprLink::set_receive_timeout(std::chrono::milliseconds timeout) {
    apr_os_sock_t fd;
    if (apr_os_sock_get(&fd, socket_) != APR_SUCCESS) return;
    const timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0) receive_timeout_ = timeout;
}

void AprLink::reset_on_close() {
    // A zero linger time makes close() discard what is unsent and answer with RST.
    apr_os_sock_t fd;
    if (apr_os_sock_get(&fd, socket_) != APR_SUCCESS) return;
    const linger abort_now{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
}

bool AprLink::idle_peer_spoke() {
    apr_pollfd_t pfd{};
    pfd.p = pool_;
    pfd.desc_type = APR_POLL_SOCKET;
    pfd.reqevents = APR_POLLIN;
    pfd.desc.s = socket_;
    apr_int32_t ready = 0;
    const apr_status_t rv = apr_poll(&pfd, 1, &ready, 0);
    return rv == APR_SUCCESS && ready > 0;
}

AprConnector::AprConnector(std::string host, std::uint16_t port, SocketOptions options)
    : host_(std::move(host)), port_(port), options_(options) {
    apr_pool_create_unmanaged_ex(&pool_, nullptr, nullptr);
}

AprConnector::~AprConnector() {
    if (pool_) apr_pool_destroy(pool_);
}

apr_status_t AprConnector::resolve() {
    apr_sockaddr_t* all = nullptr;
    apr_status_t rv = apr_sockaddr_info_get(&all, host_.c_str(), APR_UNSPEC, port_, 0, pool_);
    if (rv != APR_SUCCESS) return rv;
    // The resolver's first answer, unless the preferred family is among the others.
    const int preferred = options_.prefer_ipv6 ? APR_INET6 : APR_INET;
    address_ = all;
    for (apr_sockaddr_t* a = all; a; a = a->next) {
        if (a->family == preferred) {
            address_ = a;
            break;
        }
    }
    if (!options_.source.empty()) {
        rv = apr_sockaddr_info_get(&source_, options_.source.c_str(), address_->family, 0, 0, pool_);
    }
    return rv;
}

std::string AprConnector::address_text() const {
    char* ip = nullptr;
    if (!address_ || apr_sockaddr_ip_get(&ip, address_) != APR_SUCCESS || !ip) return "unresolved";
    const std::string host = address_->family == APR_INET6 ? "[" + std::string(ip) + "]" : std::string(ip);
    return host + ":" + std::to_string(port_);
}

std::unique_ptr<Link> AprConnector::connect(IoResult& why) {
    why = IoResult::error;
    if (!address_) return nullptr;
    apr_pool_t* pool = nullptr;
    if (apr_pool_create_unmanaged_ex(&pool, nullptr, nullptr) != APR_SUCCESS) return nullptr;
    apr_socket_t* socket = nullptr;
    apr_status_t rv = apr_socket_create(&socket, address_->family, SOCK_STREAM, APR_PROTO_TCP, pool);
    if (rv == APR_SUCCESS) {
        apr_socket_opt_set(socket, APR_TCP_NODELAY, 1);
        if (options_.keepalive) apr_socket_opt_set(socket, APR_SO_KEEPALIVE, 1);
        if (options_.buffer_size > 0) {
            apr_socket_opt_set(socket, APR_SO_SNDBUF, options_.buffer_size);
            apr_socket_opt_set(socket, APR_SO_RCVBUF, options_.buffer_size);
        }
        apr_socket_timeout_set(socket, to_apr(options_.connect_timeout));
        if (source_) rv = apr_socket_bind(socket, source_);
        if (rv == APR_SUCCESS) rv = apr_socket_connect(socket, address_);
    }
    if (rv != APR_SUCCESS) {
        if (APR_STATUS_IS_TIMEUP(rv)) why = IoResult::timeout;
        if (socket) apr_socket_close(socket);
        apr_pool_destroy(pool);
        return nullptr;
    }
    return std::make_unique<AprLink>(pool, socket, options_.io_timeout);
}

}  // namespace ajpgate::transport
