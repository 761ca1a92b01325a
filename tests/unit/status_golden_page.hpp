// The StatusPage of tests/unit/data/status/capture.sh's configuration in the state the
// script drives mod_jk 1.2.48 into, built by hand, and the settings of its three status
// workers. The time-derived values (clock, ages, times to maintenance and recovery) are
// arbitrary here: the golden comparison normalises them on both sides.
#pragma once

#include "config/worker_model.hpp"
#include "status/status_model.hpp"

namespace status_test {

// server_name 127.0.0.1:18470; workers lb (10 members, one per state x activation reached),
// lbf (both members ERR/FRC), solo (ajp13); URI maps of the main server and one vhost.
ajpgate::status::StatusPage golden_page();

ajpgate::config::StatusWorker jkstatus();   // every default
ajpgate::config::StatusWorker jkstatus2();  // read_only, prefix st, ns/xmlns "-", doctype, good a, bad e,d.o
ajpgate::config::StatusWorker jkstatus3();  // user admin, ns st:, its own xmlns

}  // namespace status_test
