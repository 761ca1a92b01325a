// A request body's first packet across members (lib/transport): what a failed member leaves
// for the next one, and how the next one sends it behind its own request.
#include <string>

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

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failed_member_leaves_the_first_body_packet),
        cmocka_unit_test(test_next_member_sends_the_kept_packet),
        cmocka_unit_test(test_streamed_body_is_not_kept),
    };
    return cmocka_run_group_tests_name("transport_replay", tests, nullptr, nullptr);
}
