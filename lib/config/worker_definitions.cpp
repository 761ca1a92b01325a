#include "config/worker_definitions.hpp"

#include "config/property_checks.hpp"
#include "config/property_value.hpp"

namespace ajpgate::config {

namespace {

constexpr std::string_view kPrefix = "worker.";
constexpr unsigned kWorkerScopes = scope_ajp13 | scope_lb | scope_status;

std::string with_hint(std::string message, std::string_view name, unsigned scope) {
    const auto hint = suggest_property(name, scope);
    if (!hint.empty()) message += ": did you mean '" + std::string(hint) + "'?";
    return message;
}

WorkerSetting setting_of(const RawProperty& property) {
    return WorkerSetting{property.pieces, {}};
}

void collect_global(std::string_view name, const RawProperty& property, WorkerDefinitions& out,
                    Diagnostics& diagnostics) {
    const auto* spec = find_property(name);
    const Origin& where = property.pieces.back().origin;
    if (spec == nullptr) {
        diagnostics.error(where.file, where.line,
                          with_hint("unknown global property '" + property.key + "'", name,
                                    scope_global));
        return;
    }
    // mod_jk accepts any key that ends in a property name, so 'worker.lock' passes; nothing
    // reads it.
    if ((spec->scope & scope_global) == 0) {
        diagnostics.compat(where.file, where.line,
                           "'" + property.key + "' is not a global property and names no "
                           "worker: mod_jk ignores it, and so does ajpgate (did you mean "
                           "'worker.<name>." + std::string(name) + "'?)");
        return;
    }
    (spec->id == PropertyId::list ? out.list : out.maintain) = setting_of(property);
}

WorkerDefinition& definition_for(std::string_view name, const Origin& where,
                                 WorkerDefinitions& out) {
    if (auto* existing = out.find(name)) return *existing;
    out.by_name.emplace(std::string(name), out.workers.size());
    out.workers.push_back(WorkerDefinition{std::string(name),
                                           std::string(kPrefix) + std::string(name), where,
                                           false, {}});
    return out.workers.back();
}

// Deprecated names: warn, then fill the successor unless it is set explicitly
// (an explicit successor always wins, in whichever order the lines come).
void apply_deprecated(const PropertySpec& spec, const RawProperty& property,
                      const PropertyStore& store, WorkerDefinition& definition,
                      Diagnostics& diagnostics) {
    const Origin& where = property.pieces.back().origin;
    if (spec.deprecation == Deprecation::obsolete) {
        diagnostics.compat(where.file, where.line,
                           "'" + property.key + "': " + std::string(spec.doc) +
                               ", as mod_jk ignores it (delete the line)");
        return;
    }
    if (spec.deprecation == Deprecation::no_effect) {
        diagnostics.warning(where.file, where.line,
                            "'" + property.key + "' is deprecated and has no effect");
        return;
    }
    const auto& successor = property_spec(spec.successor);
    const std::string successor_key = definition.prefix + "." + std::string(successor.name);
    diagnostics.warning(where.file, where.line,
                        "'" + std::string(spec.name) + "' is deprecated: use '" +
                            std::string(successor.name) + "'");
    if (store.find(successor_key) != nullptr) {
        diagnostics.warning(where.file, where.line,
                            "'" + property.key + "' ignored: '" + successor_key + "' is set");
        return;
    }
    if (spec.deprecation == Deprecation::rename) {
        definition.set(spec.successor, setting_of(property));
        return;
    }
    const auto flag = parse_boolean(property.pieces.back().value);
    if (!flag) {
        diagnostics.compat(where.file, where.line,
                           "'" + property.key + "': '" + property.pieces.back().value +
                               "' is not a boolean (true/false, on/off, 1/0, yes/no); mod_jk "
                               "reads it as false, and so does ajpgate (correct the value)");
        return;
    }
    // stopped beats disabled, whichever line comes first.
    const bool stopped = spec.deprecation == Deprecation::true_to_stopped;
    if (!*flag || (!stopped && definition.get(spec.successor) != nullptr)) return;
    definition.set(spec.successor, WorkerSetting{{RawPiece{stopped ? "S" : "D", where}}, {}});
}

// One property (table entry `spec`) of `definition`.
void add_property(const PropertySpec& spec, const RawProperty& property,
                  const PropertyStore& store, WorkerDefinition& definition,
                  Diagnostics& diagnostics) {
    const Origin& where = property.pieces.back().origin;
    if ((spec.scope & kWorkerScopes) == 0) {
        diagnostics.compat(where.file, where.line,
                           "'" + std::string(spec.name) + "' is a global property: mod_jk "
                           "ignores '" + property.key + "', and so does ajpgate (write 'worker." +
                               std::string(spec.name) + "' once if it is meant for every worker)");
        return;
    }
    if (spec.deprecation != Deprecation::none) {
        apply_deprecated(spec, property, store, definition, diagnostics);
        return;
    }
    definition.set(spec.id, setting_of(property));
}

void collect_worker_property(std::string_view rest, const RawProperty& property,
                             const PropertyStore& store, WorkerDefinitions& out,
                             Diagnostics& diagnostics) {
    const Origin& where = property.pieces.back().origin;
    // As mod_jk: property names have no '.', so the worker is everything before the last one
    // ('worker.a.b.port' is the port of a worker named 'a.b').
    const auto dot = rest.rfind('.');
    const auto worker = rest.substr(0, dot);
    const auto name = rest.substr(dot + 1);
    const auto* spec = find_property(name);
    if (spec == nullptr) {
        diagnostics.error(where.file, where.line,
                          with_hint("unknown property '" + std::string(name) + "' in '" + property.key + "'", name,
                                    kWorkerScopes));
        return;
    }
    if (!is_valid_worker_name(worker)) {
        if (!is_tolerated_worker_name(worker)) {
            diagnostics.error(where.file, where.line,
                              "'" + std::string(worker) + "' in '" + property.key +
                                  "' is not a worker name ajpgate can take (at most 63 characters, none of "
                                  "blanks , ; = | ! * ?)");
            return;
        }
        if (out.find(worker) == nullptr) {
            diagnostics.compat(where.file, where.line,
                               "worker name '" + std::string(worker) +
                                   "' is not in mod_jk's documented form (letters, digits, '_' and '-', at most 60 "
                                   "characters): mod_jk takes it, and so does ajpgate (rename it to be safe)");
        }
    }
    add_property(*spec, property, store, definition_for(worker, where, out), diagnostics);
}

bool names_defined_worker(const WorkerDefinitions& out, std::string_view reference) {
    return reference.substr(0, kPrefix.size()) == kPrefix &&
           out.find(reference.substr(kPrefix.size())) != nullptr;
}

// The keys under `prefix` + "." as one template definition; nullopt when there is none.
std::optional<WorkerDefinition> template_from_keys(const std::string& prefix,
                                                   const PropertyStore& store,
                                                   Diagnostics& diagnostics) {
    std::optional<WorkerDefinition> out;
    const std::string head = template_name(prefix);
    for (const auto& property : store.all()) {
        if (property.key.compare(0, head.size(), head) != 0) continue;
        const Origin& where = property.pieces.back().origin;
        if (!out) out = WorkerDefinition{head, prefix, where, true, {}};
        const std::string_view name = std::string_view(property.key).substr(head.size());
        const auto* spec = name.find('.') == std::string_view::npos ? find_property(name) : nullptr;
        if (spec == nullptr) {
            // Copied by mod_jk without a check, then read by no worker.
            diagnostics.compat(where.file, where.line,
                               "'" + property.key + "' is copied by a reference to '" + prefix +
                                   "', but '" + std::string(name) + "' is no worker property: "
                                   "mod_jk ignores it, and so does ajpgate (fix the name)");
            continue;
        }
        add_property(*spec, property, store, *out, diagnostics);
    }
    return out;
}

// References that are not worker.<defined worker> become templates of their keys; a template
// may reference a further prefix, so the list is walked while it grows.
void add_prefix_templates(const PropertyStore& store, WorkerDefinitions& out,
                          Diagnostics& diagnostics) {
    for (std::size_t i = 0; i < out.workers.size(); ++i) {
        const auto* reference = out.workers[i].get(PropertyId::reference);
        if (reference == nullptr) continue;
        const std::string prefix = reference->pieces.back().value;
        if (names_defined_worker(out, prefix) || out.find(template_name(prefix)) != nullptr) {
            continue;
        }
        auto definition = template_from_keys(prefix, store, diagnostics);
        if (!definition) continue;  // no such keys: the resolver says so
        out.by_name.emplace(definition->name, out.workers.size());
        out.workers.push_back(std::move(*definition));
    }
}

}  // namespace

std::string WorkerSetting::joined() const {
    return RawProperty{{}, pieces}.joined();
}

const WorkerSetting* WorkerDefinition::get(PropertyId id) const {
    for (const auto& [key, setting] : settings) {
        if (key == id) return &setting;
    }
    return nullptr;
}

void WorkerDefinition::set(PropertyId id, WorkerSetting setting) {
    if (auto* existing = get(id)) {
        *existing = std::move(setting);
    } else {
        settings.emplace_back(id, std::move(setting));
    }
}

const WorkerDefinition* WorkerDefinitions::find(std::string_view name) const {
    const auto it = by_name.find(std::string(name));
    return it == by_name.end() ? nullptr : &workers[it->second];
}

WorkerDefinition* WorkerDefinitions::find(std::string_view name) {
    const auto* found = static_cast<const WorkerDefinitions*>(this)->find(name);
    return const_cast<WorkerDefinition*>(found);
}

WorkerDefinitions collect_workers(const PropertyStore& store, Diagnostics& diagnostics) {
    WorkerDefinitions out;
    for (const auto& property : store.all()) {
        const std::string_view key = property.key;
        if (key.substr(0, kPrefix.size()) != kPrefix) continue;  // a variable
        const auto rest = key.substr(kPrefix.size());
        if (rest.find('.') == std::string_view::npos) {
            collect_global(rest, property, out, diagnostics);
        } else {
            collect_worker_property(rest, property, store, out, diagnostics);
        }
    }
    add_prefix_templates(store, out, diagnostics);
    return out;
}

}  // namespace ajpgate::config
