// worker.X.reference=worker.Y: X copies every property of Y it does not set
// itself; Y's own references are resolved first. As in mod_jk the value is a key prefix: any
// other prefix names a template collected from its keys (see collect_workers).
#include <string>
#include <vector>

#include "config/property_parse.hpp"
#include "config/worker_definitions.hpp"

namespace ajpgate::config {

namespace {

enum class State { pending, resolving, done };

struct Resolver {
    WorkerDefinitions& definitions;
    Diagnostics& diagnostics;
    std::vector<State> states;
    std::vector<std::size_t> chain;  // indices of workers being resolved, outermost first

    std::string chain_text(const std::string& last) const {
        std::string out;
        for (const auto index : chain) out += definitions.workers[index].name + " -> ";
        return out + last;
    }

    std::size_t index_of(const WorkerDefinition* worker) const {
        return static_cast<std::size_t>(worker - definitions.workers.data());
    }

    void copy_missing(WorkerDefinition& to, const WorkerDefinition& from) {
        for (const auto& [id, setting] : from.settings) {
            if (id == PropertyId::reference || to.get(id) != nullptr) continue;
            WorkerSetting copy = setting;
            if (copy.inherited_from.empty()) copy.inherited_from = from.prefix;
            to.set(id, std::move(copy));
        }
    }

    // Returns the target worker's index, or nothing after reporting an error.
    std::optional<std::size_t> target_of(const WorkerDefinition& worker) {
        const auto& setting = *worker.get(PropertyId::reference);
        const Origin& where = setting.origin();
        const std::string& value = setting.pieces.back().value;
        const auto parsed = parse_property_value(property_spec(PropertyId::reference), value);
        if (parsed.value) {
            if (const auto* target = definitions.find(std::get<std::string>(*parsed.value))) {
                return index_of(target);
            }
        }
        if (const auto* target = definitions.find(template_name(value))) {
            diagnostics.compat(where.file, where.line,
                               "worker '" + worker.name + "' references '" + value +
                                   "', which is no worker.<name>: mod_jk copies every property "
                                   "written '" + value + ".<property>', and so does ajpgate "
                                   "(write the template as worker.<name>.* and reference "
                                   "worker.<name>)");
            return index_of(target);
        }
        const std::string what = parsed.value ? value + ", which has no properties"
                                              : "'" + value + "', but no property is written '" +
                                                    value + ".<property>'";
        diagnostics.error(where.file, where.line,
                          "worker '" + worker.name + "' references " + what +
                              " (mod_jk does not start either)");
        return std::nullopt;
    }

    void resolve(std::size_t index) {
        if (states[index] != State::pending) return;
        auto& worker = definitions.workers[index];
        if (!worker.get(PropertyId::reference)) {
            states[index] = State::done;
            return;
        }
        const Origin where = worker.get(PropertyId::reference)->origin();
        states[index] = State::resolving;
        chain.push_back(index);
        const auto target = target_of(worker);
        if (target && states[*target] == State::resolving) {
            diagnostics.error(where.file, where.line,
                              "reference loop: " + chain_text(definitions.workers[*target].name));
        } else if (target && chain.size() > static_cast<std::size_t>(max_reference_depth)) {
            diagnostics.error(where.file, where.line,
                              "references nest deeper than " +
                                  std::to_string(max_reference_depth) + ": " +
                                  chain_text(definitions.workers[*target].name));
        } else if (target) {
            resolve(*target);
            definitions.workers[*target].referenced = true;
            copy_missing(definitions.workers[index], definitions.workers[*target]);
        }
        chain.pop_back();
        states[index] = State::done;
    }
};

}  // namespace

void resolve_references(WorkerDefinitions& definitions, Diagnostics& diagnostics) {
    Resolver resolver{definitions, diagnostics,
                      std::vector<State>(definitions.workers.size(), State::pending), {}};
    for (std::size_t i = 0; i < definitions.workers.size(); ++i) resolver.resolve(i);
}

}  // namespace ajpgate::config
