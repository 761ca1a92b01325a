#include "config/workers_parser.hpp"

#include <algorithm>
#include <map>

#include "config/lb_members.hpp"
#include "config/worker_build.hpp"
#include "config/worker_definitions.hpp"
#include "config/worker_settings.hpp"

namespace ajpgate::config {

namespace {

// mod_jk's name for the one worker it maps when worker.list is not set.
constexpr std::string_view kDefaultWorker = "ajp13";

std::string invented_note(const std::string& name) {
    return "mod_jk invents an ajp13 worker '" + name + "' on localhost:8009 with every default";
}

// Instantiates the workers of worker.list and the lb members they pull in.
class ConfigBuilder {
public:
    ConfigBuilder(const WorkerDefinitions& definitions, Diagnostics& diagnostics)
        : definitions_(definitions), diagnostics_(diagnostics) {}

    // `announced`: the caller has already said this worker is invented (no worker.list).
    void add_mapped(const std::string& name, const Origin& where, bool announced = false);
    void warn_unused() const;
    WorkersConfig finish(std::vector<std::string> mapped, std::chrono::seconds maintain);

private:
    std::optional<WorkerType> type_of(const WorkerDefinition& definition);
    std::optional<std::size_t> ensure_ajp13(const WorkerDefinition& definition);
    void add_lb(const WorkerDefinition& definition);
    std::optional<std::size_t> member_index(const LbWorker& lb, const std::string& member,
                                            const Origin& where);
    void note_mounts(const WorkerSettings& settings);

