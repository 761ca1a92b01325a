// Cross-checks between mapping rules and the worker model, run once both are loaded. The URI
// map does not depend on the workers.properties model; the caller describes its workers
// through three small questions, so either side can change without the other.
//
// What is reported (at the rule's file:line):
//   - error: a mount rule names a worker that does not exist (mod_jk only logs it and then
//     fails every request the rule maps);
//   - warning: an exclusion names an unknown worker (it can never cancel anything);
//   - error: `active=` / `disabled=` / `stopped=` on a worker that is not a load balancer, or
//     naming something that is not one of its members;
//   - warning: lb-only extensions (sticky_ignore, stateless, session_*) on a non-lb worker,
//     which mod_jk ignores there.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "config/diagnostic.hpp"
#include "config/uri_pattern.hpp"

namespace ajpgate::config {

struct WorkerCatalog {
    std::function<bool(std::string_view worker)> exists;
    std::function<bool(std::string_view worker)> is_lb;
    std::function<bool(std::string_view lb, std::string_view member)> has_member;
};

void check_rule_workers(std::span<const UriRule> rules, const WorkerCatalog& workers,
                        Diagnostics& diags);

}  // namespace ajpgate::config
