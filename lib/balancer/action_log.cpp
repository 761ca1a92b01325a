#include "balancer/action_log.hpp"

#include <algorithm>

#include "balancer/seqlock.hpp"
#include "balancer/shared_field.hpp"

namespace ajpgate::balancer {

void append_action(ActionLog& log, std::int64_t at_unix, std::string_view text) noexcept {
    const std::uint64_t index = shared(log.written).fetch_add(1, std::memory_order_acq_rel);
    ActionEntry& entry = log.entries[index % kActionLogEntries];
    SettingsWrite write(entry.sequence);
    store_relaxed(entry.at, at_unix);
    store_text(entry.text, text.substr(0, kSharedTextMax));
}

std::vector<Action> read_actions(const ActionLog& log) {
    const std::uint64_t written = load_relaxed(log.written);
    const std::uint64_t count = std::min<std::uint64_t>(written, kActionLogEntries);
    std::vector<Action> out;
    for (std::uint64_t i = 0; i < count; ++i) {
        const ActionEntry& entry = log.entries[(written - 1 - i) % kActionLogEntries];
        Action action;
        std::uint32_t sequence = 0;
        const auto read = [&] {
            action.at = load_relaxed(entry.at);
            action.text = load_text(entry.text);
        };
        // A slot reserved but not written yet reads as empty (sequence 0, no text): skip it.
        if (SettingsSeqlock(const_cast<std::uint32_t&>(entry.sequence)).read(read, sequence) && sequence > 0) {
            out.push_back(std::move(action));
        }
    }
    return out;
}

}  // namespace ajpgate::balancer
