// Groups raw worker.* properties by worker, checks property names against the
// table (did-you-mean hints), maps deprecated names onto their successors and
// resolves worker.X.reference inheritance. Values are still text here.
#pragma once

#include <utility>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/properties_reader.hpp"
#include "config/property_table.hpp"

namespace ajpgate::config {

inline constexpr int max_reference_depth = 20;  // as mod_jk

// One property as set on a worker, or inherited through `reference`.
struct WorkerSetting {
    std::vector<RawPiece> pieces;
    std::string inherited_from;  // key prefix it came from (worker.base); empty when set here
    std::string joined() const;
    const Origin& origin() const { return pieces.back().origin; }
};

struct WorkerDefinition {
    std::string name;
    // The key prefix its properties are written under: worker.<name>; for a template that a
    // reference names by another prefix (reference=template.x), that prefix.
    std::string prefix;
    Origin first_seen;
    bool referenced = false;  // some worker copies from it (a template)
    // Sparse: a worker sets a handful of the table's properties.
    std::vector<std::pair<PropertyId, WorkerSetting>> settings;

    const WorkerSetting* get(PropertyId id) const;
    WorkerSetting* get(PropertyId id) {
        return const_cast<WorkerSetting*>(static_cast<const WorkerDefinition*>(this)->get(id));
    }
    void set(PropertyId id, WorkerSetting setting);
};

struct WorkerDefinitions {
    std::vector<WorkerDefinition> workers;  // in order of first appearance
    std::optional<WorkerSetting> list;      // worker.list
    std::optional<WorkerSetting> maintain;  // worker.maintain
    std::unordered_map<std::string, std::size_t> by_name;  // index into workers

    const WorkerDefinition* find(std::string_view name) const;
    WorkerDefinition* find(std::string_view name);
};

// Groups the worker.* keys by worker. A reference that is not worker.<a defined worker>
// names a key prefix, as in mod_jk: the keys under it become a template definition named
// "<prefix>." (no worker name ends in '.').
WorkerDefinitions collect_workers(const PropertyStore& store, Diagnostics& diagnostics);

// The template definition's name for a reference value that is a plain key prefix.
inline std::string template_name(std::string_view reference) {
    return std::string(reference) + ".";
}

// Copies each referenced worker's settings into the referencing worker where it
// has none; nested references first. Loops and chains deeper than
// max_reference_depth are errors naming the chain.
void resolve_references(WorkerDefinitions& definitions, Diagnostics& diagnostics);

}  // namespace ajpgate::config
