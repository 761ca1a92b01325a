#include "config/worker_settings.hpp"

#include "config/property_lenient.hpp"

namespace ajpgate::config {

namespace {

unsigned scope_of(WorkerType type) {
    switch (type) {
        case WorkerType::ajp13: return scope_ajp13;
        case WorkerType::lb: return scope_lb;
        case WorkerType::status: return scope_status;
    }
    return 0;
}

std::string inherited_note(const WorkerSetting& setting) {
    if (setting.inherited_from.empty()) return {};
    return " (inherited from " + setting.inherited_from + ")";
}

// Appends the items of one list piece to the accumulated list value.
void append_items(PropertyValue& into, PropertyValue&& piece) {
    if (auto* names = std::get_if<std::vector<std::string>>(&into)) {
        auto& more = std::get<std::vector<std::string>>(piece);
        names->insert(names->end(), more.begin(), more.end());
    } else {
        auto& codes = std::get<std::vector<int>>(into);
        auto& more = std::get<std::vector<int>>(piece);
        codes.insert(codes.end(), more.begin(), more.end());
    }
}

std::size_t item_count(const PropertyValue& value) {
    if (const auto* names = std::get_if<std::vector<std::string>>(&value)) return names->size();
    return std::get<std::vector<int>>(value).size();
}

}  // namespace

void WorkerSettings::parse_one(const PropertySpec& spec, const WorkerSetting& setting,
                               Diagnostics& diagnostics) {
    std::optional<PropertyValue> result;
    auto& origins = items_[index(spec.id)];
    for (const auto& piece : setting.pieces) {
        auto parsed = parse_property_value(spec, piece.value);
        const std::string context =
            global_ ? "worker." + std::string(spec.name) + ": "
                    : "worker '" + name_ + "' " + std::string(spec.name) + inherited_note(setting) +
                          ": ";
        if (parsed.check.kind == CheckResult::Kind::error) {
            auto reading = read_like_mod_jk(spec, piece.value);
            if (!reading) {
                diagnostics.error(piece.origin.file, piece.origin.line,
                                  context + parsed.check.message);
                return;
            }
            diagnostics.compat(piece.origin.file, piece.origin.line,
                               context + parsed.check.message + "; mod_jk reads it as " +
                                   reading->shown + ", and so does ajpgate (correct the value)");
            parsed.value = std::move(reading->value);
        }
        if (parsed.check.kind == CheckResult::Kind::warning) {
            diagnostics.warning(piece.origin.file, piece.origin.line,
                                context + parsed.check.message);
        }
        const std::size_t before = result ? item_count(*result) : 0;
        if (!result) {
            result = std::move(*parsed.value);
        } else {
            append_items(*result, std::move(*parsed.value));
        }
        if (is_list_type(spec.type)) {
            origins.resize(origins.size() + item_count(*result) - before, piece.origin);
        } else {
            origins.assign(1, piece.origin);
        }
    }
    values_[index(spec.id)] = std::move(result);
}

WorkerSettings WorkerSettings::parse(const WorkerDefinition& definition, WorkerType type,
                                     Diagnostics& diagnostics) {
    WorkerSettings out;
    out.name_ = definition.name;
    for (const auto& spec : property_table()) {
        const auto& setting = definition.get(spec.id);
        if (!setting || spec.deprecation != Deprecation::none) continue;
        // type was read to choose `type`; reference was applied by resolve_references.
        if (spec.id == PropertyId::type || spec.id == PropertyId::reference) continue;
        const Origin& where = setting->origin();
        if ((spec.scope & scope_of(type)) == 0) {
            if (spec.id == PropertyId::balance_workers) {
                // Without any type the worker builder reports it: it knows the address the
                // worker ends up with.
                if (definition.get(PropertyId::type) != nullptr) {
                    diagnostics.compat(where.file, where.line,
                                       "worker '" + definition.name + "' has balance_workers "
                                       "but is of type " + to_string(type) + ": mod_jk ignores "
                                       "them, and so does ajpgate (remove them, or set worker." +
                                           definition.name + ".type=lb)");
                }
            } else {
                diagnostics.warning(where.file, where.line,
                                    "'" + std::string(spec.name) + "'" + inherited_note(*setting) +
                                        " has no effect on " + to_string(type) + " worker '" +
                                        definition.name + "'");
            }
            continue;
        }
        out.parse_one(spec, *setting, diagnostics);
    }
    return out;
}

WorkerSettings WorkerSettings::parse_global(const WorkerDefinitions& definitions,
                                            Diagnostics& diagnostics) {
    WorkerSettings out;
    out.global_ = true;
    if (definitions.list) {
        out.parse_one(property_spec(PropertyId::list), *definitions.list, diagnostics);
    }
    if (definitions.maintain) {
        out.parse_one(property_spec(PropertyId::maintain), *definitions.maintain, diagnostics);
    }
    return out;
}

const Origin* WorkerSettings::origin(PropertyId id) const {
    const auto& origins = items_[index(id)];
    return origins.empty() ? nullptr : &origins.back();
}

}  // namespace ajpgate::config
