// The shared liveness record of an ajp13 worker (hung_check.hpp).
#include "balancer/hung_check.hpp"

#include "balancer/shared_field.hpp"

namespace ajpgate::balancer {

Liveness assess_liveness(const AjpSlot& slot, Micros now, std::chrono::milliseconds after) noexcept {
    const std::int64_t answered = load_relaxed(slot.last_answer_us);
    const std::int64_t hung = load_relaxed(slot.hung_since_us);
    const std::int64_t window = after.count() * 1000;
    const std::int64_t t = now.count();
    if (hung != 0 && hung >= answered && t - hung < window) return Liveness::hung;
    if (answered != 0 && t - answered < window) return Liveness::alive;
    return Liveness::probe;
}

void record_answer(AjpSlot& slot, Micros now) noexcept {
    // Every answer of every child lands here: skip the store (and the cache line bouncing
    // between processes) while the recorded time is still fresh to the millisecond.
    const std::int64_t t = now.count();
    if (t - load_relaxed(slot.last_answer_us) >= 1000) store_relaxed(slot.last_answer_us, t);
}

void record_hung(AjpSlot& slot, Micros now) noexcept { store_relaxed(slot.hung_since_us, now.count()); }

}  // namespace ajpgate::balancer
