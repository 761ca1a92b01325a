// cmd=dump: workers.properties as it was read at start-up, key=value in file order (list
// properties joined with ','), as mod_jk dumps it. mod_jk leaves out keys ending in
// ".secret"; ajpgate also leaves out any other line whose value holds a configured secret
// (a variable the secret was substituted from), so no answer ever carries one.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/properties_reader.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::status {

std::vector<std::pair<std::string, std::string>> dump_lines(const config::PropertyStore& store,
                                                            const config::WorkersConfig& workers);

}  // namespace ajpgate::status
