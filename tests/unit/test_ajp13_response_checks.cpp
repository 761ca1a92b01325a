// What a backend's SEND_HEADERS may not do to the client connection (ajp13/response_checks.hpp).
#include <string>
#include <vector>

#include "ajp13/response_checks.hpp"
#include "test_ajp13_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate::ajp13;
using ajp13_test::payload_of;

// Encodes SEND_HEADERS and checks the decoded view.
HeaderProblem check(std::uint16_t status, std::vector<HeaderField> headers, std::string_view reason = "OK") {
    std::vector<std::uint8_t> buffer(default_packet_size);
    PacketWriter writer(buffer, Direction::to_server);
    if (encode_send_headers({status, reason, headers}, writer) != Status::ok) fail_msg("encode");
    SendHeadersView view;
    if (decode_send_headers(payload_of(writer.packet(), Direction::to_server), view) != Status::ok) fail_msg("decode");
    std::optional<std::uint64_t> length;
    const HeaderProblem problem = check_send_headers(view, length);
    // The view the caller keeps is still at its first header.
    HeaderField first;
    if (!headers.empty() && (!next_header(view, first) || first.name != headers[0].name)) fail_msg("view moved");
    return problem;
}

void test_ordinary_answers_pass(void**) {
    assert_int_equal(check(200, {{"Content-Type", "text/html"}, {"Content-Length", "12"}}), HeaderProblem::none);
    assert_int_equal(check(599, {}), HeaderProblem::none);
    assert_int_equal(check(304, {{"ETag", "\"x\""}}), HeaderProblem::none);
    // The same length twice is the same message.
    assert_int_equal(check(200, {{"Content-Length", "5"}, {"Content-Length", " 5"}}), HeaderProblem::none);
}

void test_statuses(void**) {
    assert_int_equal(check(999, {}), HeaderProblem::status_out_of_range);
    assert_int_equal(check(600, {}), HeaderProblem::status_out_of_range);
    assert_int_equal(check(100, {}), HeaderProblem::informational_final);
    assert_int_equal(check(101, {{"Upgrade", "websocket"}}), HeaderProblem::informational_final);
}

void test_header_injection(void**) {
    assert_int_equal(check(200, {{"X-A", "a\r\nSet-Cookie: stolen=1"}}), HeaderProblem::control_characters);
    assert_int_equal(check(200, {{"X-A", "a\nb"}}), HeaderProblem::control_characters);
    assert_int_equal(check(200, {{"X-A", std::string("a\0b", 3)}}), HeaderProblem::control_characters);
    assert_int_equal(check(200, {{"X\r\nB", "a"}}), HeaderProblem::control_characters);
    assert_int_equal(check(200, {}, "OK\r\nX: y"), HeaderProblem::control_characters);
}

void test_declared_length(void**) {
    std::vector<std::uint8_t> buffer(default_packet_size);
    PacketWriter writer(buffer, Direction::to_server);
    const HeaderField headers[] = {{"Content-Length", " 1234 "}};
    assert_int_equal(encode_send_headers({200, "OK", headers}, writer), Status::ok);
    SendHeadersView view;
    assert_int_equal(decode_send_headers(payload_of(writer.packet(), Direction::to_server), view), Status::ok);
    std::optional<std::uint64_t> length;
    assert_int_equal(check_send_headers(view, length), HeaderProblem::none);
    assert_true(length == 1234u);
    assert_int_equal(check(200, {{"Content-Length", "12a"}}), HeaderProblem::bad_length);
    assert_int_equal(check(200, {{"Content-Length", "-1"}}), HeaderProblem::bad_length);
    assert_int_equal(check(200, {{"Content-Length", "9999999999999999999"}}), HeaderProblem::bad_length);
}

void test_lengths_and_counts(void**) {
    assert_int_equal(check(200, {{"Content-Length", "5"}, {"Content-Length", "50"}}), HeaderProblem::conflicting_length);
    std::vector<HeaderField> many(kMaxResponseHeaders + 1, HeaderField{"X", "y"});
    assert_int_equal(check(200, many), HeaderProblem::too_many_headers);
    many.resize(kMaxResponseHeaders);
    assert_int_equal(check(200, many), HeaderProblem::none);
}

void test_hop_by_hop(void**) {
    for (const char* name : {"Connection", "keep-alive", "Proxy-Connection", "TE", "Trailer", "transfer-encoding",
                             "UPGRADE"}) {
        assert_true(is_hop_by_hop(name));
    }
    for (const char* name : {"Content-Length", "Content-Type", "Set-Cookie", "X-Transfer-Encoding", ""}) {
        assert_false(is_hop_by_hop(name));
    }
    assert_true(connection_names("close, X-Secret ,x-other", "x-secret"));
    assert_true(connection_names("X-Other", "X-OTHER"));
    assert_false(connection_names("close, X-Secretive", "X-Secret"));
    assert_false(connection_names("", "X"));
}

}  // namespace

// Every Connection header counts, the sixth as much as the first.
void test_hop_by_hop_filter(void**) {
    std::vector<HeaderField> headers;
    for (int i = 0; i < 5; ++i) headers.push_back({"Connection", "close"});
    headers.push_back({"connection", "X-Late, X-Other"});
    headers.push_back({"X-Late", "1"});
    headers.push_back({"X-Kept", "2"});
    std::vector<std::uint8_t> buffer(default_packet_size);
    PacketWriter writer(buffer, Direction::to_server);
    if (encode_send_headers({200, "OK", headers}, writer) != Status::ok) fail_msg("encode");
    SendHeadersView view;
    if (decode_send_headers(payload_of(writer.packet(), Direction::to_server), view) != Status::ok) fail_msg("decode");
    const HopByHopFilter filter(view);
    assert_true(filter.drops("x-late"));
    assert_true(filter.drops("X-Other"));
    assert_true(filter.drops("Transfer-Encoding"));
    assert_false(filter.drops("X-Kept"));
    // No Connection header: only the fixed list.
    std::vector<std::uint8_t> plain_buffer(default_packet_size);
    PacketWriter plain(plain_buffer, Direction::to_server);
    const std::vector<HeaderField> one{{"X-Late", "1"}};
    if (encode_send_headers({200, "OK", one}, plain) != Status::ok) fail_msg("encode");
    SendHeadersView plain_view;
    if (decode_send_headers(payload_of(plain.packet(), Direction::to_server), plain_view) != Status::ok) fail_msg("decode");
    assert_false(HopByHopFilter(plain_view).drops("X-Late"));
    assert_true(HopByHopFilter(plain_view).drops("Keep-Alive"));
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary_answers_pass),
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_header_injection),
        cmocka_unit_test(test_declared_length),
        cmocka_unit_test(test_lengths_and_counts),
        cmocka_unit_test(test_hop_by_hop),
        cmocka_unit_test(test_hop_by_hop_filter),
    };
    return cmocka_run_group_tests_name("ajp13_response_checks", tests, nullptr, nullptr);
}
