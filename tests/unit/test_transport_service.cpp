// lib/transport serve_request: connection choice, CPING probes and the retry rules.
#include <chrono>
#include <memory>
#include <optional>
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

void test_pooled_connection_is_reused(void**) {
    Harness h;
    h.connector.add(BackendScript().headers(200).end().pause().headers(200).end());
    ServiceOptions options;
    assert_int_equal(static_cast<int>(h.serve(options).result), static_cast<int>(ServiceResult::ok));
    assert_int_equal(h.pool->idle_count(), 1);
    const auto second = h.serve(options);
    assert_int_equal(static_cast<int>(second.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(h.connector.handed_out.size(), 1);
}

void test_connect_failures_are_retried_then_reported(void**) {
    Harness h;
    h.connector.add_failure();
    h.connector.add_failure();
    ServiceOptions options;
    options.retries = 2;
    const auto start = h.time.now();
    const auto outcome = h.serve(options);
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ServiceResult::connect_failed));
    assert_int_equal(outcome.attempts, 2);
    assert_int_equal(h.sleeps, 1);
    assert_true(h.time.now() - start == options.retry_interval);  // slept once, through the Sleeper
    assert_int_equal(static_cast<int>(policy_input(outcome, {}).failure), static_cast<int>(ajpgate::balancer::Failure::connect_failed));
    assert_false(outcome.cping_failed);  // the connect itself failed
}

// A connect that timed out is not made again: a second would wait as long for the same
// silence (a host that is gone, or a full accept queue). A refused one is (above).
void test_connect_timeout_is_not_repeated(void**) {
    Harness h;
    h.connector.add_timeout();
    h.connector.add(ok_response());  // never reached
    ServiceOptions options;
    options.retries = 2;
    const auto outcome = h.serve(options);
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ServiceResult::connect_failed));
    assert_int_equal(outcome.attempts, 1);
    assert_int_equal(h.sleeps, 0);
    assert_true(outcome.connect_timed_out);
    assert_int_equal(h.connector.handed_out.size(), 0);
}

void test_connect_failure_then_success(void**) {
    Harness h;
    h.connector.add_failure();
    h.connector.add(ok_response());
    const auto outcome = h.serve(ServiceOptions{});
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ServiceResult::ok));
    assert_int_equal(outcome.attempts, 2);
    assert_string_equal(h.sink.body_text.c_str(), "ok");
}

void test_stale_idle_connection_is_dropped(void**) {
    Harness h;
    h.connector.add(BackendScript().headers(200).end());
    h.connector.add(ok_response());
    h.serve(ServiceOptions{});
    h.connector.handed_out[0]->spoke_while_idle = true;
    ServiceOptions checked;
    checked.trust_recent_use = std::chrono::milliseconds(0);
    const auto outcome = h.serve(checked);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(outcome.attempts, 1);  // dropping a stale connection costs no attempt
    assert_int_equal(h.connector.handed_out.size(), 2);
}

void test_closed_before_answer_is_retried_without_body(void**) {
    Harness h;
    h.connector.add(BackendScript());  // closes without a word
    h.connector.add(ok_response());
    const auto outcome = h.serve(ServiceOptions{});
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(outcome.attempts, 2);
}

