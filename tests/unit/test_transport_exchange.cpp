// lib/transport exchange: the AJP13 conversation against a scripted backend. Each test
// asserts both what the client got and what went over the wire to the backend.
#include <string>

#include "ajp13/framing.hpp"
#include "transport/exchange.hpp"
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

namespace {

struct Run {
    ScriptedLink link;
    RecordingSink sink;
    ExchangeOutcome outcome;
};

void exchange(Run& run, const BackendScript& script, ExchangeOptions options = {}, std::string body = {},
              std::string_view method = "GET") {
    run.link.incoming = script.bytes();
    PacketChannel channel(run.link, 8192);
    StringBody source(std::move(body));
    run.outcome = run_exchange(channel, simple_request(method), options, source, run.sink);
}

// The server->container packets one write carried (each: 0x12 0x34, 2-byte length, payload).
std::vector<Bytes> split_packets(const Bytes& written) {
    std::vector<Bytes> packets;
    for (std::size_t at = 0; at + 4 <= written.size();) {
        assert_int_equal(written[at], 0x12);
        assert_int_equal(written[at + 1], 0x34);
        const std::size_t size = 4 + (std::size_t{written[at + 2]} << 8 | written[at + 3]);
        assert_true(at + size <= written.size());
        packets.emplace_back(written.begin() + static_cast<long>(at), written.begin() + static_cast<long>(at + size));
        at += size;
    }
    return packets;
}

// The data of a request body packet (after the 4-byte header and the 2-byte length).
Bytes body_payload(const Bytes& packet) {
    assert_true(packet.size() >= 6);
    return Bytes(packet.begin() + 6, packet.end());
}

void test_get_is_delivered_and_reusable(void**) {
    Run run;
    exchange(run, BackendScript().headers(200, {{"Content-Type", "text/plain"}}).body("hi").end());
    assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::ok));
    assert_true(run.outcome.reusable);
    assert_true(run.outcome.request_sent);
    assert_int_equal(run.sink.status, 200);
    assert_string_equal(run.sink.body_text.c_str(), "hi");
    assert_int_equal(run.sink.headers.size(), 1);
    assert_string_equal(run.sink.headers[0].first.c_str(), "Content-Type");
    // Only the FORWARD_REQUEST went out: no body packet for a request without a length.
    assert_int_equal(run.link.writes.size(), 1);
    assert_int_equal(run.link.writes[0][4], 0x02);
}

void test_positive_length_sends_first_packet_unasked(void**) {
    Run run;
    ExchangeOptions options;
    options.content_length = 3;
    exchange(run, BackendScript().headers(200).end(), options, "abc", "POST");
    assert_true(run.outcome.reusable);
    // The request and its first body packet go out in one write (one wake-up of the backend).
    assert_int_equal(run.link.writes.size(), 1);
    const auto packets = split_packets(run.link.writes[0]);
    assert_int_equal(packets.size(), 2);
    assert_int_equal(packets[0][4], 0x02);
    const Bytes expected{0x12, 0x34, 0x00, 0x05, 0x00, 0x03, 'a', 'b', 'c'};
    assert_true(packets[1] == expected);
    assert_int_equal(run.outcome.body_bytes_read, 3);
}

void test_long_body_goes_on_request(void**) {
    Run run;
    ExchangeOptions options;
    options.content_length = 10000;
    std::string body(10000, 'z');
    exchange(run, BackendScript().ask_body(8186).headers(200).end(), options, body, "POST");
    assert_true(run.outcome.reusable);
    assert_int_equal(run.link.writes.size(), 2);
    const auto first = split_packets(run.link.writes[0]);
    assert_int_equal(first.size(), 2);
    assert_int_equal(body_payload(first[1]).size(), 8186);  // a full packet behind the request
    assert_int_equal(body_payload(run.link.writes[1]).size(), 10000 - 8186);
    assert_int_equal(run.outcome.body_bytes_read, 10000);
}

void test_zero_length_sends_no_body(void**) {
    Run run;
    ExchangeOptions options;
    options.content_length = 0;
    exchange(run, BackendScript().headers(200).end(), options, "", "POST");
    assert_int_equal(run.link.writes.size(), 1);
    assert_true(run.outcome.reusable);
}

