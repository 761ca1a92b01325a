// Documentation rendered from the property table: the README reference and
// conf/workers.properties.sample are generated, never written by hand.
#include <string>

#include "config/property_table.hpp"

namespace ajpgate::config {

namespace {

struct Section {
    unsigned scope;
    const char* title;
    const char* key_prefix;  // how the sample spells the key
};

constexpr Section kSections[] = {
    {scope_global, "Global properties", "worker."},
    {scope_ajp13, "ajp13 workers (and lb members)", "worker.node1."},
    {scope_lb, "lb workers", "worker.loadbalancer."},
    {scope_status, "status workers", "worker.jkstatus."},
};

std::string default_cell(const PropertySpec& spec) {
    if (spec.deprecation != Deprecation::none) return "-";
    if (spec.default_is_rule) return std::string(spec.default_text);
    if (spec.default_text.empty()) return "(empty)";
    return "`" + std::string(spec.default_text) + "`";
}

std::string scope_names(unsigned scope) {
    std::string out;
    const auto add = [&](unsigned bit, const char* name) {
        if ((scope & bit) == 0) return;
        if (!out.empty()) out += ", ";
        out += name;
    };
    add(scope_global, "global");
    add(scope_ajp13, "ajp13");
    add(scope_lb, "lb");
    add(scope_status, "status");
    return out;
}

// Markdown table cells must not contain a raw '|'.
std::string cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

std::string render_properties_markdown() {
    std::string out;
    for (const auto& section : kSections) {
        out += "### ";
        out += section.title;
        out += "\n\n| property | type | default | unit | applies to | description |\n";
        out += "|---|---|---|---|---|---|\n";
        for (const auto& spec : property_table()) {
            // A property shared by several types is listed under the first of them.
            const unsigned first = spec.scope & (~spec.scope + 1);
            if (first != section.scope) continue;
            out += "| `" + std::string(spec.name) + "` | " + to_string(spec.type) + " | " +
                   cell(default_cell(spec)) + " | " + std::string(spec.unit) + " | " +
                   scope_names(spec.scope) + " | " + cell(spec.doc) + " |\n";
        }
        out += "\n";
    }
    return out;
}

std::string render_properties_sample() {
    std::string out =
        "# workers.properties: every property with its default (generated from the property\n"
        "# table). Lines are name=value; '#' starts a comment anywhere, even inside a value.\n";
    for (const auto& section : kSections) {
        out += "\n# ---- ";
        out += section.title;
        out += " ----\n";
        for (const auto& spec : property_table()) {
            if ((spec.scope & section.scope) == 0 || spec.deprecation != Deprecation::none) {
                continue;
            }
            out += "\n# " + std::string(spec.doc) + "\n# type: " + to_string(spec.type);
            if (!spec.unit.empty()) out += ", unit: " + std::string(spec.unit);
            if (spec.default_is_rule) {
                out += ", default: " + std::string(spec.default_text) + "\n#" +
                       section.key_prefix + std::string(spec.name) + "=\n";
            } else {
                out += "\n#" + std::string(section.key_prefix) + std::string(spec.name) + "=" +
                       std::string(spec.default_text) + "\n";
            }
        }
    }
    return out;
}

}  // namespace ajpgate::config
