// Header lists and type bytes are encoded alike in both directions; only the code tables differ.
#include "ajp13/message_fields.hpp"

namespace ajpgate::ajp13::detail {

bool put_headers(PacketWriter& out, std::span<const HeaderField> headers, HeaderCodeOf code_of) noexcept {
    if (headers.size() > 0xFFFF) return false;
    out.put_u16(static_cast<std::uint16_t>(headers.size()));
    for (const HeaderField& header : headers) {
        out.put_header_name(header.name, code_of(header.name));
        out.put_string(header.value);
    }
    return !out.overflowed();
}

bool get_header(PayloadReader& in, HeaderField& out, HeaderNameOf name_of) noexcept {
    std::uint16_t code = 0;
    std::string_view name;
    std::string_view value;
    if (!in.get_header_name(code, name)) return false;
    if (code != 0) {
        name = name_of(code);
        if (name.empty()) return false;
    }
    if (!in.get_required_string(value)) return false;
    out = HeaderField{name, value};
    return true;
}

Status encode_bare(MessageType type, PacketWriter& out) noexcept {
    out.reset();
    out.put_u8(static_cast<std::uint8_t>(type));
    return out.finish();
}

bool get_type(PayloadReader& in, MessageType expected) noexcept {
    std::uint8_t type = 0;
    return in.get_u8(type) && type == static_cast<std::uint8_t>(expected);
}

}  // namespace ajpgate::ajp13::detail
