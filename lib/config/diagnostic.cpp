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
    return out;
}

void Diagnostics::error(std::string file, std::size_t line, std::string message) {
    items_.push_back({Severity::error, std::move(file), line, std::move(message)});
    ++errors_;
}

void Diagnostics::warning(std::string file, std::size_t line, std::string message) {
    items_.push_back({Severity::warning, std::move(file), line, std::move(message)});
}

}  // namespace ajpgate::config
