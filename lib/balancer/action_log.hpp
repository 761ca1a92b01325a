// The status worker's last changes (update, reset, recover, drain), for the dashboard's "last
// admin actions": a small ring in shared memory, so every child shows the same list whichever
// one made the change. Each entry is guarded by its own sequence lock (seqlock.hpp): a reader
// never keeps a half-written line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "balancer/shared_text.hpp"

namespace ajpgate::balancer {

inline constexpr std::size_t kActionLogEntries = 16;

struct alignas(8) ActionEntry {
    std::uint32_t sequence;
    std::uint32_t reserved;
    std::int64_t at;  // unix seconds
    SharedText text;
};

struct alignas(8) ActionLog {
    std::uint64_t written;  // entries ever appended; the next goes to written % kActionLogEntries
    ActionEntry entries[kActionLogEntries];
};

// Appends one line (cut at kSharedTextMax bytes). Any process, any number at once.
void append_action(ActionLog& log, std::int64_t at_unix, std::string_view text) noexcept;

struct Action {
    std::int64_t at = 0;
    std::string text;
};
// Newest first; an entry being rewritten at that moment is left out.
std::vector<Action> read_actions(const ActionLog& log);

}  // namespace ajpgate::balancer
