// Reads workers.properties syntax (mod_jk §2) into an ordered store of raw
// name=value properties: comments, whitespace, the 8192 line limit, $(var)
// substitution, list properties that concatenate, duplicates that override (or, for the few
// properties mod_jk joins with '*', that leave the first value in force).
// Nothing here knows worker types; that is the worker builder's business.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/property_table.hpp"

namespace ajpgate::config {

inline constexpr std::size_t max_line_length = 8192;  // mod_jk's LENGTH_OF_LINE
inline constexpr int max_substitutions = 20;          // per value, as mod_jk

struct Origin {
    std::string file;
    std::size_t line = 0;
};

// One definition of a property. List properties keep one piece per line so
// that a bad item can be reported where it was written.
struct RawPiece {
    std::string value;
    Origin origin;
};

struct RawProperty {
    std::string key;
    std::vector<RawPiece> pieces;
    std::string joined() const;  // pieces joined with ',' (mod_jk's concatenation)
};

class PropertyStore {
public:
    const RawProperty* find(std::string_view key) const;
    const std::vector<RawProperty>& all() const noexcept { return items_; }
    // Adds one definition: appended for list properties, replacing (with a
    // warning naming the overridden line) for the others.
    void add(std::string key, RawPiece piece, Diagnostics& diagnostics);

private:
    std::vector<RawProperty> items_;  // in order of first definition
    std::unordered_map<std::string, std::size_t> index_;
};

// Environment lookups are injected so that tests are deterministic.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct PropertySource {
    enum class Kind { file, text };
    Kind kind = Kind::text;
    std::string name;  // path for files; a label (e.g. "JkWorkerProperty") for text
    std::string text;  // for Kind::text
    std::size_t first_line = 1;  // line number of the text's first line

    static PropertySource from_file(std::string path);
    // For JkWorkerProperty, pass the httpd config file and the directive's line,
    // so diagnostics point at the directive.
    static PropertySource from_text(std::string label, std::string text,
                                    std::size_t first_line = 1);
};

struct PropertySources {
    std::vector<PropertySource> sources;  // read in order: the file, then JkWorkerProperty lines
    EnvLookup process_env;                // second in $(var) lookup order; may be empty
    EnvLookup extra_env;                  // third: httpd's environment table; may be empty
};

// The table entry a worker.* key ends in (mod_jk judges a key by its last part), else nullptr.
const PropertySpec* spec_of_key(std::string_view key) noexcept;

// JkWorkerProperty lines and JkWorkersFile in mod_jk's order: the directive lines first, as
// httpd reads them, then the file, whose lines win where both set one property.
PropertySources httpd_sources(std::vector<PropertySource> directive_lines,
                              const std::optional<std::string>& workers_file);

// True for keys whose repeats concatenate (worker.list, balance_workers, mount, ...).
bool is_list_key(std::string_view key) noexcept;

PropertyStore read_properties(const PropertySources& sources, Diagnostics& diagnostics);

// $(name) substitution of one value. Lookup: earlier property in `store`, then
// process_env, then extra_env. Unresolved references stay verbatim (warning);
// at most max_substitutions per value.
std::string substitute_variables(std::string_view value, const PropertyStore& store,
                                 const PropertySources& sources, const Origin& origin,
                                 Diagnostics& diagnostics);

}  // namespace ajpgate::config
