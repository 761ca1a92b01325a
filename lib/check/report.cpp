#include "check/report.hpp"

#include <cstdint>

#include "check/rules.hpp"
#include "log/json_writer.hpp"

namespace ajpgate::check {
namespace {

using log::JsonWriter;

std::string place(const Location& l) {
    std::string out = l.file.empty() ? std::string("(httpd)") : l.file;
    if (l.line > 0) out += ":" + std::to_string(l.line);
    if (l.line > 0 && l.column > 0) out += ":" + std::to_string(l.column);
    return out;
}

struct Counts {
    std::size_t error = 0, warning = 0, info = 0;
};

Counts count(const std::vector<Finding>& findings) {
    Counts c;
    for (const Finding& f : findings) {
        (f.severity == Severity::error ? c.error : f.severity == Severity::warning ? c.warning : c.info)++;
    }
    return c;
}

std::string_view rule_name(const std::string& id) {
    const Rule* rule = find_rule(id);
    return rule ? rule->name : std::string_view();
}

void write_location(JsonWriter& json, const Location& l) {
    json.key("file").value(l.file);
    json.key("line").value(static_cast<std::uint64_t>(l.line));
    json.key("column").value(static_cast<std::uint64_t>(l.column));
}

}  // namespace

std::string render_text(const std::vector<Finding>& findings, const ReportContext& context) {
    std::string out;
    for (const Finding& f : findings) {
        out += place(f.primary) + ": " + std::string(severity_name(f.severity)) + "[" + f.id + "]: " + f.message + "\n";
        for (std::size_t i = 0; i < f.related.size(); ++i) {
            out += "  " + place(f.related[i]) + ": note: " + (i < f.related_notes.size() ? f.related_notes[i] : "") + "\n";
        }
        if (!f.effect.empty()) out += "  effect: " + f.effect + "\n";
        if (!f.fix.empty()) out += "  fix: " + f.fix + "\n";
    }
    for (const std::string& a : context.assumptions) out += "assumed: " + a + "\n";
    const Counts c = count(findings);
    out += std::to_string(c.error) + " error(s), " + std::to_string(c.warning) + " warning(s), " +
           std::to_string(c.info) + " info";
    if (context.suppressed > 0) out += ", " + std::to_string(context.suppressed) + " suppressed";
    out += "\n";
    return out;
}

std::string render_json(const std::vector<Finding>& findings, const ReportContext& context) {
    JsonWriter json;
    json.begin_object();
    json.key("tool").begin_object().key("name").value("jkcheck").key("version").value(context.tool_version).end_object();
    json.key("findings").begin_array();
    for (const Finding& f : findings) {
        json.begin_object();
        json.key("id").value(f.id).key("name").value(rule_name(f.id));
        json.key("severity").value(severity_name(f.severity)).key("message").value(f.message);
        json.key("effect").value(f.effect).key("fix").value(f.fix);
        json.key("locations").begin_array();
        json.begin_object();
        write_location(json, f.primary);
        json.key("role").value("primary");
        json.end_object();
        for (std::size_t i = 0; i < f.related.size(); ++i) {
            json.begin_object();
            write_location(json, f.related[i]);
            json.key("role").value("related");
            json.key("note").value(i < f.related_notes.size() ? f.related_notes[i] : std::string());
            json.end_object();
        }
        json.end_array();
        json.end_object();
    }
    json.end_array();
    json.key("inputs").begin_array();
    for (const std::string& file : context.inputs) json.value(file);
    json.end_array();
    json.key("assumptions").begin_array();
    for (const std::string& a : context.assumptions) json.value(a);
    json.end_array();
    const Counts c = count(findings);
    json.key("summary").begin_object();
    json.key("error").value(static_cast<std::uint64_t>(c.error));
    json.key("warning").value(static_cast<std::uint64_t>(c.warning));
    json.key("info").value(static_cast<std::uint64_t>(c.info));
    json.key("suppressed").value(static_cast<std::uint64_t>(context.suppressed));
    json.end_object();
    json.end_object();
    return json.take() + "\n";
}

namespace {

// SARIF's level names: error, warning, note.
std::string_view sarif_level(Severity s) {
    return s == Severity::error ? "error" : s == Severity::warning ? "warning" : "note";
}

void write_sarif_location(JsonWriter& json, const Location& l, const std::string* note) {
    json.begin_object();
    json.key("physicalLocation").begin_object();
    json.key("artifactLocation").begin_object().key("uri").value(l.file.empty() ? "httpd" : "file://" + l.file).end_object();
    if (l.line > 0) {
        json.key("region").begin_object().key("startLine").value(static_cast<std::uint64_t>(l.line));
        if (l.column > 0) json.key("startColumn").value(static_cast<std::uint64_t>(l.column));
        json.end_object();
    }
    json.end_object();
    if (note) json.key("message").begin_object().key("text").value(*note).end_object();
    json.end_object();
}

}  // namespace

std::string render_sarif(const std::vector<Finding>& findings, const ReportContext& context) {
    JsonWriter json;
    json.begin_object();
    json.key("$schema").value("https://json.schemastore.org/sarif-2.1.0.json");
    json.key("version").value("2.1.0");
    json.key("runs").begin_array().begin_object();
    json.key("tool").begin_object().key("driver").begin_object();
    json.key("name").value("jkcheck").key("version").value(context.tool_version);
    json.key("informationUri").value("https://github.com/ajpgate/ajpgate#jkcheck");
    json.key("rules").begin_array();
    for (const Rule& rule : all_rules()) {
        json.begin_object();
        json.key("id").value(rule.id).key("name").value(rule.name);
        json.key("shortDescription").begin_object().key("text").value(rule.title).end_object();
        json.key("fullDescription").begin_object().key("text").value(rule.explanation).end_object();
        json.key("help").begin_object().key("text").value(rule.fix).end_object();
        json.key("defaultConfiguration").begin_object().key("level").value(sarif_level(rule.severity)).end_object();
        json.end_object();
    }
    json.end_array();
    json.end_object().end_object();
    json.key("results").begin_array();
    for (const Finding& f : findings) {
        json.begin_object();
        json.key("ruleId").value(f.id);
        json.key("level").value(sarif_level(f.severity));
        json.key("message").begin_object().key("text").value(f.message + (f.fix.empty() ? "" : " Fix: " + f.fix)).end_object();
        json.key("locations").begin_array();
        write_sarif_location(json, f.primary, nullptr);
        json.end_array();
        if (!f.related.empty()) {
            json.key("relatedLocations").begin_array();
            for (std::size_t i = 0; i < f.related.size(); ++i) {
                write_sarif_location(json, f.related[i], i < f.related_notes.size() ? &f.related_notes[i] : nullptr);
            }
            json.end_array();
        }
        json.end_object();
    }
    json.end_array();
    json.end_object().end_array();
    json.end_object();
    return json.take() + "\n";
}

}  // namespace ajpgate::check