void test_unknown_length_streams_on_request_and_ends_empty(void**) {
    Run run;
    exchange(run, BackendScript().ask_body(8186).ask_body(8186).headers(200).end(), {}, "hello", "POST");
    assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(run.link.writes.size(), 3);
    const Bytes data{0x12, 0x34, 0x00, 0x07, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o'};
    const Bytes end{0x12, 0x34, 0x00, 0x00};
    assert_true(run.link.writes[1] == data);
    assert_true(run.link.writes[2] == end);
}

void test_get_body_chunk_size_is_honoured(void**) {
    Run run;
    exchange(run, BackendScript().ask_body(2).ask_body(8186).ask_body(8186).headers(200).end(), {}, "hello",
             "POST");
    assert_int_equal(run.link.writes.size(), 4);
    assert_int_equal(body_payload(run.link.writes[1]).size(), 2);
    assert_int_equal(body_payload(run.link.writes[2]).size(), 3);
}

void test_repeated_ask_after_end(void**) {
    Run once;
    exchange(once, BackendScript().ask_body(100).ask_body(100).headers(200).end(), {}, "", "POST");
    assert_int_equal(static_cast<int>(once.outcome.result), static_cast<int>(ExchangeResult::ok));
    Run twice;
    exchange(twice, BackendScript().ask_body(100).ask_body(100).ask_body(100).headers(200).end(), {}, "", "POST");
    assert_int_equal(static_cast<int>(twice.outcome.result), static_cast<int>(ExchangeResult::protocol_error));
    assert_false(twice.outcome.reusable);
}

void test_short_client_body_fails_and_closes(void**) {
    Run run;
    ExchangeOptions options;
    options.content_length = 10;
    exchange(run, BackendScript().headers(200).end(), options, "abc", "POST");
    assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::client_read_failed));
    assert_false(run.outcome.reusable);
    // Nothing went out: the request waits for its first body packet, which never filled.
    assert_int_equal(run.link.writes.size(), 0);
    assert_false(run.outcome.request_sent);
}

void test_client_read_error(void**) {
    ScriptedLink link;
    link.incoming = BackendScript().ask_body(100).headers(200).end().bytes();
    PacketChannel channel(link, 8192);
    StringBody source("abc");
    source.broken = true;
    RecordingSink sink;
    auto outcome = run_exchange(channel, simple_request("POST"), {}, source, sink);
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ExchangeResult::client_read_failed));
    assert_false(outcome.reusable);
}

struct ReuseCase {
    const char* name;
    BackendScript script;
    ExchangeResult result;
    bool reusable;
    bool started;
};

void test_outcomes_table(void**) {
    const ReuseCase cases[] = {
        {"reuse=0", BackendScript().headers(200).end(false), ExchangeResult::ok, false, true},
        {"bytes after end", BackendScript().headers(200).end().headers(200), ExchangeResult::ok, false, true},
        {"headers twice", BackendScript().headers(200).headers(200).end(), ExchangeResult::protocol_error, false, true},
        {"body before headers", BackendScript().body("x").headers(200).end(), ExchangeResult::protocol_error, false,
         false},
        {"flush before headers", BackendScript().body("").headers(200).end(), ExchangeResult::ok, true, true},
        {"garbage", BackendScript().raw({'H', 'T', 'T', 'P', '/', '1'}), ExchangeResult::protocol_error, false, false},
        {"closed before headers", BackendScript(), ExchangeResult::backend_closed, false, false},
        {"closed mid body", BackendScript().headers(200).body("par"), ExchangeResult::backend_closed, false, true},
        {"end without headers", BackendScript().end(), ExchangeResult::protocol_error, false, false},
        {"cpong in response", BackendScript().cpong().headers(200).end(), ExchangeResult::protocol_error, false,
         false},
        {"oversize length", BackendScript().raw({0x41, 0x42, 0xFF, 0xFF, 0x04}), ExchangeResult::protocol_error,
         false, false},
        {"chunk length overflow", BackendScript().headers(200).raw({0x41, 0x42, 0x00, 0x06, 0x03, 0x10, 0x00, 'a', 'b',
                                                                    0x00}),
         ExchangeResult::protocol_error, false, true},
        {"empty payload", BackendScript().raw({0x41, 0x42, 0x00, 0x00}), ExchangeResult::protocol_error, false, false},
    };
    for (const auto& c : cases) {
        Run run;
        exchange(run, c.script);
        if (run.outcome.result != c.result || run.outcome.reusable != c.reusable ||
            run.outcome.response_started != c.started) {
            fail_msg("%s: result %s reusable %d started %d", c.name, std::string(to_string(run.outcome.result)).c_str(),
                     run.outcome.reusable, run.outcome.response_started);
        }
    }
}

