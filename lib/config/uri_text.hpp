// Text helper for the URI-map readers (rule specs, uriworkermap lines). Trimming comes from
// property_value.hpp, shared with the workers.properties reader.
#pragma once

#include <string_view>
#include <vector>

namespace ajpgate::config {

// Splits at every `separator`, keeping empty pieces: "a;;b" gives three pieces, so the caller
// can report the empty one (property lists, by contrast, drop empty items). Never returns an
// empty vector.
std::vector<std::string_view> split_at(std::string_view text, char separator);

}  // namespace ajpgate::config
