// Unit tests of the typed ajp13 messages: the byte vectors of shared/reference/ajp13.md,
// round trips (encode -> frame -> decode) in both directions, and packet-size boundaries.
#include <array>
#include <string>
#include <vector>

#include "ajp13/codes.hpp"
#include "ajp13/messages.hpp"
#include "test_ajp13_support.hpp"  // last: it brings in cmocka.h

using namespace ajpgate::ajp13;
using namespace ajp13_test;

namespace {

using Decoded = DecodedForwardRequest;

// ---- the reference's vectors ------------------------------------------------

const HeaderField example_request_headers[] = {{"Host", "www.example.com"}, {"X-Trace", "t1"}};
const RequestAttribute example_attributes[] = {{"AJP_REMOTE_PORT", "51000"}};

// §4.4: GET /app/x?y=1 via TLS, two headers, secret, route, remote port.
ForwardRequest example_request() {
    ForwardRequest r = {};
    r.method = "GET";
    r.protocol = "HTTP/1.1";
    r.uri = "/app/x";
    r.remote_addr = r.remote_host.emplace("10.0.0.5");
    r.server_name = "www.example.com";
    r.server_port = 443;
    r.is_ssl = true;
    r.headers = example_request_headers;
    r.secret = "s3cr3t";
    r.query_string = "y=1";
    r.route = "node1";
    r.attributes = example_attributes;
    return r;
}

void check_example_request(std::span<const std::uint8_t> payload) {
    Decoded d;
    assert_int_equal(decode_forward_request(payload, d), Status::ok);
    assert_int_equal(d.method_code, 2);
    assert_text(d.method, "GET", "method");
    assert_text(d.protocol, "HTTP/1.1", "protocol");
    assert_text(d.uri, "/app/x", "uri");
    assert_text(d.remote_addr, "10.0.0.5", "remote_addr");
    assert_text(d.remote_host.value(), "10.0.0.5", "remote_host");
    assert_text(d.server_name, "www.example.com", "server_name");
    assert_int_equal(d.server_port, 443);
    assert_true(d.is_ssl);
    assert_int_equal(d.headers.size(), 2);
    assert_text(d.headers[0].name, "host", "coded name expands to lower case");
    assert_text(d.headers[0].value, "www.example.com", "host value");
    assert_text(d.headers[1].name, "X-Trace", "string name");
    assert_text(d.headers[1].value, "t1", "X-Trace value");
    assert_text(d.secret.value(), "s3cr3t", "secret");
    assert_text(d.query_string.value(), "y=1", "query");
    assert_text(d.route.value(), "node1", "route");
    assert_false(d.context || d.servlet_path || d.remote_user || d.auth_type || d.ssl_cert || d.ssl_cipher ||
                 d.ssl_session || d.stored_method || d.ssl_key_size);
    assert_int_equal(d.attributes.size(), 1);
    assert_text(d.attributes[0].name, "AJP_REMOTE_PORT", "attribute name");
    assert_text(d.attributes[0].value, "51000", "attribute value");
    assert_bytes(d.attribute_order, hex("0c 05 06 0a"), "attribute order");
}

const HeaderField example_response_headers[] = {{"Content-Type", "text/plain"}, {"Content-Length", "2"}};

void check_example_headers(std::span<const std::uint8_t> payload) {
    SendHeadersView view;
    assert_int_equal(decode_send_headers(payload, view), Status::ok);
    assert_int_equal(view.status, 200);
    assert_text(view.reason.value(), "200", "reason");
    assert_int_equal(view.header_count, 2);
    HeaderField h;
    assert_true(next_header(view, h));
    assert_text(h.name, "Content-Type", "first name");
    assert_text(h.value, "text/plain", "first value");
    assert_true(next_header(view, h));
    assert_text(h.name, "Content-Length", "second name");
    assert_text(h.value, "2", "second value");
    assert_false(next_header(view, h));
    assert_false(next_header(view, h));
}

void check_chunk(std::span<const std::uint8_t> payload, std::string_view expected) {
    std::span<const std::uint8_t> data;
    assert_int_equal(decode_body_chunk(payload, data), Status::ok);
    assert_text(as_text(data), expected, "chunk");
}

void check_request_body(std::span<const std::uint8_t> payload, std::string_view expected) {
    std::span<const std::uint8_t> data = as_bytes("untouched");
    assert_int_equal(decode_request_body(payload, data), Status::ok);
    assert_text(as_text(data), expected, "request body");
}

void check_end(std::span<const std::uint8_t> payload, bool expected) {
    bool reuse = !expected;
    assert_int_equal(decode_end_response(payload, reuse), Status::ok);
    assert_int_equal(reuse, expected);
}

struct Vector {
    const char* name;
    Direction direction;
    Status (*encode)(PacketWriter&);
    void (*check)(std::span<const std::uint8_t> payload);
    const char* packet;
};

const Vector vectors[] = {
    {"FORWARD_REQUEST (4.4)", Direction::to_container,
     [](PacketWriter& w) { return encode_forward_request(example_request(), w); }, check_example_request,
     reference_forward_request},
    {"SEND_HEADERS (6)", Direction::to_server,
     [](PacketWriter& w) { return encode_send_headers({200, "200", example_response_headers}, w); },
     check_example_headers, reference_send_headers},
    {"SEND_BODY_CHUNK hi", Direction::to_server,
     [](PacketWriter& w) { return encode_body_chunk(as_bytes("hi"), w); },
     [](std::span<const std::uint8_t> p) { check_chunk(p, "hi"); }, "41 42 00 06 03 00 02 68 69 00"},
    {"flush", Direction::to_server, [](PacketWriter& w) { return encode_body_chunk({}, w); },
     [](std::span<const std::uint8_t> p) { check_chunk(p, ""); }, "41 42 00 04 03 00 00 00"},
    {"request data abc", Direction::to_container,
     [](PacketWriter& w) { return encode_request_body(as_bytes("abc"), w); },
     [](std::span<const std::uint8_t> p) { check_request_body(p, "abc"); }, "12 34 00 05 00 03 61 62 63"},
    {"end of body, spec form", Direction::to_container,
     [](PacketWriter& w) { return encode_end_of_body(EmptyBodyForm::no_payload, w); },
     [](std::span<const std::uint8_t> p) { check_request_body(p, ""); }, "12 34 00 00"},
    {"empty data is the spec end of body", Direction::to_container,
     [](PacketWriter& w) { return encode_request_body({}, w); },
     [](std::span<const std::uint8_t> p) { check_request_body(p, ""); }, "12 34 00 00"},
    {"end of body, mod_proxy_ajp form", Direction::to_container,
     [](PacketWriter& w) { return encode_end_of_body(EmptyBodyForm::zero_length, w); },
     [](std::span<const std::uint8_t> p) { check_request_body(p, ""); }, "12 34 00 02 00 00"},
    {"CPING", Direction::to_container, encode_cping,
     [](std::span<const std::uint8_t> p) { assert_int_equal(decode_bare(p, MessageType::cping), Status::ok); },
     "12 34 00 01 0a"},
    {"SHUTDOWN", Direction::to_container, encode_shutdown,
     [](std::span<const std::uint8_t> p) { assert_int_equal(decode_bare(p, MessageType::shutdown), Status::ok); },
     "12 34 00 01 07"},
    {"CPONG", Direction::to_server, encode_cpong,
     [](std::span<const std::uint8_t> p) { assert_int_equal(decode_bare(p, MessageType::cpong), Status::ok); },
     "41 42 00 01 09"},
    {"END_RESPONSE reuse", Direction::to_server, [](PacketWriter& w) { return encode_end_response(true, w); },
     [](std::span<const std::uint8_t> p) { check_end(p, true); }, "41 42 00 02 05 01"},
    {"END_RESPONSE close", Direction::to_server, [](PacketWriter& w) { return encode_end_response(false, w); },
     [](std::span<const std::uint8_t> p) { check_end(p, false); }, "41 42 00 02 05 00"},
    {"GET_BODY_CHUNK 8186", Direction::to_server, [](PacketWriter& w) { return encode_get_body_chunk(8186, w); },
     [](std::span<const std::uint8_t> p) {
         std::uint16_t requested = 0;
         assert_int_equal(decode_get_body_chunk(p, requested), Status::ok);
         assert_int_equal(requested, 0x1FFA);
     },
     "41 42 00 03 06 1f fa"},
};

// Encoding gives the reference bytes; decoding the reference bytes gives the fields.
void reference_vectors(void**) {
    for (const Vector& v : vectors) {
        std::vector<std::uint8_t> buffer(default_packet_size, 0xEE);
        PacketWriter writer(buffer, v.direction);
        writer.put_u8(0x99);  // encoders start a fresh packet whatever was written before
        if (v.encode(writer) != Status::ok) fail_msg("%s: encode failed", v.name);
        const Bytes expected = hex(v.packet);
        assert_bytes(writer.packet(), expected, v.name);
        v.check(payload_of(expected, v.direction));
    }
}

// ---- round trips ------------------------------------------------------------

const HeaderField every_kind_of_header[] = {
    {"Accept", "*/*"}, {"CONTENT-LENGTH", "12"}, {"user-agent", "curl/8"}, {"X-Forwarded-For", "10.1.1.1"},
    {"Cookie", "JSESSIONID=abc.node1"}, {"X-Empty", ""}, {"Host", "h"},
};
const RequestAttribute two_attributes[] = {{"AJP_SSL_PROTOCOL", "TLSv1.3"}, {"AJP_LOCAL_ADDR", "10.0.0.1"}};

ForwardRequest everything(std::string_view method) {
    return ForwardRequest{
        .method = method,
        .protocol = "HTTP/2.0",  // passed through as it is (edge case 14)
        .uri = "/",
        .remote_addr = "::1",
        .remote_host = std::nullopt,
        .server_name = "",
        .server_port = 65535,  // integers are unsigned 0..65535 (edge case 1)
        .is_ssl = true,
        .headers = every_kind_of_header,
        .context = "/ctx",
        .servlet_path = "/s",
        .secret = "k",
        .remote_user = "alice",
        .auth_type = "Basic",
        .query_string = "",
        .route = "node2",
        .ssl_cert = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n",
        .ssl_cipher = "TLS_AES_128_GCM_SHA256",
        .ssl_session = "0a1b",
        .ssl_key_size = 256,
        .attributes = two_attributes,
    };
}

void forward_request_round_trip(void**) {
    std::vector<std::uint8_t> buffer(default_packet_size);
    PacketWriter writer(buffer, Direction::to_container);
    assert_int_equal(encode_forward_request(everything("PATCH"), writer), Status::ok);
    Decoded d;
    assert_int_equal(decode_forward_request(payload_of(writer.packet(), Direction::to_container), d), Status::ok);
    // Method not in the table: 0xFF + stored_method (edge case 8), after ssl_key_size as mod_jk sends it.
    assert_int_equal(buffer[5], method_stored);
    assert_int_equal(d.method_code, method_stored);
    assert_text(d.method, "PATCH", "method");
    assert_text(d.stored_method.value(), "PATCH", "stored_method");
    assert_bytes(d.attribute_order, hex("01 02 0c 03 04 05 06 07 08 09 0b 0d 0a 0a"), "attribute order");
    assert_text(d.protocol, "HTTP/2.0", "protocol");
    assert_false(d.remote_host.has_value());
    assert_text(d.server_name, "", "server_name");
    assert_int_equal(d.server_port, 65535);
    assert_true(d.is_ssl);
    const char* names[] = {"accept", "content-length", "user-agent", "X-Forwarded-For", "cookie", "X-Empty", "host"};
    assert_int_equal(d.headers.size(), 7);
    for (std::size_t i = 0; i < 7; ++i) {
        assert_text(d.headers[i].name, names[i], "header name");
        assert_text(d.headers[i].value, every_kind_of_header[i].value, "header value");
    }
    assert_text(d.context.value(), "/ctx", "context");
    assert_text(d.servlet_path.value(), "/s", "servlet_path");
    assert_text(d.secret.value(), "k", "secret");
    assert_text(d.remote_user.value(), "alice", "remote_user");
    assert_text(d.auth_type.value(), "Basic", "auth_type");
    assert_text(d.query_string.value(), "", "query_string");
    assert_text(d.route.value(), "node2", "route");
    assert_text(d.ssl_cert.value(), everything("X").ssl_cert.value(), "ssl_cert");
    assert_text(d.ssl_cipher.value(), "TLS_AES_128_GCM_SHA256", "ssl_cipher");
    assert_text(d.ssl_session.value(), "0a1b", "ssl_session");
    assert_true(d.ssl_key_size == 256);
    assert_int_equal(d.attributes.size(), 2);
    assert_text(d.attributes[1].name, "AJP_LOCAL_ADDR", "attribute name");
    assert_text(d.attributes[1].value, "10.0.0.1", "attribute value");
}

// ssl_key_size is a 2-byte integer, not a string (edge case 6); null remote_host is ff ff.
void forward_request_wire_details(void**) {
    ForwardRequest r;
    r.method = "POST";
    r.is_ssl = false;
    r.ssl_key_size = 0x0100;
    std::vector<std::uint8_t> buffer(default_packet_size);
    PacketWriter writer(buffer, Direction::to_container);
    assert_int_equal(encode_forward_request(r, writer), Status::ok);
    assert_bytes(writer.packet(),
                 hex("12 34 00 19 02 04 00 00 00 00 00 00 00 00 00 ff ff 00 00 00 00 00 00 00 00 0b 01 00 ff"),
                 "minimal POST");
}

void forward_request_every_method(void**) {
    std::vector<std::string> methods;
    for (int code = 1; code <= 27; ++code) methods.emplace_back(method_name(static_cast<std::uint8_t>(code)));
    for (const char* stored : {"PATCH", "CONNECT", "get", "BREW"}) methods.emplace_back(stored);
    for (const std::string& method : methods) {
        std::vector<std::uint8_t> buffer(default_packet_size);
        PacketWriter writer(buffer, Direction::to_container);
        ForwardRequest r;
        r.method = method;
        assert_int_equal(encode_forward_request(r, writer), Status::ok);
        Decoded d;
        assert_int_equal(decode_forward_request(payload_of(writer.packet(), Direction::to_container), d), Status::ok);
        assert_text(d.method, method, "method");
        assert_int_equal(d.method_code, method_code(method).value_or(method_stored));
        assert_int_equal(d.stored_method.has_value(), !method_code(method).has_value());
    }
}

struct HeadersCase {
    std::uint16_t status;
    const char* reason;
    std::vector<HeaderField> headers;
    std::vector<const char*> decoded_names;
};

void send_headers_round_trip(void**) {
    const HeadersCase cases[] = {
        {204, "No Content", {}, {}},
        {100, "", {}, {}},
        {999, "x", {{"X-A", "1"}}, {"X-A"}},
        {302, "302", {{"location", "/a"}, {"SET-COOKIE", "a=1"}, {"Set-Cookie", "b=2"}, {"X-Powered-By", "me"}},
         {"Location", "Set-Cookie", "Set-Cookie", "X-Powered-By"}},
        {401, "401", {{"www-authenticate", "Basic realm=\"r\""}, {"Status", ""}, {"Servlet-Engine", "t"}},
         {"WWW-Authenticate", "Status", "Servlet-Engine"}},
    };
    for (const HeadersCase& c : cases) {
        std::vector<std::uint8_t> buffer(default_packet_size);
        PacketWriter writer(buffer, Direction::to_server);
        assert_int_equal(encode_send_headers({c.status, c.reason, c.headers}, writer), Status::ok);
        SendHeadersView view;
        assert_int_equal(decode_send_headers(payload_of(writer.packet(), Direction::to_server), view), Status::ok);
        assert_int_equal(view.status, c.status);
        assert_text(view.reason.value(), c.reason, "reason");
        assert_int_equal(view.header_count, c.headers.size());
        HeaderField h;
        for (std::size_t i = 0; i < c.headers.size(); ++i) {
            assert_true(next_header(view, h));
            assert_text(h.name, c.decoded_names[i], "name");
            assert_text(h.value, c.headers[i].value, "value");
        }
        assert_false(next_header(view, h));
    }
}

void body_chunk_round_trip(void**) {
    struct Case {
        std::size_t packet_size, length;
        Status status;
    };
    const Case cases[] = {
        {8192, 0, Status::ok},       {8192, 1, Status::ok},     {8192, 256, Status::ok},
        {8192, 8184, Status::ok},    {8192, 8185, Status::does_not_fit},
        {65536, 65528, Status::ok},  {65536, 65529, Status::does_not_fit},
        {65536, 70000, Status::does_not_fit},
    };
    for (const Case& c : cases) {
        assert_int_equal(max_response_body_chunk(c.packet_size) >= c.length, c.status == Status::ok);
        std::vector<std::uint8_t> buffer(c.packet_size);
        std::vector<std::uint8_t> data(c.length);
        for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
        PacketWriter writer(buffer, Direction::to_server);
        assert_int_equal(encode_body_chunk(data, writer), c.status);
        if (c.status != Status::ok) continue;
        std::span<const std::uint8_t> decoded;
        assert_int_equal(decode_body_chunk(payload_of(writer.packet(), Direction::to_server), decoded), Status::ok);
        assert_bytes(decoded, data, "chunk");
    }
}

void request_body_round_trip(void**) {
    struct Case {
        std::size_t packet_size, length;
        Status status;
    };
    const Case cases[] = {
        {8192, 1, Status::ok},       {8192, 8186, Status::ok},  {8192, 8187, Status::does_not_fit},
        {65536, 65530, Status::ok},  {65536, 65531, Status::does_not_fit},
        {65536, 65536, Status::does_not_fit},
    };
    for (const Case& c : cases) {
        assert_int_equal(max_request_body_chunk(c.packet_size) >= c.length, c.status == Status::ok);
        std::vector<std::uint8_t> buffer(c.packet_size);
        std::vector<std::uint8_t> data(c.length, 0xC3);
        PacketWriter writer(buffer, Direction::to_container);
        assert_int_equal(encode_request_body(data, writer), c.status);
        if (c.status != Status::ok) continue;
        std::span<const std::uint8_t> decoded;
        assert_int_equal(decode_request_body(payload_of(writer.packet(), Direction::to_container), decoded),
                         Status::ok);
        assert_bytes(decoded, data, "request body");
    }
}

void small_messages_round_trip(void**) {
    std::array<std::uint8_t, 16> buffer{};
    PacketWriter writer(buffer, Direction::to_server);
    for (const bool reuse : {true, false}) {
        assert_int_equal(encode_end_response(reuse, writer), Status::ok);
        bool decoded = !reuse;
        assert_int_equal(decode_end_response(payload_of(writer.packet(), Direction::to_server), decoded), Status::ok);
        assert_int_equal(decoded, reuse);
    }
    for (const std::uint16_t requested : {0, 1, 8186, 65530, 65535}) {
        assert_int_equal(encode_get_body_chunk(requested, writer), Status::ok);
        std::uint16_t decoded = 0x5555;
        assert_int_equal(decode_get_body_chunk(payload_of(writer.packet(), Direction::to_server), decoded),
                         Status::ok);
        assert_int_equal(decoded, requested);
    }
    // A bare message decodes only as its own type.
    const MessageType bare[] = {MessageType::cping, MessageType::cpong, MessageType::shutdown};
    for (const MessageType type : bare) {
        const Bytes payload = {static_cast<std::uint8_t>(type)};
        for (const MessageType expected : bare) {
            assert_int_equal(decode_bare(payload, expected), type == expected ? Status::ok : Status::malformed);
        }
    }
}

// ---- boundaries and unencodable input --------------------------------------

// The message that fits exactly in packet_size bytes, then the same with one byte more.
template <typename Encode>
void assert_exact_fit(std::size_t packet_size, Direction direction, Encode encode_with_padding) {
    std::vector<std::uint8_t> big(max_packet_size);
    PacketWriter probe(big, direction);
    assert_int_equal(encode_with_padding(std::size_t{0}, probe), Status::ok);
    const std::size_t padding = packet_size - probe.packet().size();
    std::vector<std::uint8_t> buffer(packet_size);
    PacketWriter writer(buffer, direction);
    assert_int_equal(encode_with_padding(padding, writer), Status::ok);
    assert_int_equal(writer.packet().size(), packet_size);
    assert_int_equal(encode_with_padding(padding + 1, writer), Status::does_not_fit);
    assert_true(writer.overflowed());
}

void messages_fit_exactly(void**) {
    for (const std::size_t packet_size : {std::size_t{8192}, std::size_t{65536}}) {
        assert_exact_fit(packet_size, Direction::to_container, [](std::size_t n, PacketWriter& w) {
            const std::string value(n, 'v');
            const HeaderField headers[] = {{"Cookie", value}};
            ForwardRequest r = example_request();
            r.headers = headers;
            return encode_forward_request(r, w);
        });
        assert_exact_fit(packet_size, Direction::to_server, [](std::size_t n, PacketWriter& w) {
            const std::string value(n, 'v');
            const HeaderField headers[] = {{"Set-Cookie", value}, {"X-A", "b"}};
            return encode_send_headers({200, "OK", headers}, w);
        });
    }
}

void forward_request_unencodable(void**) {
    std::vector<std::uint8_t> buffer(max_packet_size);
    PacketWriter writer(buffer, Direction::to_container);
    ForwardRequest r = example_request();
    r.method = "";
    assert_int_equal(encode_forward_request(r, writer), Status::malformed);

    const std::string huge(0xFFFF, 'u');
    r = example_request();
    r.uri = huge;
    assert_int_equal(encode_forward_request(r, writer), Status::does_not_fit);

    // A string header name of 0xA000 bytes would fit in 64k, but would read back as a code.
    const std::string long_name(0xA000, 'n');
    const HeaderField too_long[] = {{long_name, "v"}};
    r = example_request();
    r.headers = too_long;
    assert_int_equal(encode_forward_request(r, writer), Status::does_not_fit);
    const HeaderField longest[] = {{std::string_view(long_name).substr(1), "v"}};
    r.headers = longest;
    assert_int_equal(encode_forward_request(r, writer), Status::ok);
    Decoded d;
    assert_int_equal(decode_forward_request(payload_of(writer.packet(), Direction::to_container), d), Status::ok);
    assert_int_equal(d.headers.at(0).name.size(), 0x9FFF);

    // More headers than a 2-byte count can say.
    const std::vector<HeaderField> too_many(0x10000, HeaderField{"A", ""});
    r.headers = too_many;
    assert_int_equal(encode_forward_request(r, writer), Status::does_not_fit);
    assert_int_equal(encode_send_headers({200, "OK", too_many}, writer), Status::does_not_fit);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_vectors),
        cmocka_unit_test(forward_request_round_trip),
        cmocka_unit_test(forward_request_wire_details),
        cmocka_unit_test(forward_request_every_method),
        cmocka_unit_test(send_headers_round_trip),
        cmocka_unit_test(body_chunk_round_trip),
        cmocka_unit_test(request_body_round_trip),
        cmocka_unit_test(small_messages_round_trip),
        cmocka_unit_test(messages_fit_exactly),
        cmocka_unit_test(forward_request_unencodable),
    };
    return cmocka_run_group_tests_name("ajp13_messages", tests, nullptr, nullptr);
}