// The body's first packet went with the request; the backend closed without a word. The
// bytes are still in hand: a new connection gets them again, byte for byte, and the client's
// body is not read twice (StringBody would give nothing more: a short body, client_read_failed).
void test_closed_before_answer_replays_the_first_body_packet(void**) {
    Harness h;
    h.connector.add(BackendScript());
    h.connector.add(ok_response());
    const auto outcome = h.serve(ServiceOptions{}, "abc", 3);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(outcome.attempts, 2);
    assert_int_equal(outcome.exchange.body_bytes_read, 3);
    assert_string_equal(h.sink.body_text.c_str(), "ok");
    // The dead link is freed by now: compare with what a healthy first attempt writes.
    assert_int_equal(h.connector.handed_out[1]->writes.size(), 1);
    assert_true(h.connector.handed_out[1]->writes[0] == first_write("abc", 3));

    // The same when the write itself fails.
    Harness w;
    w.connector.add(BackendScript());
    w.connector.add(ok_response());
    w.connector.links.front()->fail_write_number = 0;
    const auto written = w.serve(ServiceOptions{}, "abc", 3);
    assert_int_equal(static_cast<int>(written.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(written.attempts, 2);
    assert_int_equal(w.connector.handed_out[1]->writes.size(), 1);
}

// Once the backend asked for more body, it has the request: a body read from the client since
// cannot be sent twice, so there is no second attempt.
void test_no_retry_once_backend_asked_for_body(void**) {
    Harness h;
    h.connector.add(BackendScript().ask_body(8186));  // then closes
    h.connector.add(ok_response());
    const auto outcome = h.serve(ServiceOptions{}, std::string(10000, 'b'), 10000);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::backend_closed));
    assert_int_equal(outcome.attempts, 1);
    assert_int_equal(outcome.exchange.replayable_bytes, 0);
    assert_int_equal(static_cast<int>(policy_input(outcome, {}).failure), static_cast<int>(ajpgate::balancer::Failure::backend_closed));
}

void test_no_retry_after_request_when_asked(void**) {
    Harness h;
    h.connector.add(BackendScript());
    h.connector.add(ok_response());
    ServiceOptions options;
    options.recovery.no_replay_once_sent = true;
    const auto outcome = h.serve(options);
    assert_int_equal(outcome.attempts, 1);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::backend_closed));
}

void test_no_retry_after_headers(void**) {
    Harness h;
    h.connector.add(BackendScript().headers(200).body("par"));
    h.connector.add(ok_response());
    const auto outcome = h.serve(ServiceOptions{});
    assert_int_equal(outcome.attempts, 1);
    assert_true(outcome.exchange.response_started);
}

void test_cping_probe(void**) {
    Harness h;
    h.connector.add(BackendScript().cpong().pause().headers(200).end());
    ServiceOptions options;
    options.cping_after_connect = true;
    auto outcome = h.serve(options);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    const Bytes cping{0x12, 0x34, 0x00, 0x01, 0x0A};
    assert_true(h.connector.handed_out[0]->writes[0] == cping);

    Harness silent;
    silent.connector.add(BackendScript());  // never answers the CPING
    silent.connector.add(BackendScript().cpong().pause().headers(200).end());
    outcome = silent.serve(options);
    assert_int_equal(outcome.attempts, 2);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_false(outcome.cping_failed);

    // Reachable but mute on every attempt: reported as a failed CPING, not a failed connect.
    Harness mute;
    mute.connector.add(BackendScript());
    mute.connector.add(BackendScript());
    outcome = mute.serve(options);
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ServiceResult::connect_failed));
    assert_int_equal(outcome.attempts, 2);
    assert_true(outcome.cping_failed);
    assert_int_equal(static_cast<int>(policy_input(outcome, {}).failure), static_cast<int>(ajpgate::balancer::Failure::cping_failed));
}

