// Short text (a route, a host name) in shared memory that one process may rewrite while
// others read it. Stored as 64-bit words read and written through std::atomic_ref, so a
// concurrent reader sees each word whole (never a data race); a reader that must see the
// text whole reads it inside a SettingsSeqlock read (seqlock.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ajpgate::balancer {

inline constexpr std::size_t kSharedTextWords = 32;
// Longest text a SharedText holds (one byte stays for the terminating NUL).
inline constexpr std::size_t kSharedTextMax = kSharedTextWords * 8 - 1;

struct SharedText {
    std::uint64_t words[kSharedTextWords];
};

// Stores `text` (cut at kSharedTextMax bytes; callers check the length first).
void store_text(SharedText& target, std::string_view text) noexcept;
std::string load_text(const SharedText& source);

}  // namespace ajpgate::balancer
