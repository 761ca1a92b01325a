// Suppressions written where the finding is: a comment holding "jkcheck:disable=ID[,ID...]"
// (`# jkcheck:disable=JKC301` in workers.properties or httpd.conf,
// `<!-- jkcheck:disable=JKC408 -->` in XML), on a line of any of the finding's locations or on
// the line just above it. IDs or rule names, case-insensitive; "all" silences every rule.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "check/finding.hpp"

namespace ajpgate::check {

// Reads a file's lines (injected: tests pass text, the tool reads the disk). nullopt: unreadable.
using LinesOf = std::function<std::optional<std::vector<std::string>>(const std::string& file)>;

LinesOf lines_from_disk();

// Removes the suppressed findings; returns how many were removed.
std::size_t apply_suppressions(std::vector<Finding>& findings, const LinesOf& lines_of);

}  // namespace ajpgate::check
