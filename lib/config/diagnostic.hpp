// What the configuration readers say about their input: where (file, line) and what.
// Errors stop start-up; warnings are logged and start-up goes on.
//
// A third kind sits between them: a compatibility warning, for input mod_jk runs although it
// is most likely a mistake (a line without '=', an lb member that is never defined, a mount
// naming a worker that does not exist...). ajpgate does what mod_jk does with it and says so;
// under `JkStrict On` (Strictness::strict) the same finding is an error instead. Which
// findings are compatibility warnings is decided here in lib/config, where they are found.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ajpgate::config {

enum class Severity { warning, error };

// JkStrict: compatible (Off, the default) starts whatever mod_jk starts; strict (On) refuses
// every compatibility warning.
enum class Strictness { compatible, strict };

struct Diagnostic {
    Severity severity = Severity::error;
    std::string file;       // as the user named it; empty for directive-sourced input
    std::size_t line = 0;   // 1-based; 0 when not tied to one line
    std::string message;
    bool compat = false;    // a compatibility warning (an error under JkStrict On)

    // "workers.properties:12: error: ..." — the one format every caller prints.
    std::string to_string() const;
};

class Diagnostics {
public:
    explicit Diagnostics(Strictness strictness = Strictness::compatible)
        : strictness_(strictness) {}

    void error(std::string file, std::size_t line, std::string message);
    void warning(std::string file, std::size_t line, std::string message);
    // Something mod_jk accepts and ajpgate mirrors. `message` says what mod_jk (and so
    // ajpgate) does with it and how to fix it; a warning, or an error when strict.
    void compat(std::string file, std::size_t line, std::string message);

    Strictness strictness() const noexcept { return strictness_; }
    bool has_errors() const noexcept { return errors_ > 0; }
    std::size_t error_count() const noexcept { return errors_; }
    const std::vector<Diagnostic>& all() const noexcept { return items_; }

private:
    Strictness strictness_;
    std::vector<Diagnostic> items_;
    std::size_t errors_ = 0;
};

}  // namespace ajpgate::config
