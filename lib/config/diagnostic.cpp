#include "config/diagnostic.hpp"

#include <utility>

namespace ajpgate::config {

std::string Diagnostic::to_string() const {
    std::string out = file.empty() ? std::string("<config>") : file;
    if (line > 0) {
        out += ':';
        out += std::to_string(line);
    }
    out += severity == Severity::error ? ": error: " : ": warning: ";
    out += message;
    // Under JkStrict On the user must learn why mod_jk's configuration is refused.
    if (compat && severity == Severity::error) out += " [refused: JkStrict On]";
    return out;
}

void Diagnostics::error(std::string file, std::size_t line, std::string message) {
    items_.push_back({Severity::error, std::move(file), line, std::move(message), false});
    ++errors_;
}

void Diagnostics::warning(std::string file, std::size_t line, std::string message) {
    items_.push_back({Severity::warning, std::move(file), line, std::move(message), false});
}

void Diagnostics::compat(std::string file, std::size_t line, std::string message) {
    const bool strict = strictness_ == Strictness::strict;
    items_.push_back({strict ? Severity::error : Severity::warning, std::move(file), line,
                      std::move(message), true});
    if (strict) ++errors_;
}

}  // namespace ajpgate::config
