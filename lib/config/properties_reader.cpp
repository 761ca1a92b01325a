#include "config/properties_reader.hpp"

#include "config/property_table.hpp"
#include "config/property_value.hpp"
#include "config/text_file.hpp"

namespace ajpgate::config {

namespace {

std::string describe(const Origin& where, const Origin& here) {
    if (where.file == here.file) return "line " + std::to_string(where.line);
    return where.file + ":" + std::to_string(where.line);
}

// Drops everything from the first '#'. A '#' glued to the value's text is most
// likely part of it (a secret, say): mod_jk cuts it anyway, and so do we, but
// we say so. The message never repeats the value, which may be a secret.
std::string_view strip_comment(std::string_view line, const Origin& origin,
                               Diagnostics& diagnostics) {
    const auto hash = line.find('#');
    if (hash == std::string_view::npos) return line;
    const auto equals = line.find('=');
    const bool inside_value = equals != std::string_view::npos && equals < hash && hash > 0 &&
                              line[hash - 1] != ' ' && line[hash - 1] != '\t' &&
                              hash - 1 != equals;
    if (inside_value) {
        diagnostics.warning(origin.file, origin.line,
                            "'#' starts a comment even inside a value: the value of '" +
                                std::string(trim(line.substr(0, equals))) +
                                "' ends before it (mod_jk does the same)");
    }
    return line.substr(0, hash);
}

void read_line(std::string_view raw, const Origin& origin, const PropertySources& sources,
               PropertyStore& store, Diagnostics& diagnostics) {
    // mod_jk reads the file with fgets into an 8192-byte buffer: a longer line arrives in
    // pieces of 8191 characters, each read as a line of its own.
    constexpr std::size_t piece = max_line_length - 1;
    if (raw.size() > piece) {
        diagnostics.compat(origin.file, origin.line,
                           "line longer than " + std::to_string(piece) +
                               " characters: mod_jk reads it in pieces of that length, each as a line of its "
                               "own, and so does ajpgate (shorten it, e.g. with a $(variable))");
        for (std::size_t at = 0; at < raw.size(); at += piece) {
            read_line(raw.substr(at, piece), origin, sources, store, diagnostics);
        }
        return;
    }
    const auto line = trim(strip_comment(raw, origin, diagnostics));
    if (line.empty()) return;
    if (line.back() == '\\') {
        diagnostics.warning(origin.file, origin.line,
                            "trailing '\\': workers.properties has no line continuation; the "
                            "next line is read on its own");
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
        diagnostics.compat(origin.file, origin.line,
                           "no '=' on this line: skipped, as mod_jk skips it (write name=value, "
                           "or start the line with '#' to make it a comment)");
        return;
    }
    const auto name = trim(line.substr(0, equals));
    const auto value = trim(line.substr(equals + 1));
    if (name.empty()) {
        diagnostics.compat(origin.file, origin.line,
                           "missing property name before '=': line skipped, as mod_jk skips it "
                           "(write name=value)");
        return;
    }
    if (value.empty()) {
        diagnostics.warning(origin.file, origin.line,
                            "'" + std::string(name) + "' has an empty value: ignored, as mod_jk "
                            "does");
        return;
    }
    auto expanded = substitute_variables(value, store, sources, origin, diagnostics);
    store.add(std::string(name), RawPiece{std::move(expanded), origin}, diagnostics);
}

void read_text(std::string_view text, const std::string& name, std::size_t first_line,
               const PropertySources& sources, PropertyStore& store, Diagnostics& diagnostics) {
    std::size_t line_number = first_line - 1;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        read_line(text.substr(pos, end - pos), Origin{name, ++line_number}, sources, store,
                  diagnostics);
        pos = end + 1;
    }
}

}  // namespace

std::string RawProperty::joined() const {
    std::string out;
    for (const auto& piece : pieces) {
        if (!out.empty()) out += ',';
        out += piece.value;
    }
    return out;
}

const RawProperty* PropertyStore::find(std::string_view key) const {
    const auto it = index_.find(std::string(key));
    return it == index_.end() ? nullptr : &items_[it->second];
}

void PropertyStore::add(std::string key, RawPiece piece, Diagnostics& diagnostics) {
    const auto it = index_.find(key);
    if (it == index_.end()) {
        index_.emplace(key, items_.size());
        items_.push_back(RawProperty{std::move(key), {std::move(piece)}});
        return;
    }
    auto& existing = items_[it->second];
    if (is_list_key(key)) {
        existing.pieces.push_back(std::move(piece));
        return;
    }
    if (const auto* spec = spec_of_key(key); spec != nullptr && spec->first_line_wins) {
        diagnostics.compat(piece.origin.file, piece.origin.line,
                           "'" + key + "' set again: mod_jk joins repeats of '" +
                               std::string(spec->name) + "' with '*' and reads only the first "
                               "value, so " +
                               describe(existing.pieces.back().origin, piece.origin) +
                               " stays in force (ajpgate too); delete one of the lines");
        return;
    }
    diagnostics.warning(piece.origin.file, piece.origin.line,
                        "'" + key + "' set again: overrides " +
                            describe(existing.pieces.back().origin, piece.origin) +
                            " (the last value wins)");
    existing.pieces.assign(1, std::move(piece));
}

const PropertySpec* spec_of_key(std::string_view key) noexcept {
    constexpr std::string_view prefix = "worker.";
    if (key.substr(0, prefix.size()) != prefix) return nullptr;
    return find_property(key.substr(key.rfind('.') + 1));
}

bool is_list_key(std::string_view key) noexcept {
    const auto* spec = spec_of_key(key);
    return spec != nullptr && is_list_type(spec->type);
}

PropertySource PropertySource::from_file(std::string path) {
    return PropertySource{Kind::file, std::move(path), {}, 1};
}

PropertySource PropertySource::from_text(std::string label, std::string text,
                                         std::size_t first_line) {
    return PropertySource{Kind::text, std::move(label), std::move(text),
                          first_line == 0 ? 1 : first_line};
}

PropertySources httpd_sources(std::vector<PropertySource> directive_lines,
                              const std::optional<std::string>& workers_file) {
    PropertySources out;
    out.sources = std::move(directive_lines);
    if (workers_file) out.sources.push_back(PropertySource::from_file(*workers_file));
    return out;
}

PropertyStore read_properties(const PropertySources& sources, Diagnostics& diagnostics) {
    PropertyStore store;
    for (const auto& source : sources.sources) {
        if (source.kind == PropertySource::Kind::text) {
            read_text(source.text, source.name, source.first_line, sources, store, diagnostics);
            continue;
        }
        if (auto content = read_text_file(source.name, "workers file", diagnostics)) {
            read_text(*content, source.name, 1, sources, store, diagnostics);
        }
    }
    return store;
}

}  // namespace ajpgate::config
