// Linking an lb to its ajp13 members and the checks that span members.
#pragma once

#include <vector>

#include "config/diagnostic.hpp"
#include "config/properties_reader.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::config {

// Appends ajp13[index] to lb's members with its member properties (lbfactor,
// route, ...), the lb's secret when it has none, and activation stopped when
// its port is 0. A member listed twice is an error, as in mod_jk (returns false).
bool add_member(LbWorker& lb, const std::vector<Ajp13Worker>& ajp13, std::size_t index,
                const Origin& where, Diagnostics& diagnostics);

// Routes unique within the lb (an error, as in mod_jk); a redirect that names no route of the
// lb is a compatibility warning (mod_jk accepts it and never follows it).
// `listed_at[i]` is where member i was named in balance_workers.
void validate_member_routes(const LbWorker& lb, const std::vector<Ajp13Worker>& ajp13,
                            const std::vector<Origin>& listed_at, Diagnostics& diagnostics);

}  // namespace ajpgate::config
