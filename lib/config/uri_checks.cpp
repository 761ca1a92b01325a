#include "config/uri_checks.hpp"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ajpgate::config {

namespace {

// "/app/*=lb (JkMount)": the diagnostic names file and line already.
std::string rule_text(const UriRule& rule) {
    return (rule.disabled ? "-" : "") + rule.pattern + "=" + rule.worker + " (" +
           std::string(to_string(rule.origin.source)) + ")";
}

void check_activation_lists(const UriRule& rule, const WorkerCatalog& workers, Diagnostics& diags) {
    const bool is_lb = workers.is_lb(rule.worker);
    for (const auto& [name, list] : rule.extensions().activation_lists()) {
        if (!*list) {
            continue;
        }
        if (!is_lb) {
            diags.compat(rule.origin.file, rule.origin.line,
                         "rule extension '" + std::string(name) + "' needs a load balancer, but '" +
                             rule.worker + "' is not one: mod_jk ignores it, and so does "
                             "ajpgate (remove it)");
            continue;
        }
        for (const std::string& member : **list) {
            if (!workers.has_member(rule.worker, member)) {
                diags.compat(rule.origin.file, rule.origin.line,
                             "'" + member + "' in '" + std::string(name) +
                                 "' is not a member of load balancer '" + rule.worker +
                                 "': mod_jk ignores it, and so does ajpgate (fix the name)");
            }
        }
    }
}

void check_lb_only_extensions(const UriRule& rule, const WorkerCatalog& workers,
                              Diagnostics& diags) {
    const RuleExtensions& e = rule.extensions();
    const bool lb_only_given = e.sticky_ignore || e.stateless || e.session_cookie ||
                               e.session_path || e.set_session_cookie || e.session_cookie_path;
    if (lb_only_given && !workers.is_lb(rule.worker)) {
        diags.warning(rule.origin.file, rule.origin.line,
                      "session extensions (sticky_ignore, stateless, session_*) have no effect "
                      "on '" +
                          rule.worker + "', which is not a load balancer");
    }
}

}  // namespace

void check_rule_workers(std::span<const UriRule> rules, const WorkerCatalog& workers,
                        Diagnostics& diags) {
    for (const UriRule& rule : rules) {
        if (rule.exclusion) {
            if (rule.worker != kAnyWorker && !workers.exists(rule.worker)) {
                diags.warning(rule.origin.file, rule.origin.line,
                              "exclusion names unknown worker '" + rule.worker +
                                  "': it never cancels a mapping");
            }
            continue;
        }
        if (!workers.in_list(rule.worker)) {
            const std::string why = workers.exists(rule.worker)
                                        ? "which is not in worker.list (it is an lb member)"
                                        : "which workers.properties does not define";
            diags.compat(rule.origin.file, rule.origin.line,
                         "rule " + rule_text(rule) + " maps to worker '" + rule.worker + "', " +
                             why + ": mod_jk answers 500 for these URIs, and so does ajpgate "
                             "(add the worker to worker.list, or fix the name)");
            continue;
        }
        check_activation_lists(rule, workers, diags);
        check_lb_only_extensions(rule, workers, diags);
    }
}

}  // namespace ajpgate::config
