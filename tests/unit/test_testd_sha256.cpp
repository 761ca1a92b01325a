// Unit tests of ajp-testd's SHA-256 (FIPS 180-2 vectors, block boundaries, streaming)
// and of the fixed-body generator whose digest travels in X-Body-Sha256.
#include <string>
#include <string_view>
#include <vector>

#include "testd/fixed_body.hpp"
#include "testd/sha256.hpp"

#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {  // cmocka.h wraps only part of its declarations in extern "C"
#include <cmocka.h>
}

using namespace ajpgate::testd;

namespace {

struct Vector {
    std::string input;
    const char* digest;
};

void fips_vectors(void**) {
    const Vector vectors[] = {
        // FIPS 180-2 appendix B.1, B.2, B.3
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
        // the empty message and the 896-bit message of the NIST examples
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
         "nopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (const auto& v : vectors) assert_string_equal(sha256_hex(v.input).c_str(), v.digest);
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    return s;
}

// Lengths around the 55/56/64-byte padding boundaries (digests from Python's hashlib).
const Vector boundary_vectors[] = {
    {pattern(1), "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
    {pattern(55), "595615dbe4f0f407ae397d08b4c2cb870cb9b0e11937416f950c5160acf9c005"},
    {pattern(56), "784f623b787495078e93ff28a25b581df0584055a7e71d8cd90c454716b92f51"},
    {pattern(63), "5ca3e1ef5207490eac01a795e5cc94d59582a5118bf9534665c8668d87aa647c"},
    {pattern(64), "2fcd5a0d60e4c941381fcc4e00a4bf8be422c3ddfafb93c809e8d1e2bfffae8e"},
    {pattern(65), "1b3cd1877ab2f2f19f7be001722554f336cb799df0329de0bb4c118dc6abc06d"},
    {pattern(119), "faef67da856d6fd9c8d12f9ed0a4fefd3cf0ce085ab43e2907418d457e3c354b"},
    {pattern(120), "c9512b08619c19fbb503c7da6b46ef20301e5f7a7a5f43989182398536f5c5c8"},
};

void padding_boundaries(void**) {
    for (const auto& v : boundary_vectors) assert_string_equal(sha256_hex(v.input).c_str(), v.digest);
}

// Every split of the input into two updates, and byte-by-byte, gives the one-shot digest.
void streaming_equals_one_shot(void**) {
    const std::string input = pattern(130);
    const std::string expected = sha256_hex(input);
    for (std::size_t split = 0; split <= input.size(); ++split) {
        Sha256 hash;
        hash.update(std::string_view(input).substr(0, split));
        hash.update(std::string_view(input).substr(split));
        assert_string_equal(to_hex(hash.finish()).c_str(), expected.c_str());
    }
    Sha256 bytewise;
    for (const char c : input) bytewise.update(std::string_view(&c, 1));
    assert_string_equal(to_hex(bytewise.finish()).c_str(), expected.c_str());
}

void reset_starts_over(void**) {
    Sha256 hash;
    hash.update(std::string_view("something else"));
    hash.reset();
    hash.update(std::string_view("abc"));
    assert_string_equal(to_hex(hash.finish()).c_str(),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

void hex_encoding(void**) {
    const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff, 0x5c};
    assert_string_equal(to_hex(bytes).c_str(), "000fa0ff5c");
    assert_string_equal(to_hex({}).c_str(), "");
}

void fixed_body_content_and_digest(void**) {
    std::vector<std::uint8_t> out(30);
    fill_fixed_body(out, 0);
    assert_memory_equal(out.data(), "abcdefghijklmnopqrstuvwxyzabcd", 30);
    fill_fixed_body(out, 25);  // offsets continue the pattern across chunks
    assert_memory_equal(out.data(), "zabcdefghijklmnopqrstuvwxyzabc", 30);
    for (const auto& v : boundary_vectors) {
        assert_string_equal(fixed_body_sha256(v.input.size()).c_str(), v.digest);
    }
    assert_string_equal(fixed_body_sha256(0).c_str(),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Larger than the generator's internal block (1664 bytes), not a multiple of it.
    assert_string_equal(fixed_body_sha256(100000).c_str(),
                        "bc634ceb27746878af610424e3afd5024f31e06f1f3479deda6cb33a21258bf7");
    assert_string_equal(fixed_body_sha256(1664).c_str(),
                        "8fc7daab2b6db5ecf0d160149b2b1ff63f2112ebc65c9e877d76be5be2a6d960");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fips_vectors),
        cmocka_unit_test(padding_boundaries),
        cmocka_unit_test(streaming_equals_one_shot),
        cmocka_unit_test(reset_starts_over),
        cmocka_unit_test(hex_encoding),
        cmocka_unit_test(fixed_body_content_and_digest),
    };
    return cmocka_run_group_tests_name("testd_sha256", tests, nullptr, nullptr);
}
