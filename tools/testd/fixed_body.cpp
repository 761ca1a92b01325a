#include "testd/fixed_body.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "testd/sha256.hpp"

namespace ajpgate::testd {

namespace {

// The alphabet repeated: a body is copied out of it a run at a time. A byte-by-byte loop cost
// ~5 instructions per byte, which made ajp-testd the slowest part of a 64 KiB benchmark.
constexpr std::size_t pattern_size = 26 * 320;  // more than one packet's body chunk

const std::array<std::uint8_t, pattern_size>& pattern() {
    static const auto table = [] {
        std::array<std::uint8_t, pattern_size> bytes{};
        for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = fixed_body_byte(i);
        return bytes;
    }();
    return table;
}

}  // namespace

void fill_fixed_body(std::span<std::uint8_t> out, std::uint64_t offset) noexcept {
    const auto& table = pattern();
    for (std::size_t done = 0; done < out.size();) {
        const auto start = static_cast<std::size_t>((offset + done) % 26);
        const std::size_t take = std::min(out.size() - done, table.size() - start);
        std::memcpy(out.data() + done, table.data() + start, take);
        done += take;
    }
}

namespace {

std::string hash_fixed_body(std::uint64_t size) {
    Sha256 hash;
    const auto& block = pattern();  // a multiple of 26 bytes: every block of the body is the same
    for (std::uint64_t done = 0; done < size;) {
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - done));
        hash.update(std::span<const std::uint8_t>(block.data(), take));
        done += take;
    }
    return to_hex(hash.finish());
}

}  // namespace

std::string fixed_body_sha256(std::uint64_t size) {
    // Every response of a benchmark run has the same size: hash it once per thread, not per
    // response (64 KiB of SHA-256 is a million instructions).
    thread_local std::uint64_t cached_size = 0;
    thread_local std::string cached;
    if (!cached.empty() && cached_size == size) return cached;
    cached = hash_fixed_body(size);
    cached_size = size;
    return cached;
}

}  // namespace ajpgate::testd
