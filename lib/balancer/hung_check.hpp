// Telling a hung member from a slow request. A request waiting for the first packet of its
// answer longer than `after` asks whether the member is alive:
// - it answered something (a whole response, or a CPONG) within the last `after`: it is
//   alive and this request is merely slow: keep waiting, nothing extra on the wire;
// - another request's probe found it hung within the last `after`, with no answer since:
//   it is hung, without a second probe;
// - otherwise probe it: a CPING on a new connection, waiting `probe_timeout` for the CPONG.
// A hung verdict ends the attempt (Failure::backend_hung: the member goes into error, the
// request goes elsewhere if the policy allows); an alive one waits `after` more, then asks
// again. So with the defaults (2 s, 2 s) no request waits more than about 4 s on a member
// that stopped (a JVM in a long GC pause, SIGSTOP, a deadlock, a listener that accepts and
// never answers), while a member that answers its CPING keeps its slow requests as long as
// reply_timeout allows. The answers and verdicts live in the worker's shared slot, so every
// httpd child knows them.
#pragma once

#include <chrono>
#include <cstdint>

#include "balancer/ajp_state.hpp"
#include "balancer/lb_state.hpp"

namespace ajpgate::balancer {

struct HungCheckSettings {
    std::chrono::milliseconds after{2000};          // zero: never check (mod_jk's behaviour)
    std::chrono::milliseconds probe_timeout{2000};  // the probe's wait for its CPONG
    bool enabled() const noexcept { return after.count() > 0; }
};

enum class Liveness : std::uint8_t {
    alive,  // answered recently: keep waiting
    probe,  // nothing known: CPING it now
    hung,   // found hung recently, no answer since
};

Liveness assess_liveness(const AjpSlot& slot, Micros now, std::chrono::milliseconds after) noexcept;

// A whole response or a CPONG came from the worker (clears a hung verdict).
void record_answer(AjpSlot& slot, Micros now) noexcept;
// A probe got no CPONG in time.
void record_hung(AjpSlot& slot, Micros now) noexcept;

}  // namespace ajpgate::balancer
