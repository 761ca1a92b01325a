// mod_jk's good/degraded/bad rating of lb members (jk_status.c status_rate and
// status_get_rating), as bit masks:
//   a member's mask is its activation's byte (ACT 0x0000FF, DIS 0x00FF00, STP 0xFF0000)
//   ANDed with its state's bit repeated in every byte (OK 0x01, OK/IDLE 0x02, OK/BUSY 0x04,
//   ERR/REC, ERR/FRC and ERR/PRB 0x08, ERR 0x10);
//   a rating item "x" or "x.y" is the mask of letter x ANDed with the mask of letter y
//   (a d s: activations, o i/n b r e: states; unknown letters mask nothing);
//   good and bad are the ORs of their items; a member is bad if its mask meets bad, else
//   good if it meets good, else degraded.
// Parsing an item as mod_jk does: blanks and dots in front are skipped, the first letter
// counts, then everything up to the first '.', then only the letter right after it.
#include <cstdint>
#include <string_view>

#include "status/status_render.hpp"

namespace ajpgate::status {

namespace {

constexpr std::uint32_t kActive = 0x000000FF;
constexpr std::uint32_t kDisabled = 0x0000FF00;
constexpr std::uint32_t kStopped = 0x00FF0000;
constexpr std::uint32_t kOk = 0x00010101;
constexpr std::uint32_t kIdle = 0x00020202;
constexpr std::uint32_t kBusy = 0x00040404;
constexpr std::uint32_t kRecover = 0x00080808;
constexpr std::uint32_t kError = 0x00101010;
// "a.o,a.i,a.b,a.r" and "s,e": mod_jk's JK_STATUS_MASK_GOOD_DEF and _BAD_DEF.
constexpr std::uint32_t kGoodDefault = 0x0000000F;
constexpr std::uint32_t kBadDefault = 0x00FF1010;

std::uint32_t letter_mask(char letter) noexcept {
    switch (letter) {
    case 'a': case 'A': return kActive;
    case 'd': case 'D': return kDisabled;
    case 's': case 'S': return kStopped;
    case 'o': case 'O': return kOk;
    case 'i': case 'I': case 'n': case 'N': return kIdle;
    case 'b': case 'B': return kBusy;
    case 'r': case 'R': return kRecover;
    case 'e': case 'E': return kError;
    default: return 0;
    }
}

std::uint32_t item_mask(std::string_view item) noexcept {
    std::size_t at = item.find_first_not_of(" \t.");
    if (at == std::string_view::npos) {
        return 0;  // mod_jk reads the terminating NUL: no letter, no mask
    }
    std::uint32_t mask = letter_mask(item[at]);
    at = item.find('.', at);
    if (at != std::string_view::npos && at + 1 < item.size()) {
        mask &= letter_mask(item[at + 1]);
    }
    return mask;
}

std::uint32_t list_mask(const std::vector<std::string>& items, std::uint32_t fallback) noexcept {
    if (items.empty()) {
        return fallback;
    }
    std::uint32_t mask = 0;
    for (const std::string& item : items) {
        mask |= item_mask(item);
    }
    return mask;
}

std::uint32_t activation_mask(std::string_view activation) noexcept {
    if (activation == "ACT") return kActive;
    if (activation == "DIS") return kDisabled;
    if (activation == "STP") return kStopped;
    return 0;
}

std::uint32_t state_mask(std::string_view state) noexcept {
    if (state == "OK") return kOk;
    if (state == "OK/IDLE") return kIdle;
    if (state == "OK/BUSY") return kBusy;
    if (state == "ERR") return kError;
    if (state == "ERR/REC" || state == "ERR/FRC" || state == "ERR/PRB") return kRecover;
    return 0;
}

}  // namespace

int rate_member(const MemberView& member, const config::StatusWorker& settings) {
    const std::uint32_t mask = activation_mask(member.activation) & state_mask(member.state);
    if (mask & list_mask(settings.bad, kBadDefault)) {
        return -1;
    }
    return (mask & list_mask(settings.good, kGoodDefault)) ? 1 : 0;
}

}  // namespace ajpgate::status
