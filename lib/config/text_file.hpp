// Reading a whole configuration file, with the failure reported as a diagnostic.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostic.hpp"

namespace ajpgate::config {

// The file's bytes, or nullopt after an error naming `path` and `what`
// (e.g. "workers file"). A directory is refused: an ifstream opens one and
// then reads nothing, which would look like an empty file.
std::optional<std::string> read_text_file(const std::string& path, std::string_view what,
                                          Diagnostics& diagnostics);

}  // namespace ajpgate::config
