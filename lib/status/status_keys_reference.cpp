// conf/status-keys.md, generated from the key tables: what scripts may rely on.
#include "status/status_keys.hpp"

namespace ajpgate::status::keys {

namespace {

std::string cell(std::string_view text) {
    return text.empty() ? std::string("-") : "`" + std::string(text) + "`";
}

std::string prop_pattern(Scope scope, std::string_view key, std::string_view item, std::string_view owner) {
    if (key.empty()) {
        return "-";
    }
    std::string out = "`<prefix>.";
    if (scope == Scope::item) {
        out += std::string(item) + ".";
    } else if (scope == Scope::owner) {
        out += std::string(owner) + ".";
    }
    return out + std::string(key) + "`";
}

template <class Item>
void describe(std::string& out, const Section<Item>& section, std::string_view item, std::string_view owner,
              std::string_view note) {
    out += "\n## " + std::string(section.title.substr(0, section.title.size() - 1)) + "\n\n";
    out += "txt line `" + std::string(section.title) + " ...`, ";
    out += "xml element `<jk:" + std::string(section.xml_element) + ">`.";
    if (!note.empty()) {
        out += " " + std::string(note);
    }
    out += "\n\n| prop key | txt key | xml attribute | when |\n|---|---|---|---|\n";
    for (const auto& part : section.parts) {
        for (const Field<Item>& field : part) {
            std::string txt = cell(field.txt);
            if (field.quote == Quote::yes && !field.txt.empty()) {
                txt += " (quoted)";
            }
            out += "| " + prop_pattern(field.scope, field.prop, item, owner) + " | " + txt + " | ";
            out += cell(field.xml) + " | " + (field.shown ? "when set" : "always") + " |\n";
        }
    }
}

}  // namespace

std::string render_reference() {
    std::string out =
        "# Status worker keys (mime=prop, txt, xml)\n\n"
        "Generated from lib/status/status_keys.cpp (test_status_keys keeps this file in sync).\n"
        "The same keys, order and spellings as mod_jk 1.2.48. `<prefix>` is the status worker's\n"
        "`prefix` (default `worker`), `jk:` its `ns`. Every answer ends with the Result section.\n";
    describe(out, kServer, "", "", "Every answer but update/reset/recover and errors.");
    describe(out, kTime, "", "", "list, show, version, dump.");
    describe(out, kSoftware, "", "", "list, show, version, dump.");
    describe(out, kBalancerCount, "", "", "list, when there is an lb worker and opt lacks 0x08.");
    describe(out, kBalancer, "<lb>", "", "One per lb worker of worker.list (cmd=show: the one named by w).");
    describe(out, kMember, "<member>", "<lb>", "Each member of the lb, unless opt has 0x01 (cmd=show&sw=: that one).");
    describe(out, kMap, "<worker>.map.<id>", "", "Each URI map naming the worker or `*`, unless opt has 0x02.");
    describe(out, kAjpCount, "", "", "list, when there is an ajp13 worker and opt lacks 0x10.");
    describe(out, kAjp, "<ajp>", "<ajp>", "One per ajp13 worker of worker.list, followed by its maps.");
    describe(out, kResult, "result", "", "type is OK (message `Action finished`) or ERROR.");
    out += "\n## Configuration (cmd=dump)\n\n"
           "After Software: `ServerRoot=<dir>`, then every line of the configuration as read, `name=value` in\n"
           "file order (prop: without prefix; txt: after a line `Configuration:`; xml: attributes of\n"
           "`<jk:configuration>`). Names ending in `.secret` are never shown.\n";
    return out;
}

}  // namespace ajpgate::status::keys
