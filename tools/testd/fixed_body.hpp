// The deterministic body of mode=fixed: 'a'..'z' repeating from offset 0, so a test can
// rebuild any byte range (Python: bytes(97 + i % 26 for i in range(n))).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ajpgate::testd {

constexpr std::uint8_t fixed_body_byte(std::uint64_t offset) noexcept {
    return static_cast<std::uint8_t>('a' + offset % 26);
}

// Fills `out` with fixed-body bytes starting at body offset `offset`.
void fill_fixed_body(std::span<std::uint8_t> out, std::uint64_t offset) noexcept;

// SHA-256 hex of the fixed body of `size` bytes (what X-Body-Sha256 carries).
std::string fixed_body_sha256(std::uint64_t size);

}  // namespace ajpgate::testd
