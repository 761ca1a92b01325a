// Turns the text of one property into its typed value, as the table says.
#pragma once

#include <optional>
#include <string_view>

#include "config/property_table.hpp"

namespace ajpgate::config {

struct ParsedValue {
    std::optional<PropertyValue> value;  // empty on error
    CheckResult check;                   // error (value empty), warning or ok
};

// Parses `text` (already trimmed and substituted) as property `spec`: type,
// range and the table's validator. Messages do not name the file or line: the
// caller adds them.
ParsedValue parse_property_value(const PropertySpec& spec, std::string_view text);

// The table's default of `spec` as a typed value; nullopt for rule defaults and
// properties without a default (e.g. worker.list).
std::optional<PropertyValue> default_value(const PropertySpec& spec);

}  // namespace ajpgate::config
