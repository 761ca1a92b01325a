// ${name} substitution as Tomcat's digester does it for server.xml and context files, and the
// property values it draws from.
#include "check/tomcat_properties.hpp"

#include "check/xml_document.hpp"

namespace ajpgate::check {

namespace {

// Tomcat gives up after this many passes over a value whose substitutions keep producing
// new ${...} (a property defined in terms of itself); we also stop a value that doubles on
// each pass before it reaches megabytes.
constexpr int max_passes = 20;
constexpr std::size_t max_value_bytes = 64u << 10;

std::string substitute_once(std::string_view value, const std::map<std::string, std::string>& properties,
                            std::vector<std::string>& unresolved) {
    std::string out;
    out.reserve(value.size());
    std::size_t pos = 0;
    while (pos < value.size()) {
        const auto start = value.find("${", pos);
        const auto close = start == std::string_view::npos ? start : value.find('}', start + 2);
        if (close == std::string_view::npos) break;  // no complete ${...} left: the rest as written
        out.append(value, pos, start - pos);
        const std::string name(value.substr(start + 2, close - start - 2));
        pos = close + 1;
        // The whole text is tried as a name first, as Tomcat does, then name:-default.
        if (const auto found = properties.find(name); found != properties.end()) {
            out += found->second;
            continue;
        }
        const auto split = name.find(":-");
        if (split != std::string::npos) {
            const auto found = properties.find(name.substr(0, split));
            out += found != properties.end() ? found->second : name.substr(split + 2);
            continue;
        }
        out.append(value, start, pos - start);
        unresolved.push_back(name);
    }
    out.append(value, pos, std::string_view::npos);
    return out;
}

}  // namespace

std::string substitute_tomcat_properties(std::string_view value,
                                         const std::map<std::string, std::string>& properties,
                                         std::vector<std::string>* unresolved) {
    std::string current(value);
    std::vector<std::string> missing;
    for (int pass = 0; pass < max_passes && current.size() <= max_value_bytes && current.find("${") != std::string::npos;
         ++pass) {
        missing.clear();
        std::string next = substitute_once(current, properties, missing);
        if (next == current) break;
        current = std::move(next);
    }
    if (unresolved) unresolved->insert(unresolved->end(), missing.begin(), missing.end());
    return current;
}

namespace detail {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

// Reads one escape after a backslash at text[i]; returns the index after it.
std::size_t unescape(std::string_view text, std::size_t i, std::string& out) {
    if (i >= text.size()) return i;
    const char c = text[i];
    switch (c) {
    case 't': out += '\t'; return i + 1;
    case 'n': out += '\n'; return i + 1;
    case 'r': out += '\r'; return i + 1;
    case 'f': out += '\f'; return i + 1;
    case 'u': {
        unsigned code = 0;
        std::size_t k = 0;
        for (; k < 4 && i + 1 + k < text.size() && hex_digit(text[i + 1 + k]) >= 0; ++k) {
            code = code * 16 + static_cast<unsigned>(hex_digit(text[i + 1 + k]));
        }
        if (k < 4) {  // Java rejects the file; we keep the text
            out += "\\u";
            return i + 1;
        }
        append_utf8(out, code);
        return i + 5;
    }
    default: out += c; return i + 1;
    }
}

// Logical lines: natural lines joined where one ends in an odd number of backslashes (the
// next one's leading blanks dropped); comment and blank lines left out.
std::vector<std::string> logical_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::string pending;
    bool continuing = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? end + 2
                                                                                                         : end + 1;
        std::size_t first = 0;
        while (first < line.size() && is_blank(line[first])) ++first;
        line.remove_prefix(first);
        if (!continuing && (line.empty() || line.front() == '#' || line.front() == '!')) continue;
        std::size_t backslashes = 0;
        while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
        continuing = backslashes % 2 == 1;
        pending.append(line.substr(0, line.size() - (continuing ? 1 : 0)));
        if (!continuing) {
            lines.push_back(std::move(pending));
            pending.clear();
        }
    }
    if (continuing) lines.push_back(std::move(pending));
    return lines;
}

}  // namespace

std::map<std::string, std::string> parse_java_properties(std::string_view text) {
    std::map<std::string, std::string> properties;
    for (const std::string& line : logical_lines(text)) {
        std::string key;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '=' && line[i] != ':' && !is_blank(line[i])) {
            if (line[i] == '\\') {
                i = unescape(line, i + 1, key);
            } else {
                key += line[i++];
            }
        }
        while (i < line.size() && is_blank(line[i])) ++i;
        if (i < line.size() && (line[i] == '=' || line[i] == ':')) ++i;
        while (i < line.size() && is_blank(line[i])) ++i;
        std::string value;
        while (i < line.size()) {
            if (line[i] == '\\') {
                i = unescape(line, i + 1, value);
            } else {
                value += line[i++];
            }
        }
        properties[std::move(key)] = std::move(value);
    }
    return properties;
}

std::map<std::string, std::string> node_properties(const NodeSource& source, std::vector<ReadNote>& notes) {
    std::map<std::string, std::string> properties{
        {"catalina.base", source.base},
        {"catalina.home", source.home && !source.home->empty() ? *source.home : source.base},
    };
    for (const auto& [name, value] : source.system_properties) properties[name] = value;

    // -Dcatalina.config names another file (a path or a file: URL) instead of the base's.
    std::string path = source.base + "/conf/catalina.properties";
    if (const auto config = source.system_properties.find("catalina.config");
        config != source.system_properties.end()) {
        path = config->second.rfind("file:", 0) == 0 ? config->second.substr(5) : config->second;
        if (path.rfind("//", 0) == 0) path.erase(0, 2);
    }
    std::string error;
    const auto text = read_small_file(path, error);
    if (!text) {
        // Without the file Tomcat uses the copy inside catalina.jar, which sets nothing the
        // configuration files substitute; only a file that is there but unreadable is news.
        if (error != "No such file or directory") notes.push_back({{path, 0, 0}, "not read: " + error});
        return properties;
    }
    for (auto& [name, value] : parse_java_properties(*text)) {
        const auto given = source.system_properties.find(name);
        if (given != source.system_properties.end() && given->second != value) {
            notes.push_back({{path, 0, 0}, "sets " + name + "=" + value + ", which replaces -D" + name + "=" +
                                               given->second + " as Tomcat's startup does"});
        }
        properties[name] = std::move(value);
    }
    return properties;
}

}  // namespace detail

}  // namespace ajpgate::check