    const WorkerDefinitions& definitions_;
    Diagnostics& diagnostics_;
    std::map<std::string, std::optional<WorkerType>, std::less<>> types_;
    std::map<std::string, std::size_t, std::less<>> ajp13_index_;
    std::vector<Ajp13Worker> ajp13_;
    std::vector<LbWorker> lb_;
    std::vector<StatusWorker> status_;
    std::vector<WorkerMount> mounts_;  // of every worker built; finish() keeps the mapped ones
};

std::optional<WorkerType> ConfigBuilder::type_of(const WorkerDefinition& definition) {
    if (const auto it = types_.find(definition.name); it != types_.end()) return it->second;
    std::optional<WorkerType> type = WorkerType::ajp13;  // mod_jk's default
    if (const auto& setting = definition.get(PropertyId::type)) {
        const auto parsed = parse_property_value(property_spec(PropertyId::type),
                                                 setting->pieces.back().value);
        type.reset();
        if (parsed.value) {
            type = std::get<WorkerType>(*parsed.value);
        } else {
            diagnostics_.error(setting->origin().file, setting->origin().line,
                               "worker '" + definition.name + "': " + parsed.check.message +
                                   " (mod_jk does not start either)");
        }
    }
    types_.emplace(definition.name, type);
    return type;
}

void ConfigBuilder::note_mounts(const WorkerSettings& settings) {
    const auto patterns = settings.get<std::vector<std::string>>(PropertyId::mount);
    const auto& origins = settings.item_origins(PropertyId::mount);
    for (std::size_t i = 0; i < patterns.size() && i < origins.size(); ++i) {
        mounts_.push_back({settings.name(), patterns[i], origins[i].file, origins[i].line});
    }
}

std::optional<std::size_t> ConfigBuilder::ensure_ajp13(const WorkerDefinition& definition) {
    if (const auto it = ajp13_index_.find(definition.name); it != ajp13_index_.end()) {
        return it->second;
    }
    const auto settings = WorkerSettings::parse(definition, WorkerType::ajp13, diagnostics_);
    ajp13_.push_back(build_ajp13_worker(settings, diagnostics_));
    note_mounts(settings);
    const auto& worker = ajp13_.back();
    // An lb whose type line is missing: mod_jk takes the default type, ajp13.
    const auto* members = definition.get(PropertyId::balance_workers);
    if (members != nullptr && definition.get(PropertyId::type) == nullptr) {
        diagnostics_.compat(members->origin().file, members->origin().line,
                            "worker '" + definition.name + "' has balance_workers but no type: "
                            "mod_jk makes it a plain ajp13 worker on " + worker.host + ":" +
                                std::to_string(worker.port) + " and ignores its members, and "
                                "so does ajpgate (add worker." + definition.name + ".type=lb)");
    }
    ajp13_index_.emplace(definition.name, ajp13_.size() - 1);
    return ajp13_.size() - 1;
}

void ConfigBuilder::add_mapped(const std::string& name, const Origin& where, bool announced) {
    const auto* definition = definitions_.find(name);
    const WorkerDefinition invented{name, "worker." + name, where, false, {}};
    if (definition == nullptr && announced) definition = &invented;
    if (definition == nullptr) {
        diagnostics_.compat(where.file, where.line,
                            "worker '" + name + "' in worker.list has no properties: " +
                                invented_note(name) + ", and so does ajpgate (a typo? define "
                                "worker." + name + ".host and .port, or fix the name)");
        definition = &invented;
    }
    const auto type = type_of(*definition);
    if (!type) return;
    switch (*type) {
        case WorkerType::ajp13: {
            const auto index = ensure_ajp13(*definition);
            if (index && ajp13_[*index].port == 0) {
                diagnostics_.warning(where.file, where.line,
                                     "worker '" + name + "' has port 0: it starts stopped");
            }
            break;
        }
        case WorkerType::lb:
            add_lb(*definition);
            break;
        case WorkerType::status: {
            const auto settings = WorkerSettings::parse(*definition, WorkerType::status,
                                                        diagnostics_);
            status_.push_back(build_status_worker(settings));
            note_mounts(settings);
            break;
        }
    }
}

std::optional<std::size_t> ConfigBuilder::member_index(const LbWorker& lb,
                                                       const std::string& member,
                                                       const Origin& where) {
    const std::string prefix = "lb '" + lb.name + "' member '" + member + "' ";
    const auto* definition = definitions_.find(member);
    const WorkerDefinition invented{member, "worker." + member, where, false, {}};
    if (definition == nullptr) {
        diagnostics_.compat(where.file, where.line,
                            prefix + "is not defined in workers.properties: " +
                                invented_note(member) + " and balances requests to it, and so "
                                "does ajpgate (a typo? define worker." + member + ".host and "
                                ".port, or fix the name)");
        definition = &invented;
    }
    const auto type = type_of(*definition);
    if (!type) return std::nullopt;
    if (*type != WorkerType::ajp13) {
        diagnostics_.error(where.file, where.line,
                           prefix + "is a " + to_string(*type) +
                               " worker: lb members must be ajp13 workers");
        return std::nullopt;
    }
    return ensure_ajp13(*definition);
}

void ConfigBuilder::add_lb(const WorkerDefinition& definition) {
    const auto settings = WorkerSettings::parse(definition, WorkerType::lb, diagnostics_);
    auto lb = build_lb_worker(settings);
    note_mounts(settings);
    const auto names = settings.get<std::vector<std::string>>(PropertyId::balance_workers);
    const auto& origins = settings.item_origins(PropertyId::balance_workers);
    if (names.empty()) {
        diagnostics_.error(definition.first_seen.file, definition.first_seen.line,
                           "lb worker '" + lb.name + "' has no balance_workers (mod_jk does not "
                           "start either)");
    }
    std::vector<Origin> listed_at;  // parallel to lb.members
    for (std::size_t i = 0; i < names.size() && i < origins.size(); ++i) {
        const auto index = member_index(lb, names[i], origins[i]);
        if (index && add_member(lb, ajp13_, *index, origins[i], diagnostics_)) {
            listed_at.push_back(origins[i]);
        }
    }
    validate_member_routes(lb, ajp13_, listed_at, diagnostics_);
    lb.route_index.rebuild(lb.members);
    lb_.push_back(std::move(lb));
}

void ConfigBuilder::warn_unused() const {
    for (const auto& definition : definitions_.workers) {
        if (definition.referenced || types_.count(definition.name) != 0) continue;
        diagnostics_.warning(definition.first_seen.file, definition.first_seen.line,
                             "worker '" + definition.name + "' is neither in worker.list nor an "
                             "lb member, nor referenced: ignored");
    }
}

WorkersConfig ConfigBuilder::finish(std::vector<std::string> mapped,
                                    std::chrono::seconds maintain) {
    std::vector<WorkerMount> in_effect;
    for (auto& mount : mounts_) {
        if (std::find(mapped.begin(), mapped.end(), mount.worker) != mapped.end()) {
            in_effect.push_back(std::move(mount));
            continue;
        }
        diagnostics_.compat(mount.file, mount.line,
                            "mount '" + mount.pattern + "' of worker '" + mount.worker +
                                "' is ignored: mod_jk reads worker.X.mount only for the workers "
                                "of worker.list, and so does ajpgate (add '" + mount.worker +
                                "' to worker.list, or use JkMount)");
    }
    return WorkersConfig(std::move(ajp13_), std::move(lb_), std::move(status_), std::move(mapped),
                         maintain, std::move(in_effect));
}

std::string first_source_name(const PropertySources& sources) {
    return sources.sources.empty() ? std::string() : sources.sources.front().name;
}

}  // namespace

std::optional<WorkersConfig> parse_workers(const PropertySources& sources,
                                           Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    const auto store = read_properties(sources, diagnostics);
    auto definitions = collect_workers(store, diagnostics);
    resolve_references(definitions, diagnostics);

    const auto global = WorkerSettings::parse_global(definitions, diagnostics);
    auto listed = global.get<std::vector<std::string>>(PropertyId::list);
    auto origins = global.item_origins(PropertyId::list);
    if (!definitions.list) {
        const Origin nowhere{first_source_name(sources), 0};
        const bool defined = definitions.find(kDefaultWorker) != nullptr;
        diagnostics.compat(nowhere.file, nowhere.line,
                           "worker.list is not set: mod_jk maps one worker named 'ajp13' (" +
                               std::string(defined ? "as defined here" : "on localhost:8009 with "
                                                                         "every default") +
                               "), and so does ajpgate (set worker.list to your workers)");
        listed.assign(1, std::string(kDefaultWorker));
        origins.assign(1, nowhere);
    }
    ConfigBuilder builder(definitions, diagnostics);
    std::vector<std::string> mapped;
    for (std::size_t i = 0; i < listed.size() && i < origins.size(); ++i) {
        if (std::find(mapped.begin(), mapped.end(), listed[i]) != mapped.end()) {
            diagnostics.warning(origins[i].file, origins[i].line,
                                "worker '" + listed[i] + "' is listed in worker.list twice");
            continue;
        }
        mapped.push_back(listed[i]);
        builder.add_mapped(listed[i], origins[i], !definitions.list);
    }
    builder.warn_unused();
    const auto maintain = global.get<std::chrono::seconds>(PropertyId::maintain);
    auto config = builder.finish(std::move(mapped), maintain);
    if (diagnostics.error_count() != errors_before) return std::nullopt;
    return config;
}

}  // namespace ajpgate::config
