// lib/transport watched_receive: the wait for the first packet, sliced by the hung-member
// check, still ends when reply_timeout (or, without one, the socket timeout) says. Found by
// fuzz_exchange: with reply_timeout 0 a member answering its CPINGs kept a request waiting for
// ever, past the socket_timeout the link would otherwise have applied.
#include <chrono>
#include <vector>

#include "transport/exchange.hpp"
#include "transport/watched_receive.hpp"
#include "transport_fakes.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using namespace ajpgate;
using namespace ajpgate::transport;
using namespace ajpgate::transport::testing;
using std::chrono::milliseconds;

namespace {

// A backend that never answers, and remembers how long each read was allowed to wait.
class SilentLink : public ScriptedLink {
public:
    SilentLink() { at_end = IoResult::timeout; }
    std::vector<long> waits_ms;
    IoResult read_some(std::span<std::uint8_t> into, std::size_t& got, milliseconds timeout) override {
        waits_ms.push_back(static_cast<long>(timeout.count()));
        return ScriptedLink::read_some(into, got, timeout);
    }
};

// Says "alive" `alive_answers` times, then "hung" (a bound, so that a wait without an end
// shows as a wrong answer instead of a test that never returns).
class CountingLiveness : public LivenessCheck {
public:
    explicit CountingLiveness(int alive_answers) : alive_answers_(alive_answers) {}
    int asked = 0;
    bool member_alive() override { return ++asked <= alive_answers_; }

private:
    int alive_answers_;
};

ExchangeOutcome wait_on_silence(SilentLink& link, CountingLiveness& liveness, milliseconds reply_timeout,
                                milliseconds socket_timeout) {
    ExchangeOptions options;
    options.content_length = 0;
    options.reply_timeout = reply_timeout;
    options.socket_timeout = socket_timeout;
    options.liveness = &liveness;
    options.liveness_after = milliseconds(1000);
    PacketChannel channel(link, 8192);
    StringBody body("");
    RecordingSink sink;
    return run_exchange(channel, simple_request(), options, body, sink);
}

void test_without_reply_timeout_the_socket_timeout_ends_the_wait(void**) {
    SilentLink link;
    CountingLiveness liveness(100);
    const ExchangeOutcome outcome = wait_on_silence(link, liveness, milliseconds(0), milliseconds(3000));
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ExchangeResult::backend_timeout));
    // Three slices of 1 s make the socket timeout; asked between them, not after the last.
    assert_int_equal(link.waits_ms.size(), 3);
    for (const long wait : link.waits_ms) assert_int_equal(wait, 1000);
    assert_int_equal(liveness.asked, 2);
}

void test_reply_timeout_ends_the_wait_with_a_short_last_slice(void**) {
    SilentLink link;
    CountingLiveness liveness(100);
    const ExchangeOutcome outcome = wait_on_silence(link, liveness, milliseconds(2500), milliseconds(3000));
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ExchangeResult::backend_timeout));
    assert_true((link.waits_ms == std::vector<long>{1000, 1000, 500}));
    assert_int_equal(liveness.asked, 2);
}

void test_no_timeout_at_all_waits_while_the_member_is_alive(void**) {
    SilentLink link;
    CountingLiveness liveness(5);
    const ExchangeOutcome outcome = wait_on_silence(link, liveness, milliseconds(0), milliseconds(0));
    // Nothing limits the wait (socket_timeout 0 is mod_jk's "for ever"): only "hung" ends it.
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ExchangeResult::backend_hung));
    assert_int_equal(liveness.asked, 6);
}

void test_a_packet_ends_the_watch(void**) {
    ScriptedLink link;
    link.incoming = BackendScript().headers(200).end().bytes();
    CountingLiveness liveness(0);
    ReceiveLimits limits{milliseconds(0), milliseconds(3000), &liveness, milliseconds(1000)};
    PacketChannel channel(link, 8192);
    WatchedReceive receive(channel, limits);
    ajp13::Frame frame;
    assert_int_equal(static_cast<int>(receive.next(frame)), static_cast<int>(ReceiveResult::packet));
    assert_int_equal(static_cast<int>(receive.next(frame)), static_cast<int>(ReceiveResult::packet));
    assert_int_equal(liveness.asked, 0);
    assert_false(receive.member_hung());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_reply_timeout_the_socket_timeout_ends_the_wait),
        cmocka_unit_test(test_reply_timeout_ends_the_wait_with_a_short_last_slice),
        cmocka_unit_test(test_no_timeout_at_all_waits_while_the_member_is_alive),
        cmocka_unit_test(test_a_packet_ends_the_watch),
    };
    return cmocka_run_group_tests_name("transport_watched_receive", tests, nullptr, nullptr);
}
