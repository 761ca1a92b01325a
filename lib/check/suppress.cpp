#include "check/suppress.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

#include "check/rules.hpp"

namespace ajpgate::check {
namespace {

constexpr std::string_view kMarker = "jkcheck:disable=";

// The ids a line's comment names; empty when it has none.
std::vector<std::string> disabled_on(const std::string& line) {
    std::vector<std::string> ids;
    const std::size_t at = line.find(kMarker);
    if (at == std::string::npos) return ids;
    std::size_t i = at + kMarker.size();
    std::string current;
    for (; i <= line.size(); ++i) {
        const char c = i < line.size() ? line[i] : ' ';
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
            current.push_back(c);
        } else {
            if (!current.empty()) ids.push_back(current);
            current.clear();
            if (c != ',') break;
        }
    }
    return ids;
}

bool names_rule(const std::vector<std::string>& ids, const Finding& f) {
    const Rule* rule = find_rule(f.id);
    for (const std::string& id : ids) {
        std::string lowered = id;
        std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lowered == "all" || find_rule(id) == rule) return true;
    }
    return false;
}

}  // namespace

LinesOf lines_from_disk() {
    return [](const std::string& file) -> std::optional<std::vector<std::string>> {
        std::ifstream in(file);
        if (!in) return std::nullopt;
        std::vector<std::string> lines;
        std::string line;
        while (std::getline(in, line)) lines.push_back(line);
        return lines;
    };
}

std::size_t apply_suppressions(std::vector<Finding>& findings, const LinesOf& lines_of) {
    std::map<std::string, std::optional<std::vector<std::string>>> cache;
    auto line_at = [&](const std::string& file, std::size_t line) -> const std::string* {
        auto it = cache.find(file);
        if (it == cache.end()) it = cache.emplace(file, lines_of(file)).first;
        if (!it->second || line == 0 || line > it->second->size()) return nullptr;
        return &(*it->second)[line - 1];
    };
    auto suppressed = [&](const Finding& f) {
        std::vector<const Location*> places{&f.primary};
        for (const Location& l : f.related) places.push_back(&l);
        for (const Location* where : places) {
            for (std::size_t line : {where->line, where->line - 1}) {
                if (where->line == 0) break;
                const std::string* text = line_at(where->file, line);
                if (text && names_rule(disabled_on(*text), f)) return true;
            }
        }
        return false;
    };
    const std::size_t before = findings.size();
    findings.erase(std::remove_if(findings.begin(), findings.end(), suppressed), findings.end());
    return before - findings.size();
}

}  // namespace ajpgate::check
