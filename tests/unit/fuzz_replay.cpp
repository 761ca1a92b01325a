// One fuzz target's seed corpus, replayed through it once (no fuzzing, no libFuzzer, well
// under a second): the targets keep compiling in the normal build, and every input kept in
// the corpus, those that once found a bug above all, is checked by every test run. A broken
// check traps: the program stops without its summary, which scripts/test.sh counts as failed.
// Built once per target (fuzz_replay.am) with FUZZ_CORPUS, the corpus directory.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void test_every_seed_passes(void**) {
    std::vector<std::filesystem::path> seeds;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(FUZZ_CORPUS)) {
        if (entry.is_regular_file()) seeds.push_back(entry.path());
    }
    std::sort(seeds.begin(), seeds.end());
    assert_false(seeds.empty());
    for (const auto& seed : seeds) {
        std::ifstream in(seed, std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        assert_false(in.bad());
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    print_message("%zu seeds from %s\n", seeds.size(), FUZZ_CORPUS);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_seed_passes),
    };
    return cmocka_run_group_tests_name("fuzz_replay", tests, nullptr, nullptr);
}
