// jkcheck --probe's network side: connects to one member with the module's own AJP code
// (lib/transport), sends a CPING and, when a CPONG comes back, one GET / carrying the
// member's secret. Records what happened; lib/check/probe_verdict.hpp judges it.
#pragma once

#include <chrono>
#include <string>

#include "check/probe_verdict.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::check {

// Needs apr_initialize() first.
ProbeResult probe_member(const config::Ajp13Worker& worker, const std::string& secret, std::chrono::milliseconds timeout);

}  // namespace ajpgate::check
