// libFuzzer target: what the container (ajp-testd) reads from a web server. Each framed
// FORWARD_REQUEST that decodes is encoded again and decoded once more: both decodes
// must agree, which checks the encoder against the decoder on arbitrary field values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ajp13/framing.hpp"
#include "ajp13/messages.hpp"
#include "ajp13_frames.hpp"

namespace {

using namespace ajpgate::ajp13;

using ajp13_fuzz::check;

bool same_ignoring_case(std::string_view a, std::string_view b) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

ForwardRequest to_request(const DecodedForwardRequest& d) {
    ForwardRequest r;
    r.method = d.method;
    r.protocol = d.protocol;
    r.uri = d.uri;
    r.remote_addr = d.remote_addr;
    r.remote_host = d.remote_host;
    r.server_name = d.server_name;
    r.server_port = d.server_port;
    r.is_ssl = d.is_ssl;
    r.headers = d.headers;
    r.context = d.context;
    r.servlet_path = d.servlet_path;
    r.secret = d.secret;
    r.remote_user = d.remote_user;
    r.auth_type = d.auth_type;
    r.query_string = d.query_string;
    r.route = d.route;
    r.ssl_cert = d.ssl_cert;
    r.ssl_cipher = d.ssl_cipher;
    r.ssl_session = d.ssl_session;
    r.ssl_key_size = d.ssl_key_size;
    r.attributes = d.attributes;
    return r;
}

void check_same(const DecodedForwardRequest& a, const DecodedForwardRequest& b) {
    check(a.method == b.method && a.protocol == b.protocol && a.uri == b.uri && a.remote_addr == b.remote_addr);
    check(a.remote_host == b.remote_host && a.server_name == b.server_name && a.server_port == b.server_port);
    check(a.is_ssl == b.is_ssl && a.headers.size() == b.headers.size());
    for (std::size_t i = 0; i < a.headers.size(); ++i) {
        // A string name that has a code comes back coded, i.e. in lower case.
        check(same_ignoring_case(a.headers[i].name, b.headers[i].name) && a.headers[i].value == b.headers[i].value);
    }
    check(a.context == b.context && a.servlet_path == b.servlet_path && a.secret == b.secret);
    check(a.remote_user == b.remote_user && a.auth_type == b.auth_type && a.query_string == b.query_string);
    check(a.route == b.route && a.ssl_cert == b.ssl_cert && a.ssl_cipher == b.ssl_cipher);
    check(a.ssl_session == b.ssl_session && a.ssl_key_size == b.ssl_key_size);
    check(a.attributes.size() == b.attributes.size());
    for (std::size_t i = 0; i < a.attributes.size(); ++i) {
        check(a.attributes[i].name == b.attributes[i].name && a.attributes[i].value == b.attributes[i].value);
    }
}

void round_trip(std::span<const std::uint8_t> payload) {
    DecodedForwardRequest first;
    if (decode_forward_request(payload, first) != Status::ok) return;
    // Re-encoding never grows a request that came in one default-size packet.
    static std::vector<std::uint8_t> buffer(max_packet_size);
    PacketWriter writer(buffer, Direction::to_container);
    check(encode_forward_request(to_request(first), writer) == Status::ok);
    const Frame frame = scan_frame(writer.packet(), Direction::to_container, max_packet_size);
    check(frame.status == Status::ok);
    DecodedForwardRequest second;
    check(decode_forward_request(frame.payload, second) == Status::ok);
    check_same(first, second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ajp13_fuzz::for_each_packet({data, size}, Direction::to_container, [](const Frame& frame) {
        if (frame.type() == MessageType::forward_request) {
            round_trip(frame.payload);
            return;
        }
        std::span<const std::uint8_t> body;
        if (decode_request_body(frame.payload, body) == Status::ok) check(body.size() + 2 <= frame.packet_size);
    });
    return 0;
}
