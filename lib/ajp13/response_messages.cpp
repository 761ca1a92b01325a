// Container -> web server messages: SEND_HEADERS, SEND_BODY_CHUNK, END_RESPONSE,
// GET_BODY_CHUNK, CPONG. This is the side that reads from an untrusted backend, so
// every decoder checks the exact shape of the payload.
#include "ajp13/codes.hpp"
#include "ajp13/message_fields.hpp"
#include "ajp13/messages.hpp"

namespace ajpgate::ajp13 {

namespace {

// A status line needs three digits; anything else cannot be passed on to a client.
constexpr std::uint16_t lowest_status = 100;
constexpr std::uint16_t highest_status = 999;

bool get_response_header(PayloadReader& in, HeaderField& out) noexcept {
    return detail::get_header(in, out, response_header_name);
}

}  // namespace

Status encode_send_headers(const SendHeaders& message, PacketWriter& out) noexcept {
    out.reset();
    out.put_u8(static_cast<std::uint8_t>(MessageType::send_headers));
    out.put_u16(message.status);
    out.put_string(message.reason);
    if (!detail::put_headers(out, message.headers, response_header_code)) return Status::does_not_fit;
    return out.finish();
}

Status decode_send_headers(std::span<const std::uint8_t> payload, SendHeadersView& out) noexcept {
    out = SendHeadersView{};
    PayloadReader in(payload);
    std::uint16_t status = 0;
    std::optional<std::string_view> reason;
    std::uint16_t count = 0;
    if (!detail::get_type(in, MessageType::send_headers) || !in.get_u16(status) || !in.get_string(reason) ||
        !in.get_u16(count)) {
        return Status::malformed;
    }
    if (status < lowest_status || status > highest_status) return Status::malformed;
    // Walk every header once now, so that next_header() over this view cannot fail later
    // (and a count that does not match the bytes is caught before anything is forwarded).
    const PayloadReader first_header = in;
    for (std::uint16_t i = 0; i < count; ++i) {
        HeaderField ignored;
        if (!get_response_header(in, ignored)) return Status::malformed;
    }
    if (!in.at_end()) return Status::malformed;
    out.status = status;
    out.reason = reason;
    out.header_count = count;
    out.headers = first_header;
    out.headers_left = count;
    return Status::ok;
}

bool next_header(SendHeadersView& view, HeaderField& out) noexcept {
    if (view.headers_left == 0) return false;
    if (!get_response_header(view.headers, out)) {
        view.headers_left = 0;  // only for a view that did not come from decode_send_headers
        return false;
    }
    --view.headers_left;
    return true;
}

Status encode_body_chunk(std::span<const std::uint8_t> data, PacketWriter& out) noexcept {
    out.reset();
    if (data.size() > 0xFFFF) return Status::does_not_fit;
    out.put_u8(static_cast<std::uint8_t>(MessageType::send_body_chunk));
    out.put_u16(static_cast<std::uint16_t>(data.size()));
    out.put_bytes(data);
    out.put_u8(0);
    return out.finish();
}

Status decode_body_chunk(std::span<const std::uint8_t> payload, std::span<const std::uint8_t>& data) noexcept {
    PayloadReader in(payload);
    std::uint16_t length = 0;
    std::span<const std::uint8_t> bytes;
    if (!detail::get_type(in, MessageType::send_body_chunk) || !in.get_u16(length) || !in.get_bytes(length, bytes)) {
        return Status::malformed;
    }
    // Standard form ends with one NUL; mod_jk also accepts the chunk without it.
    std::uint8_t terminator = 0;
    if (!in.at_end() && (!in.get_u8(terminator) || terminator != 0 || !in.at_end())) return Status::malformed;
    data = bytes;
    return Status::ok;
}

Status encode_end_response(bool reuse, PacketWriter& out) noexcept {
    out.reset();
    out.put_u8(static_cast<std::uint8_t>(MessageType::end_response));
    out.put_bool(reuse);
    return out.finish();
}

Status decode_end_response(std::span<const std::uint8_t> payload, bool& reuse) noexcept {
    PayloadReader in(payload);
    bool value = false;
    if (!detail::get_type(in, MessageType::end_response) || !in.get_bool(value) || !in.at_end()) {
        return Status::malformed;
    }
    reuse = value;
    return Status::ok;
}

Status encode_get_body_chunk(std::uint16_t requested, PacketWriter& out) noexcept {
    out.reset();
    out.put_u8(static_cast<std::uint8_t>(MessageType::get_body_chunk));
    out.put_u16(requested);
    return out.finish();
}

Status decode_get_body_chunk(std::span<const std::uint8_t> payload, std::uint16_t& requested) noexcept {
    PayloadReader in(payload);
    std::uint16_t value = 0;
    if (!detail::get_type(in, MessageType::get_body_chunk) || !in.get_u16(value) || !in.at_end()) {
        return Status::malformed;
    }
    requested = value;
    return Status::ok;
}

Status encode_cpong(PacketWriter& out) noexcept { return detail::encode_bare(MessageType::cpong, out); }

Status decode_bare(std::span<const std::uint8_t> payload, MessageType expected) noexcept {
    PayloadReader in(payload);
    return detail::get_type(in, expected) && in.at_end() ? Status::ok : Status::malformed;
}

}  // namespace ajpgate::ajp13
