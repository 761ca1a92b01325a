// What the configuration readers say about their input: where (file, line) and what.
// Errors stop start-up; warnings are logged and start-up goes on.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ajpgate::config {

enum class Severity { warning, error };

struct Diagnostic {
    Severity severity = Severity::error;
    std::string file;       // as the user named it; empty for directive-sourced input
    std::size_t line = 0;   // 1-based; 0 when not tied to one line
    std::string message;

    // "workers.properties:12: error: ..." — the one format every caller prints.
    std::string to_string() const;
};

class Diagnostics {
public:
    void error(std::string file, std::size_t line, std::string message);
    void warning(std::string file, std::size_t line, std::string message);

    bool has_errors() const noexcept { return errors_ > 0; }
    std::size_t error_count() const noexcept { return errors_; }
    const std::vector<Diagnostic>& all() const noexcept { return items_; }

private:
    std::vector<Diagnostic> items_;
    std::size_t errors_ = 0;
};

}  // namespace ajpgate::config
