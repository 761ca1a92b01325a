#include "check/finding.hpp"

#include <algorithm>
#include <tuple>

namespace ajpgate::check {

std::string_view severity_name(Severity s) noexcept {
    switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    }
    return "error";
}

void sort_findings(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.primary.file, a.primary.line, a.id) < std::tie(b.primary.file, b.primary.line, b.id);
    });
}

}  // namespace ajpgate::check