// ping_mode I: only connections idle for the interval are probed; the silent one is closed,
// the one that answers goes back in its place with its last use unchanged.
void test_probe_idle_connections(void**) {
    Harness h(3);
    h.connector.add(BackendScript().cpong());  // answers
    h.connector.add(BackendScript());          // silent: the peer is gone
    h.connector.add(BackendScript().cpong());  // answers, but was used recently
    std::unique_ptr<Connection> a, b, c;
    h.pool->acquire(a);
    h.pool->acquire(b);
    h.pool->acquire(c);
    const auto t0 = h.time.now();
    h.pool->release(std::move(a), true, t0);
    h.pool->release(std::move(b), true, t0 + std::chrono::seconds(1));
    h.pool->release(std::move(c), true, t0 + std::chrono::seconds(10));

    const auto closed = probe_idle_connections(*h.pool, t0 + std::chrono::seconds(10), std::chrono::seconds(5),
                                               std::chrono::milliseconds(10));
    assert_int_equal(closed, 1);
    assert_int_equal(h.pool->idle_count(), 2);
    assert_int_equal(h.pool->busy_count(), 0);
    const Bytes cping_packet{0x12, 0x34, 0x00, 0x01, 0x0A};
    assert_int_equal(h.connector.handed_out[0]->writes.size(), 1);
    assert_true(h.connector.handed_out[0]->writes[0] == cping_packet);
    // handed_out[1], the silent one, is closed (its link freed): only the count tells.
    assert_true(h.connector.handed_out[2]->writes.empty());  // too recent to probe

    // Most recently used first: the young one, then the probed one with its old timestamp.
    std::unique_ptr<Connection> first, second;
    h.pool->acquire(first);
    h.pool->acquire(second);
    assert_ptr_equal(&first->link(), h.connector.handed_out[2]);
    assert_ptr_equal(&second->link(), h.connector.handed_out[0]);
    assert_true(second->last_used == t0);
    h.pool->release(std::move(first), false, h.time.now());
    h.pool->release(std::move(second), false, h.time.now());

    // Nothing idle long enough: nothing probed, nothing closed.
    assert_int_equal(probe_idle_connections(*h.pool, h.time.now(), std::chrono::seconds(5),
                                            std::chrono::milliseconds(10)), 0);
}

// A bodiless request on a connection used moments ago takes it without a liveness check
// (one syscall less per request); when it turns out dead, the second attempt goes at once on a
// new connection: no retry_interval, no failure reported.
// "Moments ago" is trust_recent_use (1 s by default) on the pool's clock: a connection idle
// just under it is trusted, one idle that long is checked.
void test_recent_connection_skips_the_check(void**) {
    Harness h;
    h.connector.add(BackendScript().headers(200).end().pause().headers(200).end().pause().headers(200).end());
    h.serve(ServiceOptions{}, "", 0);
    h.time.advance(std::chrono::milliseconds(999));
    auto outcome = h.serve(ServiceOptions{}, "", 0);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(h.connector.handed_out.size(), 1);
    assert_int_equal(h.connector.handed_out[0]->liveness_checks, 0);
    h.time.advance(std::chrono::seconds(1));
    outcome = h.serve(ServiceOptions{}, "", 0);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(h.connector.handed_out.size(), 1);
    assert_int_equal(h.connector.handed_out[0]->liveness_checks, 1);
}

void test_dead_unchecked_connection_is_replayed_at_once(void**) {
    Harness h;
    h.connector.add(BackendScript().headers(200).end());  // then the backend closes it
    h.connector.add(ok_response());
    h.serve(ServiceOptions{}, "", 0);
    h.connector.handed_out[0]->spoke_while_idle = true;
    const auto outcome = h.serve(ServiceOptions{}, "", 0);
    assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
    assert_string_equal(h.sink.body_text.c_str(), "ok");
    assert_int_equal(h.connector.handed_out.size(), 2);
    // Two attempts: the dead connection was used unchecked (a checked one is dropped for free).
    assert_int_equal(outcome.attempts, 2);
    assert_int_equal(h.sleeps, 0);
    assert_int_equal(static_cast<int>(policy_input(outcome, {}).failure), static_cast<int>(ajpgate::balancer::Failure::none));
}

