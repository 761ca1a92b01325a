#include "config/text_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ajpgate::config {

std::optional<std::string> read_text_file(const std::string& path, std::string_view what,
                                          Diagnostics& diagnostics) {
    const std::string subject(what);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        diagnostics.error(path, 0, "cannot read " + subject + ": it is a directory");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diagnostics.error(path, 0, "cannot open " + subject + ": " + std::strerror(errno));
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        diagnostics.error(path, 0, "cannot read " + subject);
        return std::nullopt;
    }
    return content.str();
}

}  // namespace ajpgate::config
