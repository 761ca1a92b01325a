#include "balancer/shared_text.hpp"

#include <algorithm>
#include <cstring>

namespace ajpgate::balancer {

void store_text(SharedText& target, std::string_view text) noexcept {
    const std::size_t length = std::min(text.size(), kSharedTextMax);
    for (std::size_t w = 0; w < kSharedTextWords; ++w) {
        std::uint64_t word = 0;
        const std::size_t from = w * 8;
        if (from < length) std::memcpy(&word, text.data() + from, std::min<std::size_t>(8, length - from));
        std::atomic_ref<std::uint64_t>(target.words[w]).store(word, std::memory_order_relaxed);
    }
}

std::string load_text(const SharedText& source) {
    char bytes[kSharedTextWords * 8];
    for (std::size_t w = 0; w < kSharedTextWords; ++w) {
        const std::uint64_t word =
            std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(source.words[w])).load(std::memory_order_relaxed);
        std::memcpy(bytes + w * 8, &word, 8);
    }
    return std::string(bytes, ::strnlen(bytes, kSharedTextMax));
}

}  // namespace ajpgate::balancer
