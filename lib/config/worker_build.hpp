// Typed settings -> one worker of the model, with mod_jk's derived defaults.
#pragma once

#include "config/diagnostic.hpp"
#include "config/worker_model.hpp"
#include "config/worker_settings.hpp"

namespace ajpgate::config {

Ajp13Worker build_ajp13_worker(const WorkerSettings& settings, Diagnostics& diagnostics);

// Everything of an lb but its members, which need the other workers.
LbWorker build_lb_worker(const WorkerSettings& settings);

StatusWorker build_status_worker(const WorkerSettings& settings);

}  // namespace ajpgate::config