// A body goes again too, as long as only its first packet went: with a length (the packet
// went with the request) or chunked (nothing of it is read before the backend asks).
void test_dead_unchecked_connection_replays_a_body(void**) {
    const std::optional<std::uint64_t> lengths[] = {3, std::nullopt};
    for (const auto& length : lengths) {
        Harness h;
        h.connector.add(BackendScript().headers(200).end());  // then the backend closes it
        h.connector.add(BackendScript().ask_body(8186).headers(200).body("ok").end());
        h.serve(ServiceOptions{}, "", 0);
        h.connector.handed_out[0]->spoke_while_idle = true;
        h.sink = RecordingSink{};
        const auto outcome = h.serve(ServiceOptions{}, "abc", length);
        assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
        // Two attempts: the dead connection was used unchecked (a checked one is dropped for
        // free); it is freed by now, so no peeking at its link.
        assert_int_equal(outcome.attempts, 2);
        assert_int_equal(h.sleeps, 0);
        assert_int_equal(outcome.exchange.body_bytes_read, 3);
        assert_string_equal(h.sink.body_text.c_str(), "ok");
        // The new connection got what a healthy first attempt writes (with a length, the body too).
        assert_true(h.connector.handed_out[1]->writes[0] == first_write("abc", length));
    }
}

// Where a dead connection could not be replayed, the check stays: when recovery_options forbid
// replays, with no retry left, or with the trust window off.
void test_check_kept_where_replay_is_impossible(void**) {
    struct Case {
        bool no_recovery;
        std::chrono::milliseconds window;
        int retries = 2;
    };
    const Case cases[] = {{true, std::chrono::milliseconds(1000)},
                          {false, std::chrono::milliseconds(0)},
                          {false, std::chrono::milliseconds(1000), 1}};
    for (const Case& c : cases) {
        Harness h;
        h.connector.add(BackendScript().headers(200).end());
        h.connector.add(ok_response());
        ServiceOptions options;
        options.recovery.no_replay_once_sent = c.no_recovery;
        options.trust_recent_use = c.window;
        options.retries = c.retries;
        h.serve(options, "abc", 3);
        h.connector.handed_out[0]->spoke_while_idle = true;
        const auto outcome = h.serve(options, "abc", 3);
        assert_int_equal(static_cast<int>(outcome.exchange.result), static_cast<int>(ExchangeResult::ok));
        // The stale one was checked and dropped before use (it is freed now: count, no peek).
        assert_int_equal(outcome.attempts, 1);
        assert_int_equal(h.connector.handed_out.size(), 2);
    }
}

void test_busy_pool(void**) {
    Harness h(1);
    std::unique_ptr<Connection> held;
    h.connector.add(ok_response());
    h.pool->acquire(held);
    const auto outcome = h.serve(ServiceOptions{});
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ServiceResult::busy));
    assert_int_equal(static_cast<int>(policy_input(outcome, {}).failure), static_cast<int>(ajpgate::balancer::Failure::busy));
    h.pool->release(std::move(held), false, h.time.now());
}

void test_disable_reuse_closes(void**) {
    Harness h;
    h.connector.add(ok_response());
    ServiceOptions options;
    options.disable_reuse = true;
    h.serve(options);
    assert_int_equal(h.pool->idle_count(), 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pooled_connection_is_reused),
        cmocka_unit_test(test_connect_failures_are_retried_then_reported),
        cmocka_unit_test(test_connect_timeout_is_not_repeated),
        cmocka_unit_test(test_connect_failure_then_success),
        cmocka_unit_test(test_stale_idle_connection_is_dropped),
        cmocka_unit_test(test_closed_before_answer_is_retried_without_body),
        cmocka_unit_test(test_closed_before_answer_replays_the_first_body_packet),
        cmocka_unit_test(test_no_retry_once_backend_asked_for_body),
        cmocka_unit_test(test_no_retry_after_request_when_asked),
        cmocka_unit_test(test_no_retry_after_headers),
        cmocka_unit_test(test_cping_probe),
        cmocka_unit_test(test_probe_idle_connections),
        cmocka_unit_test(test_recent_connection_skips_the_check),
        cmocka_unit_test(test_dead_unchecked_connection_is_replayed_at_once),
        cmocka_unit_test(test_dead_unchecked_connection_replays_a_body),
        cmocka_unit_test(test_check_kept_where_replay_is_impossible),
        cmocka_unit_test(test_busy_pool),
        cmocka_unit_test(test_disable_reuse_closes),
    };
    return cmocka_run_group_tests_name("transport_service", tests, nullptr, nullptr);
}
