// The rule table: every check jkcheck makes, with its stable id, a short name (both are
// accepted by suppressions and --explain), its severity, a title, and the explanation and
// fix --explain prints. One table: the checks, --explain, SARIF's rule list and the
// README's table all read it.
#pragma once

#include <span>
#include <string_view>

#include "check/finding.hpp"

namespace ajpgate::check {

struct Rule {
    std::string_view id;     // "JKC101": never reused, never renumbered
    std::string_view name;   // "route-missing"
    Severity severity;
    std::string_view title;
    std::string_view explanation;
    std::string_view fix;
};

std::span<const Rule> all_rules() noexcept;
// By id or by name, case-insensitive; nullptr when unknown.
const Rule* find_rule(std::string_view id_or_name) noexcept;

// A finding for `rule_id` with the rule's severity, and its generic effect and fix (a check
// may then make them more precise).
Finding make_finding(std::string_view rule_id, std::string message, Location primary);

}  // namespace ajpgate::check
