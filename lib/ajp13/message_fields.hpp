// Internal: field groups shared by both directions of messages (not part of the public API).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ajp13/messages.hpp"

namespace ajpgate::ajp13::detail {

using HeaderCodeOf = std::optional<std::uint16_t> (*)(std::string_view) noexcept;
using HeaderNameOf = std::string_view (*)(std::uint16_t) noexcept;

// Header count, then each (name, value); names with a code in `code_of` are sent coded.
// false (without writing) when there are more headers than a 2-byte count can say.
bool put_headers(PacketWriter& out, std::span<const HeaderField> headers, HeaderCodeOf code_of) noexcept;

// One (name, value); a coded name is expanded by `name_of` and is invalid when it has no name.
// Both name and value must be non-null strings.
bool get_header(PayloadReader& in, HeaderField& out, HeaderNameOf name_of) noexcept;

// A message that is only its type byte (CPING, CPONG, SHUTDOWN), packet finished.
Status encode_bare(MessageType type, PacketWriter& out) noexcept;

// Reads the type byte and checks it is `expected`.
bool get_type(PayloadReader& in, MessageType expected) noexcept;

}  // namespace ajpgate::ajp13::detail