// A message out of its order ends the exchange with a detail naming the order it broke, from
// whichever state it came in (after a 204's headers, say, which deliver no body).
void test_out_of_order_details(void**) {
    const std::pair<BackendScript, const char*> cases[] = {
        {BackendScript().headers(200).headers(200), "backend sent headers twice"},
        {BackendScript().headers(204).headers(200), "backend sent headers twice"},
        {BackendScript().body("x"), "backend sent body before headers"},
        {BackendScript().end(), "backend ended the response without headers"},
        {BackendScript().ask_body(9).ask_body(9).ask_body(9), "backend asked for body after its end twice"},
    };
    for (const auto& [script, detail] : cases) {
        Run run;
        exchange(run, script, {}, "", "POST");
        assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::protocol_error));
        assert_string_equal(std::string(run.outcome.detail).c_str(), detail);
    }
}

void test_timeout_is_reported(void**) {
    Run run;
    run.link.at_end = IoResult::timeout;
    exchange(run, BackendScript());
    assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::backend_timeout));
    assert_false(run.outcome.response_started);
    assert_false(run.outcome.reusable);
}

void test_one_byte_at_a_time(void**) {
    Run run;
    run.link.piece = 1;
    exchange(run, BackendScript().headers(200, {{"X-A", "1"}}).body("hello").body(" world").end());
    assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::ok));
    assert_true(run.outcome.reusable);
    assert_string_equal(run.sink.body_text.c_str(), "hello world");
}

void test_request_too_large_sends_nothing(void**) {
    ScriptedLink link;
    PacketChannel channel(link, 8192);
    StringBody source("");
    RecordingSink sink;
    std::string big(9000, 'v');
    ajp13::HeaderField header{"X-Big", big};
    auto request = simple_request();
    request.headers = std::span<const ajp13::HeaderField>(&header, 1);
    auto outcome = run_exchange(channel, request, {}, source, sink);
    assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ExchangeResult::request_too_large));
    assert_true(link.writes.empty());
    assert_false(outcome.request_sent);
}

void test_send_failure(void**) {
    Run run;
    run.link.fail_write_number = 0;
    exchange(run, BackendScript().headers(200).end());
    assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::send_failed));
    assert_false(run.outcome.request_sent);
    assert_false(run.outcome.reusable);
}

void test_client_gone_closes_connection(void**) {
    Run run;
    run.sink.client_gone = true;
    exchange(run, BackendScript().headers(200).body("x").end());
    assert_int_equal(static_cast<int>(run.outcome.result), static_cast<int>(ExchangeResult::client_write_failed));
    assert_false(run.outcome.reusable);
}

void test_head_and_304_carry_no_body(void**) {
    Run head;
    ExchangeOptions options;
    options.head_request = true;
    exchange(head, BackendScript().headers(200).body("secret").end(), options, "", "HEAD");
    assert_true(head.sink.body_text.empty());
    assert_true(head.outcome.reusable);
    Run not_modified;
    exchange(not_modified, BackendScript().headers(304).body("stale").end());
    assert_true(not_modified.sink.body_text.empty());
    assert_int_equal(not_modified.sink.status, 304);
}

void test_flush_behaviour(void**) {
    Run plain;
    exchange(plain, BackendScript().headers(200).body("a").body("").body("b").end());
    assert_int_equal(plain.sink.flushes, 1);  // only the explicit flush packet
    Run flushing;
    ExchangeOptions options;
    options.flush_packets = true;
    options.flush_header = true;
    exchange(flushing, BackendScript().headers(200).body("a").body("b").end(), options);
    assert_int_equal(flushing.sink.flushes, 3);
}

