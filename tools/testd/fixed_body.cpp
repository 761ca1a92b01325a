#include "testd/fixed_body.hpp"

#include <algorithm>
#include <vector>

#include "testd/sha256.hpp"

namespace ajpgate::testd {

void fill_fixed_body(std::span<std::uint8_t> out, std::uint64_t offset) noexcept {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = fixed_body_byte(offset + i);
}

std::string fixed_body_sha256(std::uint64_t size) {
    Sha256 hash;
    std::vector<std::uint8_t> block(64 * 26);  // a multiple of 26: every block is the same bytes
    fill_fixed_body(block, 0);
    for (std::uint64_t done = 0; done < size;) {
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - done));
        hash.update(std::span<const std::uint8_t>(block.data(), take));
        done += take;
    }
    return to_hex(hash.finish());
}

}  // namespace ajpgate::testd
