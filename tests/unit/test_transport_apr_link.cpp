// lib/transport APR link: real sockets on 127.0.0.1 (a listening socket made here plays the backend).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include <apr_general.h>

#include "transport/apr_link.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate::transport;
using namespace std::chrono_literals;

namespace {

struct Listener {
    int fd = -1;
    std::uint16_t port = 0;
    Listener() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd, 4);
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
    }
    ~Listener() { ::close(fd); }
};

// The connector must outlive the links it made: a socket keeps a pointer to its address.
std::unique_ptr<AprConnector> connector_for(std::uint16_t port) {
    SocketOptions options;
    options.connect_timeout = 1000ms;
    options.io_timeout = 2000ms;
    auto connector = std::make_unique<AprConnector>("127.0.0.1", port, options);
    assert_int_equal(connector->resolve(), APR_SUCCESS);
    return connector;
}

// What the peer did reaches our socket at once on loopback; should the kernel be slower, wait
// for that event (1 ms polls, at most 2 s) rather than for a fixed time.
bool peer_spoke_soon(AprLink& link) {
    for (int i = 0; i < 2000; ++i) {
        if (link.idle_peer_spoke()) return true;
        ::poll(nullptr, 0, 1);
    }
    return false;
}

void test_round_trip_timeout_and_eof(void**) {
    Listener server;
    IoResult why = IoResult::error;
    auto connector = connector_for(server.port);
    auto link = connector->connect(why);
    assert_non_null(link.get());
    const int peer = ::accept(server.fd, nullptr, nullptr);
    assert_true(peer >= 0);
    auto& apr = static_cast<AprLink&>(*link);

    const std::uint8_t hello[] = {'h', 'e', 'l', 'l', 'o'};
    assert_int_equal(static_cast<int>(link->write_all(hello)), static_cast<int>(IoResult::ok));
    char got_by_peer[8] = {};
    assert_int_equal(::read(peer, got_by_peer, sizeof got_by_peer), 5);
    assert_memory_equal(got_by_peer, "hello", 5);

    std::uint8_t buffer[16];
    std::size_t got = 0;
    assert_false(apr.idle_peer_spoke());
    assert_int_equal(static_cast<int>(link->read_some(buffer, got, 50ms)), static_cast<int>(IoResult::timeout));

    assert_int_equal(::write(peer, "AB", 2), 2);
    assert_true(peer_spoke_soon(apr));
    assert_int_equal(static_cast<int>(link->read_some(buffer, got, 0ms)), static_cast<int>(IoResult::ok));
    assert_int_equal(got, 2);

    ::close(peer);
    assert_true(peer_spoke_soon(apr));
    assert_int_equal(static_cast<int>(link->read_some(buffer, got, 0ms)), static_cast<int>(IoResult::eof));
}

void test_refused_connect_fails(void**) {
    std::uint16_t port = 0;
    {
        Listener closed;  // a port that was just free, now closed again
        port = closed.port;
    }
    IoResult why = IoResult::ok;
    auto connector = connector_for(port);
    auto link = connector->connect(why);
    assert_null(link.get());
    assert_int_equal(static_cast<int>(why), static_cast<int>(IoResult::error));
}

void test_source_address_is_bound(void**) {
    Listener server;
    SocketOptions options;
    options.connect_timeout = 1000ms;
    options.source = "127.0.0.2";  // any loopback address is ours
    AprConnector connector("127.0.0.1", server.port, options);
    assert_int_equal(connector.resolve(), APR_SUCCESS);
    IoResult why = IoResult::error;
    auto link = connector.connect(why);
    assert_non_null(link.get());
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    const int fd = ::accept(server.fd, reinterpret_cast<sockaddr*>(&peer), &len);
    assert_true(fd >= 0);
    assert_int_equal(ntohl(peer.sin_addr.s_addr), 0x7f000002);
    ::close(fd);
}

}  // namespace

int main() {
    apr_initialize();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_timeout_and_eof),
        cmocka_unit_test(test_refused_connect_fails),
        cmocka_unit_test(test_source_address_is_bound),
    };
    const int failed = cmocka_run_group_tests_name("transport_apr_link", tests, nullptr, nullptr);
    apr_terminate();
    return failed;
}
