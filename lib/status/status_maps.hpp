// The URI rules the status worker lists under a worker (mod_jk's display_map): every rule of
// a server's map that names the worker, or excludes for every worker ("*"), in the order
// mod_jk lists them, with mod_jk's spellings of match type and source.
#pragma once

#include <string_view>
#include <vector>

#include "config/uri_map.hpp"
#include "status/status_model.hpp"

namespace ajpgate::status {

std::vector<MapEntry> describe_maps(const config::UriMap& map, std::string_view worker, std::string_view server);

}  // namespace ajpgate::status
