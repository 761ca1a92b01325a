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

// What ajpgate does with what mod_jk accepts silently, and where it is safer by default.
constexpr std::string_view kDifferences =
    "### Differences from mod_jk\n\n"
    "Every workers.properties mod_jk 1.2.48 starts with, ajpgate starts with too, and builds the "
    "same workers from it. What mod_jk silently guesses gets a warning (`AJPG0011`, at start-up "
    "and in `apachectl -t`) naming file, line, what mod_jk (and so ajpgate) does and the fix; "
    "`JkStrict On` turns each of these warnings into an error that stops httpd:\n\n"
    "- a line without `=` is skipped; a line longer than 8191 characters is read in pieces of "
    "8191, each as a line (mod_jk's fgets buffer);\n"
    "- a value that does not parse is read as mod_jk reads it: integers with C's `atoi` (`80a` "
    "is 80, `x` is 0), then mod_jk's clamps (`lbfactor=0` is 1, `max_packet_size` is aligned up "
    "to 1024 and clamped to 8192..65536); an unknown boolean or choice is the default; "
    "`ping_mode` ignores unknown letters;\n"
    "- an lb member or `worker.list` entry that is never defined becomes an ajp13 worker on "
    "`localhost:8009` with every default (so a typo sends traffic there); so does a missing "
    "`worker.list` (one worker named `ajp13`), and an lb without `type` (its members are "
    "ignored);\n"
    "- `reference` to a prefix other than `worker.<name>` copies the properties written under "
    "that prefix;\n"
    "- `worker.lock`, `worker.X.maintain` and the properties of the removed jni workers are "
    "ignored; a repeated `distance` or `worker.maintain` keeps its first value;\n"
    "- a worker name beyond letters, digits, `_` and `-` (`node.one`, `node@2`, up to 63 "
    "characters) is taken: as in mod_jk the worker of `worker.a.b.port` is `a.b`;\n"
    "- a `redirect` to no route of the lb is never followed; `balance_workers` on a worker typed "
    "other than `lb`, and `mount` on a worker outside `worker.list`, are ignored;\n"
    "- a JkMount or uriworkermap rule naming a worker outside `worker.list` answers 500 for the "
    "URIs it maps; everything else is served;\n"
    "- an unknown rule extension, and `active`/`disabled`/`stopped` naming no member of the lb "
    "(or on a worker that is no lb), are ignored; a rule extension's bad value is read as "
    "mod_jk reads it (`reply_timeout=10s` is 10, `sticky_ignore=true` is 0), or ignored when it "
    "would be an unsafe cookie name or path; a uriworkermap line without `=`, or whose "
    "pattern does not start with `/`, is skipped.\n\n"
    "What mod_jk refuses, ajpgate refuses too (`AJPG0010`, with file and line): an unknown "
    "property (with a \"did you mean\" hint), an unknown worker type, a `reference` to a prefix "
    "no property has, an lb without members, an lb member listed twice, two members with one "
    "route, an lb as a member. ajpgate also refuses a worker in use whose type is `ajp12` or "
    "`ajp14`, protocols it does not speak (mod_jk 1.2.48 still runs ajp12, and ajp14 given a "
    "`secretkey`), and worker names longer than 63 characters or holding a blank or one of "
    "`, ; = | ! * ?`.\n\n"
    "Also:\n\n"
    "- A property the worker's type does not use is a plain warning (mod_jk ignores it).\n"
    "- As in mod_jk, `#` starts a comment even inside a value (a `secret` containing `#` is cut "
    "there: a warning says so when `#` follows the value's text directly), and a trailing `\\` "
    "does not continue the line (warning).\n"
    "- Safe by default where mod_jk is not (no start-up decision depends on these): "
    "`socket_connect_timeout` is 3000 ms when neither it "
    "nor `socket_timeout` is set (mod_jk waits for the kernel, minutes against a host that drops "
    "packets); `connection_pool_timeout` is 300 s (mod_jk keeps idle connections for ever, and firewalls "
    "drop them silently). Set the mod_jk values explicitly (`socket_connect_timeout=0`, "
    "`connection_pool_timeout=0`) to get mod_jk's behaviour. `ping_mode` has mod_jk's default "
    "(none): a CPING after connect would put a second round trip in front of every new "
    "connection's request, doubling what a slow JVM costs; a backend that accepts and never "
    "answers is found by `JkHungBackendCheck` (Directives) instead.\n\n";

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
