// Atomic access to one field of the shared state (lb_state.hpp, ajp_state.hpp), which is
// plain data so that it can live in shared memory: every access goes through std::atomic_ref.
// Relaxed loads and stores are enough for counters, load values and settings copied under a
// seqlock; state transitions use compare_exchange on shared().
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>

namespace ajpgate::balancer {

template <typename T> std::atomic_ref<T> shared(T& field) noexcept { return std::atomic_ref<T>(field); }

template <typename T> T load_relaxed(const T& field) noexcept {
    return std::atomic_ref<T>(const_cast<T&>(field)).load(std::memory_order_relaxed);
}

template <typename T, typename V> void store_relaxed(T& field, V value) noexcept {
    std::atomic_ref<T>(field).store(static_cast<T>(value), std::memory_order_relaxed);
}

// Adds without wrapping: a counter that would overflow stays at its maximum (a display must
// never fall back to small numbers, and an lb value must never make a busy member look idle).
template <typename T> void saturating_add(T& field, std::uint64_t amount) noexcept {
    auto ref = shared(field);
    T old = ref.load(std::memory_order_relaxed);
    T next;
    do {
        next = old > std::numeric_limits<T>::max() - amount ? std::numeric_limits<T>::max() : static_cast<T>(old + amount);
    } while (!ref.compare_exchange_weak(old, next, std::memory_order_relaxed));
}

// Raises a high-water mark (max_busy, max_connected) to `value` if that is higher.
template <typename T> void raise_max(T& max_field, T value) noexcept {
    auto ref = shared(max_field);
    T seen = ref.load(std::memory_order_relaxed);
    while (value > seen && !ref.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

}  // namespace ajpgate::balancer
