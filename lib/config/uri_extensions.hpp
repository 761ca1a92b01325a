// Rule extensions: the `;name=value` suffixes of a rule's worker part
// (`/app/*=lb;reply_timeout=30000;active=node1,node2`). They override the worker's own
// configuration for requests mapped by that rule. Absent extensions are std::nullopt, so the
// caller can tell "not given" from "given as the default".
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"

namespace ajpgate::config {

struct RuleExtensions {
    std::optional<std::chrono::milliseconds> reply_timeout;  // 0 = no reply timeout
    std::optional<bool> sticky_ignore;
    std::optional<bool> stateless;
    std::optional<int> use_server_errors;  // responses with status >= this get httpd's page
    // lb member names (worker names) whose activation this rule overrides.
    std::optional<std::vector<std::string>> active;
    std::optional<std::vector<std::string>> disabled;
    std::optional<std::vector<std::string>> stopped;
    // Status codes that count as a failure; a negative code fails the request without
    // putting the member into error state (mod_jk's convention).
    std::optional<std::vector<int>> fail_on_status;
    std::optional<std::string> session_cookie;
    std::optional<std::string> session_path;
    std::optional<bool> set_session_cookie;
    std::optional<std::string> session_cookie_path;

    bool empty() const noexcept;

    // The three activation overrides by extension name, for checks that treat them alike.
    struct ActivationList {
        std::string_view name;
        const std::optional<std::vector<std::string>>* members;
    };
    std::array<ActivationList, 3> activation_lists() const noexcept {
        return {{{"active", &active}, {"disabled", &disabled}, {"stopped", &stopped}}};
    }
};

// The worker part of a rule: a worker name, then extensions.
struct WorkerSpec {
    std::string worker;
    RuleExtensions extensions;
};

// Parses "worker[;name=value...]". Every problem is reported to `diags` at (file, line):
// unknown extension (named), missing or bad value, empty worker name, a member listed under
// two activations. A repeated extension is a warning and the last value wins, as in mod_jk.
// Returns std::nullopt when any error was reported.
std::optional<WorkerSpec> parse_worker_spec(std::string_view spec, std::string_view file,
                                            std::size_t line, Diagnostics& diags);

}  // namespace ajpgate::config
