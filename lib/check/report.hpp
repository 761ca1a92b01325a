// jkcheck's three outputs over one list of findings: compiler-style text for people,
// JSON for scripts, SARIF 2.1.0 for CI code-scanning views.
#pragma once

#include <string>
#include <vector>

#include "check/finding.hpp"

namespace ajpgate::check {

struct ReportContext {
    std::string tool_version;
    std::vector<std::string> inputs;       // files read, for the record
    std::vector<std::string> assumptions;  // defaults taken where the configuration is silent
    std::size_t suppressed = 0;
};

// file:line:col: severity[ID]: message, then each related location as a note, the effect
// and the fix; a summary line last.
std::string render_text(const std::vector<Finding>& findings, const ReportContext& context);
// {"tool":..., "findings":[{id, name, severity, message, effect, fix, locations:[{file, line,
// column, role, note}]}], "assumptions":[...], "summary":{...}}
std::string render_json(const std::vector<Finding>& findings, const ReportContext& context);
std::string render_sarif(const std::vector<Finding>& findings, const ReportContext& context);

}  // namespace ajpgate::check
