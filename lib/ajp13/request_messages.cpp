// Web server -> container messages: FORWARD_REQUEST, request body data, CPING, SHUTDOWN.
#include <algorithm>
#include <array>

#include "ajp13/codes.hpp"
#include "ajp13/message_fields.hpp"
#include "ajp13/messages.hpp"

namespace ajpgate::ajp13 {

namespace {

using EncodedString = std::optional<std::string_view> ForwardRequest::*;
using DecodedString = std::optional<std::string_view> DecodedForwardRequest::*;

// String attributes, in the order mod_jk sends them; ssl_key_size, stored_method and the
// generic req_attributes follow them (see encode_attributes).
struct StringAttribute {
    AttributeCode code;
    EncodedString sent;
    DecodedString received;
};

constexpr std::array<StringAttribute, 10> string_attributes = {{
    {AttributeCode::context, &ForwardRequest::context, &DecodedForwardRequest::context},
    {AttributeCode::servlet_path, &ForwardRequest::servlet_path, &DecodedForwardRequest::servlet_path},
    {AttributeCode::secret, &ForwardRequest::secret, &DecodedForwardRequest::secret},
    {AttributeCode::remote_user, &ForwardRequest::remote_user, &DecodedForwardRequest::remote_user},
    {AttributeCode::auth_type, &ForwardRequest::auth_type, &DecodedForwardRequest::auth_type},
    {AttributeCode::query_string, &ForwardRequest::query_string, &DecodedForwardRequest::query_string},
    {AttributeCode::route, &ForwardRequest::route, &DecodedForwardRequest::route},
    {AttributeCode::ssl_cert, &ForwardRequest::ssl_cert, &DecodedForwardRequest::ssl_cert},
    {AttributeCode::ssl_cipher, &ForwardRequest::ssl_cipher, &DecodedForwardRequest::ssl_cipher},
    {AttributeCode::ssl_session, &ForwardRequest::ssl_session, &DecodedForwardRequest::ssl_session},
}};

void put_code(PacketWriter& out, AttributeCode code) noexcept { out.put_u8(static_cast<std::uint8_t>(code)); }

void encode_attributes(const ForwardRequest& request, bool method_is_stored, PacketWriter& out) noexcept {
    for (const StringAttribute& attribute : string_attributes) {
        if (!(request.*attribute.sent)) continue;
        put_code(out, attribute.code);
        out.put_string(*(request.*attribute.sent));
    }
    if (request.ssl_key_size) {
        put_code(out, AttributeCode::ssl_key_size);
        out.put_u16(*request.ssl_key_size);
    }
    if (method_is_stored) {
        put_code(out, AttributeCode::stored_method);
        out.put_string(request.method);
    }
    for (const RequestAttribute& attribute : request.attributes) {
        put_code(out, AttributeCode::req_attribute);
        out.put_string(attribute.name);
        out.put_string(attribute.value);
    }
    put_code(out, AttributeCode::are_done);
}

bool decode_fixed_part(PayloadReader& in, DecodedForwardRequest& out) noexcept {
    if (!detail::get_type(in, MessageType::forward_request) || !in.get_u8(out.method_code)) return false;
    if (out.method_code != method_stored && method_name(out.method_code).empty()) return false;
    return in.get_required_string(out.protocol) && in.get_required_string(out.uri) &&
           in.get_required_string(out.remote_addr) && in.get_string(out.remote_host) &&
           in.get_required_string(out.server_name) && in.get_u16(out.server_port) && in.get_bool(out.is_ssl);
}

bool decode_headers(PayloadReader& in, DecodedForwardRequest& out) {
    std::uint16_t count = 0;
    if (!in.get_u16(count)) return false;
    // The smallest header (code + empty value) takes 5 bytes: never reserve more than the
    // payload could hold, whatever count the peer claims.
    out.headers.reserve(std::min<std::size_t>(count, in.remaining() / 5));
    for (std::uint16_t i = 0; i < count; ++i) {
        HeaderField header;
        if (!detail::get_header(in, header, request_header_name)) return false;
        out.headers.push_back(header);
    }
    return true;
}

bool decode_one_attribute(PayloadReader& in, std::uint8_t code, DecodedForwardRequest& out) {
    if (code == static_cast<std::uint8_t>(AttributeCode::ssl_key_size)) {
        std::uint16_t size = 0;
        if (!in.get_u16(size)) return false;
        out.ssl_key_size = size;
        return true;
    }
    if (code == static_cast<std::uint8_t>(AttributeCode::req_attribute)) {
        RequestAttribute attribute;
        if (!in.get_required_string(attribute.name) || !in.get_required_string(attribute.value)) return false;
        out.attributes.push_back(attribute);
        return true;
    }
    DecodedString member = nullptr;
    if (code == static_cast<std::uint8_t>(AttributeCode::stored_method)) member = &DecodedForwardRequest::stored_method;
    for (const StringAttribute& attribute : string_attributes) {
        if (code == static_cast<std::uint8_t>(attribute.code)) member = attribute.received;
    }
    if (member == nullptr) return false;  // unknown code: its value cannot be skipped
    std::string_view value;
    if (!in.get_required_string(value)) return false;
    out.*member = value;
    return true;
}

bool decode_attributes(PayloadReader& in, DecodedForwardRequest& out) {
    for (;;) {
        std::uint8_t code = 0;
        if (!in.get_u8(code)) return false;  // also: are_done missing
        if (code == static_cast<std::uint8_t>(AttributeCode::are_done)) return true;
        out.attribute_order.push_back(code);
        if (!decode_one_attribute(in, code, out)) return false;
    }
}

}  // namespace

Status encode_forward_request(const ForwardRequest& request, PacketWriter& out) noexcept {
    if (request.method.empty()) return Status::malformed;
    out.reset();
    const std::optional<std::uint8_t> code = method_code(request.method);
    out.put_u8(static_cast<std::uint8_t>(MessageType::forward_request));
    out.put_u8(code.value_or(method_stored));
    out.put_string(request.protocol);
    out.put_string(request.uri);
    out.put_string(request.remote_addr);
    if (request.remote_host) {
        out.put_string(*request.remote_host);
    } else {
        out.put_null_string();
    }
    out.put_string(request.server_name);
    out.put_u16(request.server_port);
    out.put_bool(request.is_ssl);
    if (!detail::put_headers(out, request.headers, request_header_code)) return Status::does_not_fit;
    encode_attributes(request, !code.has_value(), out);
    return out.finish();
}

Status decode_forward_request(std::span<const std::uint8_t> payload, DecodedForwardRequest& out) {
    out = DecodedForwardRequest{};
    PayloadReader in(payload);
    if (!decode_fixed_part(in, out) || !decode_headers(in, out) || !decode_attributes(in, out) || !in.at_end()) {
        return Status::malformed;
    }
    if (out.method_code != method_stored) {
        out.method = method_name(out.method_code);
        return Status::ok;
    }
    if (!out.stored_method || out.stored_method->empty()) return Status::malformed;
    out.method = *out.stored_method;
    return Status::ok;
}

Status encode_request_body(std::span<const std::uint8_t> data, PacketWriter& out) noexcept {
    if (data.empty()) return encode_end_of_body(EmptyBodyForm::no_payload, out);
    out.reset();
    if (data.size() > 0xFFFF) return Status::does_not_fit;
    out.put_u16(static_cast<std::uint16_t>(data.size()));
    out.put_bytes(data);
    return out.finish();
}

Status encode_body_packet_header(std::span<std::uint8_t> buffer, std::size_t data_length,
                                 std::span<const std::uint8_t>& packet) noexcept {
    // The payload (length field + data) must fit the header's 16-bit length as well as the buffer.
    constexpr std::size_t max_data = 0xFFFF - (request_body_data_offset - header_size);
    if (data_length > max_data || buffer.size() < request_body_data_offset ||
        data_length > buffer.size() - request_body_data_offset) {
        return Status::does_not_fit;
    }
    const std::size_t payload = data_length + (request_body_data_offset - header_size);
    const auto put_u16 = [&](std::size_t at, std::size_t value) {
        buffer[at] = static_cast<std::uint8_t>(value >> 8);
        buffer[at + 1] = static_cast<std::uint8_t>(value & 0xFF);
    };
    put_u16(0, signature_to_container);
    put_u16(2, payload);
    put_u16(4, data_length);
    packet = buffer.first(request_body_data_offset + data_length);
    return Status::ok;
}

Status encode_end_of_body(EmptyBodyForm form, PacketWriter& out) noexcept {
    out.reset();
    if (form == EmptyBodyForm::zero_length) out.put_u16(0);
    return out.finish();
}

Status decode_request_body(std::span<const std::uint8_t> payload, std::span<const std::uint8_t>& data) noexcept {
    if (payload.empty()) {
        data = {};
        return Status::ok;
    }
    PayloadReader in(payload);
    std::uint16_t length = 0;
    std::span<const std::uint8_t> bytes;
    if (!in.get_u16(length) || !in.get_bytes(length, bytes) || !in.at_end()) return Status::malformed;
    data = bytes;
    return Status::ok;
}

Status encode_cping(PacketWriter& out) noexcept { return detail::encode_bare(MessageType::cping, out); }

Status encode_shutdown(PacketWriter& out) noexcept { return detail::encode_bare(MessageType::shutdown, out); }

}  // namespace ajpgate::ajp13
