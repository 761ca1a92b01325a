// A finding of jkcheck: which rule, how bad, where on each side, what it does to requests
// and how to fix it. The rule table (rules.hpp) gives every id its severity and text; a
// check fills in the particulars.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "check/tomcat_model.hpp"

namespace ajpgate::check {

enum class Severity { info, warning, error };

std::string_view severity_name(Severity s) noexcept;  // "info", "warning", "error"

struct Finding {
    std::string id;            // the rule's stable id, "JKC101"
    Severity severity = Severity::error;
    std::string message;       // one sentence with the names and values involved
    Location primary;          // where to fix it first (usually httpd's side)
    std::vector<Location> related;  // the other side(s)
    std::vector<std::string> related_notes;  // what each related location is ("jvmRoute here")
    std::string effect;        // what a user would see
    std::string fix;           // what to change

    // A location on the other side, with what it is ("jvmRoute is set here").
    void add_related(Location where, std::string note) {
        related.push_back(std::move(where));
        related_notes.push_back(std::move(note));
    }
};

// Findings in a stable order: by file, line, then id (the order a compiler prints in).
void sort_findings(std::vector<Finding>& findings);

}  // namespace ajpgate::check