// The sink may hold body data back; it is told to deliver exactly when the exchange would
// wait for the backend, never while whole packets are already buffered.
void test_idle_only_before_waiting(void**) {
    Run together;
    exchange(together, BackendScript().headers(200).body("a").body("b").end());
    assert_int_equal(together.sink.idles, 0);  // everything arrived in one read

    Run paused;
    auto script = BackendScript().headers(200).body("a").pause().body("b").end();
    paused.link.incoming = script.bytes();
    paused.link.boundaries = script.pauses();
    PacketChannel channel(paused.link, 8192);
    StringBody source("");
    paused.outcome = run_exchange(channel, simple_request(), {}, source, paused.sink);
    assert_int_equal(static_cast<int>(paused.outcome.result), static_cast<int>(ExchangeResult::ok));
    assert_int_equal(paused.sink.idles, 1);
    assert_int_equal(paused.sink.body_at_first_idle, 1);  // "a" was there to deliver before the wait
    assert_string_equal(paused.sink.body_text.c_str(), "ab");
}

// A sink that keeps only the spans it is given, as ClientResponse does (no copy): the bytes
// must still be intact when it reads them at idle() or end(), through partial reads, packets
// split across reads and the buffer's compaction, over more than one buffer's worth of body.
class SpanSink : public RecordingSink {
public:
    std::vector<std::span<const std::uint8_t>> held;
    int ends = 0;
    bool body(std::span<const std::uint8_t> data) override {
        held.push_back(data);
        return true;
    }
    bool idle() override {
        take();
        return RecordingSink::idle();
    }
    bool end() override {
        ++ends;
        take();
        return true;
    }

private:
    void take() {
        for (const auto& span : held) body_text.append(reinterpret_cast<const char*>(span.data()), span.size());
        held.clear();
    }
};

void test_body_spans_stay_valid_until_idle_or_end(void**) {
    for (const std::size_t piece : {std::size_t{5000}, std::size_t{8191}, std::size_t{1} << 20}) {
        BackendScript script;
        script.headers(200);
        std::string expected;
        for (int i = 0; i < 20; ++i) {  // 160 KB: the 64 KiB receive buffer is reused twice over
            const std::string chunk(8000, static_cast<char>('a' + i));
            script.body(chunk);
            expected += chunk;
        }
        script.end();
        ScriptedLink link;
        link.incoming = script.bytes();
        link.piece = piece;
        PacketChannel channel(link, 8192);
        StringBody source("");
        SpanSink sink;
        const auto outcome = run_exchange(channel, simple_request(), {}, source, sink);
        assert_int_equal(static_cast<int>(outcome.result), static_cast<int>(ExchangeResult::ok));
        assert_int_equal(sink.ends, 1);
        assert_true(sink.held.empty());
        assert_true(sink.body_text == expected);
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_is_delivered_and_reusable),
        cmocka_unit_test(test_positive_length_sends_first_packet_unasked),
        cmocka_unit_test(test_long_body_goes_on_request),
        cmocka_unit_test(test_zero_length_sends_no_body),
        cmocka_unit_test(test_unknown_length_streams_on_request_and_ends_empty),
        cmocka_unit_test(test_get_body_chunk_size_is_honoured),
        cmocka_unit_test(test_repeated_ask_after_end),
        cmocka_unit_test(test_short_client_body_fails_and_closes),
        cmocka_unit_test(test_client_read_error),
        cmocka_unit_test(test_outcomes_table),
        cmocka_unit_test(test_out_of_order_details),
        cmocka_unit_test(test_timeout_is_reported),
        cmocka_unit_test(test_one_byte_at_a_time),
        cmocka_unit_test(test_request_too_large_sends_nothing),
        cmocka_unit_test(test_send_failure),
        cmocka_unit_test(test_client_gone_closes_connection),
        cmocka_unit_test(test_head_and_304_carry_no_body),
        cmocka_unit_test(test_flush_behaviour),
        cmocka_unit_test(test_idle_only_before_waiting),
        cmocka_unit_test(test_body_spans_stay_valid_until_idle_or_end),
    };
    return cmocka_run_group_tests_name("transport_exchange", tests, nullptr, nullptr);
}
