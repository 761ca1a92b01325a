// Cross-checks between mapping rules and the worker model, run once both are loaded. The URI
// map does not depend on the workers.properties model; the caller describes its workers
// through four small questions, so either side can change without the other.
//
// mod_jk starts with all of these; ajpgate does too, with a compatibility warning (an error
// under JkStrict On) at the rule's file:line:
//   - a mount rule names a worker that is not in worker.list (undefined, or only an lb
//     member): mod_jk answers 500 for the URIs it maps, and so does the module;
//   - `active=` / `disabled=` / `stopped=` on a worker that is not a load balancer, or naming
//     something that is not one of its members: mod_jk ignores them.
// Plain warnings: an exclusion naming an unknown worker (it can never cancel anything);
// lb-only extensions (sticky_ignore, stateless, session_*) on a non-lb worker, which mod_jk
// ignores there.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "config/diagnostic.hpp"
#include "config/uri_pattern.hpp"

namespace ajpgate::config {

struct WorkerCatalog {
    std::function<bool(std::string_view worker)> exists;     // any worker, lb members included
    std::function<bool(std::string_view worker)> in_list;    // a request may name it
    std::function<bool(std::string_view worker)> is_lb;
    std::function<bool(std::string_view lb, std::string_view member)> has_member;
};

void check_rule_workers(std::span<const UriRule> rules, const WorkerCatalog& workers,
                        Diagnostics& diags);

}  // namespace ajpgate::config
