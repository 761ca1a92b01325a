// $(var) substitution in values, in mod_jk's lookup order.
#include "config/properties_reader.hpp"

namespace ajpgate::config {

namespace {

std::optional<std::string> lookup(std::string_view name, const PropertyStore& store,
                                  const PropertySources& sources) {
    if (const auto* property = store.find(name)) return property->joined();
    if (sources.process_env) {
        if (auto value = sources.process_env(name)) return value;
    }
    if (sources.extra_env) {
        if (auto value = sources.extra_env(name)) return value;
    }
    return std::nullopt;
}

}  // namespace

std::string substitute_variables(std::string_view value, const PropertyStore& store,
                                 const PropertySources& sources, const Origin& origin,
                                 Diagnostics& diagnostics) {
    std::string out;
    out.reserve(value.size());
    int substitutions = 0;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const auto start = value.find("$(", pos);
        if (start == std::string_view::npos) break;
        out.append(value, pos, start - pos);
        const auto close = value.find(')', start + 2);
        if (close == std::string_view::npos) {
            diagnostics.warning(origin.file, origin.line,
                                "'$(' without a closing ')': kept verbatim");
            pos = start;
            break;
        }
        const auto whole = value.substr(start, close - start + 1);
        const auto name = value.substr(start + 2, close - start - 2);
        pos = close + 1;
        if (substitutions == max_substitutions) {
            diagnostics.warning(origin.file, origin.line,
                                "more than " + std::to_string(max_substitutions) +
                                    " $(...) substitutions in one value: the rest kept verbatim");
            pos = start;
            break;
        }
        // Substituted text is not scanned again: earlier properties were
        // substituted when they were read, so a loop is impossible.
        if (auto replacement = lookup(name, store, sources)) {
            out += *replacement;
            ++substitutions;
        } else {
            diagnostics.warning(origin.file, origin.line,
                                "variable '" + std::string(name) +
                                    "' is not defined (in this file before this line, nor in "
                                    "the environment): '" + std::string(whole) + "' kept verbatim");
            out += whole;
        }
    }
    out.append(value, pos, std::string_view::npos);
    return out;
}

}  // namespace ajpgate::config
