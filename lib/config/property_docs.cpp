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

// Each property is listed in the one section whose scope equals its own.
constexpr Section kSections[] = {
    {scope_global, "Global properties", "worker."},
    {scope_ajp13 | scope_lb | scope_status, "Every worker type", "worker.node1."},
    {scope_ajp13 | scope_lb, "ajp13 and lb workers", "worker.node1."},
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

// Where ajpgate is stricter than mod_jk, which silently guesses in these cases.
constexpr std::string_view kDifferences =
    "### Differences from mod_jk\n\n"
    "- A value that does not parse (integer, boolean, choice) is an error naming file and line; "
    "mod_jk silently uses the default.\n"
    "- An unknown property is an error with a \"did you mean\" hint.\n"
    "- An lb member that is never defined, or a worker.list entry without any property, is an "
    "error: mod_jk invents an ajp13 worker on localhost:8009, so a typo sends traffic there.\n"
    "- `balance_workers` on a worker whose type is not `lb` is an error naming the fix "
    "(`worker.X.type=lb`).\n"
    "- Duplicate routes within an lb and a `redirect` to no route of the lb are errors.\n"
    "- `max_packet_size` outside 8192..65536 is an error (mod_jk clamps it).\n"
    "- A line without `=` is an error (mod_jk skips it); a property the worker's type does not "
    "use is a warning (mod_jk ignores it).\n"
    "- As in mod_jk, `#` starts a comment even inside a value (a `secret` containing `#` is cut "
    "there: a warning says so when `#` follows the value's text directly), and a trailing `\\` "
    "does not continue the line (warning).\n"
    "- Safe by default where mod_jk is not: `socket_connect_timeout` is 3000 ms when neither it "
    "nor `socket_timeout` is set (mod_jk waits for the kernel, minutes against a host that drops "
    "packets); `ping_mode` is `C` (a new connection is CPINGed before it carries a request, so a "
    "backend that accepts but does not answer is found at once); `connection_pool_timeout` is "
    "300 s (mod_jk keeps idle connections for ever, and firewalls drop them silently). Set the "
    "mod_jk values explicitly (`socket_connect_timeout=0`, `ping_mode=N`, `connection_pool_timeout=0`) "
    "to get mod_jk's behaviour.\n\n";

}  // namespace

std::string render_properties_markdown() {
    std::string out(kDifferences);
    for (const auto& section : kSections) {
        out += "### ";
        out += section.title;
        out += "\n\n| property | type | default | unit | applies to | description |\n";
        out += "|---|---|---|---|---|---|\n";
        for (const auto& spec : property_table()) {
            if (spec.scope != section.scope) continue;
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
            if (spec.scope != section.scope || spec.deprecation != Deprecation::none) {
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
