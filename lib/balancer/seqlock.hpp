// A sequence lock over a counter in shared memory, for settings the status worker edits and
// every httpd child copies: the writer makes the counter odd while it writes and even (and
// larger) when done; a reader copies the settings and keeps the copy only when the counter was
// the same even value before and after. Each child compares the counter with the one of its
// copy to know when to copy again (one relaxed load per request).
//
// A process that dies while writing leaves the counter odd: readers give up after a bounded
// number of tries (and keep their old copy), and the next writer takes the lock over after a
// bounded wait, so nothing spins for ever.
#pragma once

#include <atomic>
#include <cstdint>

namespace ajpgate::balancer {

class SettingsSeqlock {
public:
    explicit SettingsSeqlock(std::uint32_t& counter) noexcept : counter_(counter) {}

    // The current value (even when no write is under way).
    std::uint32_t sequence() const noexcept { return counter_.load(std::memory_order_acquire); }

    // Writer side: exclusive against other writers in any process.
    void lock_for_write() noexcept;
    void unlock_after_write() noexcept;

    // Reader side: `read` copies the settings; true when the copy is consistent, and then
    // `sequence_out` is the sequence it belongs to.
    template <typename Read>
    bool read(Read&& read_fields, std::uint32_t& sequence_out) const {
        for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
            const std::uint32_t before = counter_.load(std::memory_order_acquire);
            if (before & 1u) {
                pause();
                continue;
            }
            read_fields();
            std::atomic_thread_fence(std::memory_order_acquire);
            if (counter_.load(std::memory_order_relaxed) == before) {
                sequence_out = before;
                return true;
            }
        }
        return false;
    }

private:
    static constexpr int kReadAttempts = 10000;
    static void pause() noexcept;
    std::atomic_ref<std::uint32_t> counter_;
};

// RAII writer.
class SettingsWrite {
public:
    explicit SettingsWrite(std::uint32_t& counter) noexcept : lock_(counter) { lock_.lock_for_write(); }
    ~SettingsWrite() { lock_.unlock_after_write(); }
    SettingsWrite(const SettingsWrite&) = delete;
    SettingsWrite& operator=(const SettingsWrite&) = delete;

private:
    SettingsSeqlock lock_;
};

}  // namespace ajpgate::balancer
