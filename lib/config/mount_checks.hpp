// A URI map's rules checked against the worker model: the questions of uri_checks.hpp answered
// by WorkersConfig. Run at start-up and after each JkMountFile reload.
#pragma once

#include "config/diagnostic.hpp"
#include "config/uri_checks.hpp"
#include "config/uri_map.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::config {

// The catalog answers from `workers`, which must outlive it.
WorkerCatalog catalog_of(const WorkersConfig& workers);

// Every rule of `map`, static and file rules alike.
void check_map_workers(const UriMap& map, const WorkersConfig& workers, Diagnostics& diags);

}  // namespace ajpgate::config
