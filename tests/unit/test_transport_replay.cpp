// A request body's first packet (lib/transport): read from the client before a connection is
// taken, what a failed member leaves for the next one, and how the next one sends it behind
// its own request.
#include <string>
#include <vector>

#include "transport/ajp_service.hpp"
#include "transport_fakes.hpp"
#include "transport_service_harness.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate;
using namespace ajpgate::transport;
using namespace ajpgate::transport::testing;

namespace {

// The backend took the request and its body packet and closed twice: the member's retries
// are spent, and the outcome hands over the body packet exactly as it went.
void test_failed_member_leaves_the_first_body_packet(void**) {
    Harness h;
    h.connector.add(BackendScript());
    h.connector.add(BackendScript());
    ServiceOptions options;
    options.method = balancer::MethodKind::other;
    const auto outcome = h.serve(options, "abc", 3);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::backend_closed));
    assert_int_equal(outcome.first_body_bytes, 3);
    // A data packet: 0x12 0x34, length 5, then the chunk length 3 and "abc".
    const Bytes expected{0x12, 0x34, 0x00, 0x05, 0x00, 0x03, 'a', 'b', 'c'};
    assert_true(outcome.first_body_packet == expected);
    assert_int_equal(static_cast<int>(policy_input(outcome, options).body),
                     static_cast<int>(balancer::BodyState::replayable));
}

// The next member encodes its own request and sends the kept packet behind it, in one write,
// without reading the client's body again; what it writes is what a first attempt writes.
void test_next_member_sends_the_kept_packet(void**) {
    Harness failed;
    failed.connector.add(BackendScript());
    ServiceOptions once;
    once.retries = 1;
    const auto first = failed.serve(once, "abc", 3);
    assert_false(first.first_body_packet.empty());

    Harness next;
    next.connector.add(ok_response());
    StringBody drained("");  // the client's body is gone
    ExchangeOptions e;
    e.content_length = 3;
    e.replay_body = first.first_body_packet;
    e.replay_body_bytes = first.first_body_bytes;
    const auto outcome = serve_request(*next.pool, once, simple_request(), e, drained, next.sink,
                                       [](std::chrono::milliseconds) {});
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(outcome.exchange.body_bytes_read, 3);
    assert_true(outcome.first_body_packet.empty());  // success keeps nothing
    assert_int_equal(next.connector.handed_out[0]->writes.size(), 1);
    assert_true(next.connector.handed_out[0]->writes[0] == first_write("abc", 3));
}

// A body streamed beyond its first packet is not kept: nothing can go to another member.
void test_streamed_body_is_not_kept(void**) {
    Harness h;
    h.connector.add(BackendScript().ask_body(8186));  // asks for more, then closes
    ServiceOptions once;
    once.retries = 1;
    const auto outcome = h.serve(once, std::string(9000, 'x'), 9000);
    assert_true(outcome.first_body_packet.empty());
    assert_int_equal(static_cast<int>(policy_input(outcome, once).body), static_cast<int>(balancer::BodyState::consumed));
}

// A client body that notes, at each read, how many connections the pool has handed out: a
// client trickling its body must not hold one while it does.
class WatchedBody : public BodySource {
public:
    WatchedBody(std::string data, const ConnectionPool& pool) : inner_(std::move(data), 1000), pool_(pool) {}
    std::vector<std::size_t> busy_at_read;
    IoResult read(std::span<std::uint8_t> into, std::size_t& got) override {
        busy_at_read.push_back(pool_.busy_count());
        return inner_.read(into, got);
    }

private:
    StringBody inner_;
    const ConnectionPool& pool_;
};

ServiceOutcome serve_watched(Harness& h, WatchedBody& body, std::uint64_t length) {
    ExchangeOptions e;
    e.content_length = length;
    return serve_request(*h.pool, ServiceOptions{}, simple_request(), e, body, h.sink,
                         [](std::chrono::milliseconds) {});
}

// A body within one packet is all read, in the client's small pieces, with no connection taken.
void test_first_body_packet_is_read_before_a_connection_is_taken(void**) {
    Harness h;
    h.connector.add(BackendScript().headers(200).end());
    WatchedBody body(std::string(2048, 'b'), *h.pool);
    const auto outcome = serve_watched(h, body, 2048);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(body.busy_at_read.size(), 3);  // 1000 + 1000 + 48 bytes
    for (std::size_t busy : body.busy_at_read) assert_int_equal(busy, 0);
    assert_int_equal(h.connector.handed_out[0]->writes.size(), 1);  // request and body in one write
    assert_true(h.connector.handed_out[0]->writes[0] == first_write(std::string(2048, 'b'), 2048));
}

// Past the first packet the body is read when the backend asks for it, on its connection.
void test_body_past_the_first_packet_is_read_on_the_connection(void**) {
    Harness h;
    h.connector.add(BackendScript().ask_body(8186).headers(200).end());
    WatchedBody body(std::string(9000, 'b'), *h.pool);
    const auto outcome = serve_watched(h, body, 9000);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(outcome.exchange.body_bytes_read, 9000);
    // 8186 bytes (the first packet) in 9 reads without a connection, the other 814 with one.
    assert_int_equal(body.busy_at_read.size(), 10);
    for (std::size_t i = 0; i < 9; ++i) assert_int_equal(body.busy_at_read[i], 0);
    assert_int_equal(body.busy_at_read[9], 1);
}

// A client whose body ends before its Content-Length, within the first packet: no connection
// is taken at all, and the outcome is the client's failure (a 400), not the backend's.
void test_short_first_packet_takes_no_connection(void**) {
    Harness h;
    h.connector.add(ok_response());
    WatchedBody body("ab", *h.pool);
    const auto outcome = serve_watched(h, body, 5);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::client_read_failed));
    assert_int_equal(outcome.attempts, 0);
    assert_true(h.connector.handed_out.empty());
    assert_int_equal(h.pool->busy_count() + h.pool->idle_count(), 0);
    assert_int_equal(static_cast<int>(policy_input(outcome, {}).failure),
                     static_cast<int>(balancer::Failure::client_read_failed));
}

// No connection could be had: the packet read ahead never left, and goes to the next member
// (the client's body cannot be read a second time).
void test_no_connection_leaves_the_packet_read_ahead(void**) {
    Harness h;
    h.connector.add_failure();
    h.connector.add_failure();
    const auto outcome = h.serve(ServiceOptions{}, "abc", 3);
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ServiceResult::connect_failed));
    assert_int_equal(outcome.first_body_bytes, 3);
    const Bytes expected{0x12, 0x34, 0x00, 0x05, 0x00, 0x03, 'a', 'b', 'c'};
    assert_true(outcome.first_body_packet == expected);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failed_member_leaves_the_first_body_packet),
        cmocka_unit_test(test_next_member_sends_the_kept_packet),
        cmocka_unit_test(test_streamed_body_is_not_kept),
        cmocka_unit_test(test_first_body_packet_is_read_before_a_connection_is_taken),
        cmocka_unit_test(test_body_past_the_first_packet_is_read_on_the_connection),
        cmocka_unit_test(test_short_first_packet_takes_no_connection),
        cmocka_unit_test(test_no_connection_leaves_the_packet_read_ahead),
    };
    return cmocka_run_group_tests_name("transport_replay", tests, nullptr, nullptr);
}
