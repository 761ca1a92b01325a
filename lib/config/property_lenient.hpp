// What mod_jk makes of a value ajpgate's parser refuses. mod_jk never rejects a value: it
// reads integers with atoi (the leading digits, then a k or M suffix: "80a" is 80, "x" is 0)
// and then clamps a few of them, takes the default for a boolean or choice it does not know,
// ignores unknown letters of ping_mode. To start whatever mod_jk starts, ajpgate reads such
// a value the same way and says so (a compatibility warning; an error under JkStrict On).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/property_table.hpp"

namespace ajpgate::config {

struct ModJkReading {
    PropertyValue value;
    std::string shown;  // the value as mod_jk uses it, for the message: "80", "the default 'R'"
};

// nullopt when mod_jk refuses the value too (an unknown worker type, say), or when ajpgate
// cannot follow it (a worker name it cannot represent).
std::optional<ModJkReading> read_like_mod_jk(const PropertySpec& spec, std::string_view text);

// C's atoi with mod_jk's suffix rule: a last character k/K multiplies by 1024, m/M by
// 1048576; leading blanks, a sign, then digits up to the first non-digit; no digit is 0.
// Saturates at the 32-bit range where mod_jk's int would overflow.
std::int64_t mod_jk_atoi(std::string_view text) noexcept;

}  // namespace ajpgate::config
