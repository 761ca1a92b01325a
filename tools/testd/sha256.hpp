// SHA-256 (FIPS 180-4), streaming. ajp-testd hashes request and response bodies so
// tests can compare what was sent with what arrived without shipping the bytes back.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ajpgate::testd {

class Sha256 {
public:
    using Digest = std::array<std::uint8_t, 32>;

    Sha256() noexcept { reset(); }

    void reset() noexcept;
    void update(std::span<const std::uint8_t> data) noexcept;
    void update(std::string_view data) noexcept;
    // Pads and returns the digest; the object must be reset() before reuse.
    Digest finish() noexcept;

private:
    void compress(const std::uint8_t* block) noexcept;

    std::array<std::uint32_t, 8> state_{};
    std::array<std::uint8_t, 64> block_{};
    std::size_t block_used_ = 0;
    std::uint64_t total_bytes_ = 0;
};

// Lower-case hex of any byte string (64 characters for a digest).
std::string to_hex(std::span<const std::uint8_t> bytes);

// One-shot convenience: lower-case hex digest of `data`.
std::string sha256_hex(std::span<const std::uint8_t> data);
std::string sha256_hex(std::string_view data);

}  // namespace ajpgate::testd
