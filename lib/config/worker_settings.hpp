// The typed settings of one instantiated worker: every property it sets parsed
// through the table, checked against the worker's type, with the table's
// defaults behind the ones it does not set.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/property_parse.hpp"
#include "config/worker_definitions.hpp"

namespace ajpgate::config {

class WorkerSettings {
public:
    // Parses `definition` as a worker of `type`, reporting bad values (read as mod_jk
    // reads them, with a compatibility warning, or errors where mod_jk refuses them too)
    // and properties the type does not use (warnings; balance_workers on a worker whose
    // type is set to something else than lb is a compatibility warning naming the fix).
    static WorkerSettings parse(const WorkerDefinition& definition, WorkerType type,
                                Diagnostics& diagnostics);

    // The global keys (worker.list, worker.maintain), parsed the same way.
    static WorkerSettings parse_global(const WorkerDefinitions& definitions,
                                       Diagnostics& diagnostics);

    const std::string& name() const noexcept { return name_; }
    bool is_set(PropertyId id) const { return values_[index(id)].has_value(); }

    // The value set on the worker, else the table's literal default, else T{}.
    template <class T>
    T get(PropertyId id) const {
        if (const auto& value = values_[index(id)]) {
            if (const auto* typed = std::get_if<T>(&*value)) return *typed;
        }
        if (const auto fallback = default_value(property_spec(id))) {
            if (const auto* typed = std::get_if<T>(&*fallback)) return *typed;
        }
        return T{};
    }

    // Where a property was written (the last line for scalars); nullptr when unset.
    const Origin* origin(PropertyId id) const;
    // For list properties: the line each item came from, parallel to the items.
    const std::vector<Origin>& item_origins(PropertyId id) const { return items_[index(id)]; }

private:
    static std::size_t index(PropertyId id) { return static_cast<std::size_t>(id); }
    void parse_one(const PropertySpec& spec, const WorkerSetting& setting,
                   Diagnostics& diagnostics);

    std::string name_;
    bool global_ = false;
    std::array<std::optional<PropertyValue>, property_count> values_;
    std::array<std::vector<Origin>, property_count> items_;
};

}  // namespace ajpgate::config
