// Entry point: workers.properties (file and/or JkWorkerProperty lines) ->
// validated, immutable WorkersConfig. Every problem is reported in
// `diagnostics` with file and line; nullopt when any of them is an error.
//
// Deliberate differences from mod_jk (it silently guesses; we say so):
//  - a bad integer, boolean or choice value is an error (mod_jk uses the default);
//  - an lb member that is never defined is an error (mod_jk invents an ajp13
//    worker on localhost:8009, so a typo silently sends traffic there);
//  - a worker in worker.list without any property is an error, for the same reason;
//  - balance_workers on a worker that is not of type lb is an error naming the fix;
//  - an unknown property is an error with a "did you mean" hint (as mod_jk, plus the hint);
//  - a line without '=' is an error (mod_jk skips it);
//  - a property a worker's type does not use is a warning (mod_jk ignores it);
//  - '#' still starts a comment inside a value, as in mod_jk (a secret containing
//    '#' is cut there); a '#' glued to the value gets a warning.
#pragma once

#include <optional>

#include "config/diagnostic.hpp"
#include "config/properties_reader.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::config {

std::optional<WorkersConfig> parse_workers(const PropertySources& sources,
                                           Diagnostics& diagnostics);

}  // namespace ajpgate::config
