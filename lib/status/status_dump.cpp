#include "status/status_dump.hpp"

#include <algorithm>

namespace ajpgate::status {

namespace {

std::vector<std::string> configured_secrets(const config::WorkersConfig& workers) {
    std::vector<std::string> secrets;
    for (const auto& w : workers.ajp13_workers()) secrets.push_back(w.secret);
    for (const auto& lb : workers.lb_workers()) {
        secrets.push_back(lb.secret);
        for (const auto& m : lb.members) secrets.push_back(m.secret);
    }
    std::erase(secrets, std::string());
    return secrets;
}

bool ends_with(const std::string& text, std::string_view tail) {
    return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> dump_lines(const config::PropertyStore& store,
                                                            const config::WorkersConfig& workers) {
    const auto secrets = configured_secrets(workers);
    std::vector<std::pair<std::string, std::string>> lines;
    for (const auto& property : store.all()) {
        if (ends_with(property.key, ".secret")) continue;
        std::string value = property.joined();
        const bool holds_secret = std::any_of(secrets.begin(), secrets.end(), [&](const std::string& secret) {
            return value.find(secret) != std::string::npos;
        });
        if (holds_secret) continue;
        lines.emplace_back(property.key, std::move(value));
    }
    return lines;
}

}  // namespace ajpgate::status
