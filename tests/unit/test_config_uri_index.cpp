// lib/config UriIndex through UriMap::match: on random rule sets (a small alphabet, so that
// patterns collide, overlap and tie on every precedence key), the indexed lookup gives the
// same winner as a first-match scan of the sorted mounts followed by the exclusion check; and
// a map of 100,000 rules of one sort key builds fast and keeps its shadowing warnings.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "config/uri_map.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using namespace ajpgate::config;

namespace {

// What UriMap::match did before the index: scan, then exclusions.
const UriRule* scan(const UriMap& map, std::string_view path) {
    const UriRule* winner = nullptr;
    for (const UriRule* rule : map.mounts()) {
        if (rule->matches(path)) {
            winner = rule;
            break;
        }
    }
    if (winner == nullptr) return nullptr;
    for (const UriRule* rule : map.exclusions()) {
        if ((rule->worker == kAnyWorker || rule->worker == winner->worker) && rule->matches(path)) return nullptr;
    }
    return winner;
}

std::string random_text(std::mt19937& rng, bool pattern) {
    static const char* const kPieces[] = {"/", "/a", "/b", "/ab", "a", ".jsp", ".j", "sp", "/a/"};
    static const char* const kWild[] = {"*", "?"};
    std::string out = "/";
    const int pieces = static_cast<int>(rng() % 5);
    for (int i = 0; i < pieces; ++i) {
        if (pattern && rng() % 4 == 0) {
            out += kWild[rng() % 10 < 8 ? 0 : 1];  // mostly one-star patterns, some general
        } else {
            out += kPieces[rng() % 9];
        }
    }
    if (pattern && rng() % 5 == 0) out = "*" + out.substr(1);  // a suffix rule: "*.jsp"
    return out;
}

UriMap random_map(std::mt19937& rng, Diagnostics& diags) {
    static const char* const kWorkers[] = {"w1", "w2", "w3"};
    std::vector<UriRule> statics;
    std::vector<UriRule> files;
    const int count = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < count; ++i) {
        const RuleSource source = static_cast<RuleSource>(rng() % 3);
        std::string pattern = random_text(rng, true);
        const bool exclusion = rng() % 6 == 0;
        if (exclusion) pattern = "!" + pattern;
        if (rng() % 20 == 0) pattern = "-" + pattern;
        const std::string worker = exclusion && rng() % 3 == 0 ? "*" : kWorkers[rng() % 3];
        auto& into = source == RuleSource::uriworkermap ? files : statics;
        parse_rule(pattern, worker, {source, "rules", static_cast<std::size_t>(i + 1)}, false, diags, into);
    }
    return UriMap::build(std::move(statics), std::move(files), diags);
}

void test_index_agrees_with_a_scan_on_random_rule_sets(void**) {
    std::mt19937 rng(20261204);
    int matched = 0;
    int excluded_or_none = 0;
    for (int set = 0; set < 2000; ++set) {
        Diagnostics diags;
        const UriMap map = random_map(rng, diags);
        for (int q = 0; q < 60; ++q) {
            const std::string path = random_text(rng, false);
            const UriRule* want = scan(map, path);
            const UriRule* got = map.match(path);
            if (want != got) {
                print_error("set %d path %s: want %s got %s\n", set, path.c_str(),
                            want ? want->describe().c_str() : "none", got ? got->describe().c_str() : "none");
            }
            assert_ptr_equal(want, got);
            (want ? matched : excluded_or_none) += 1;
        }
    }
    // The sets must exercise both outcomes a lot, or the comparison proves little.
    assert_true(matched > 20000);
    assert_true(excluded_or_none > 20000);
}

void test_ties_go_to_the_source_then_the_order_given(void**) {
    Diagnostics diags;
    std::vector<UriRule> statics;
    std::vector<UriRule> files;
    parse_rule("/x/*", "mount", {RuleSource::worker_mount, "w", 1}, false, diags, statics);
    parse_rule("/x/*", "first", {RuleSource::jk_mount, "c", 2}, false, diags, statics);
    parse_rule("/x/*", "second", {RuleSource::jk_mount, "c", 3}, false, diags, statics);
    parse_rule("/y*.do", "jk", {RuleSource::jk_mount, "c", 4}, false, diags, statics);
    parse_rule("/y*.do", "file", {RuleSource::uriworkermap, "f", 1}, false, diags, files);
    const UriMap map = UriMap::build(std::move(statics), std::move(files), diags);
    assert_string_equal(map.match("/x/1")->worker.c_str(), "first");
    assert_string_equal(map.match("/yes.do")->worker.c_str(), "file");
    assert_null(map.match("/y.d"));
}

void test_a_hundred_thousand_rules_of_one_key_build_fast_and_warn(void**) {
    std::vector<UriRule> statics;
    Diagnostics diags;
    for (int i = 0; i < 100000; ++i) {
        char pattern[32];
        std::snprintf(pattern, sizeof pattern, "/c%06d/*", i);
        parse_rule(pattern, "w1", {RuleSource::jk_mount, "big.conf", static_cast<std::size_t>(i + 1)}, false, diags,
                   statics);
    }
    parse_rule("/c000007/*", "w2", {RuleSource::jk_mount, "big.conf", 100001}, false, diags, statics);
    const auto start = std::chrono::steady_clock::now();
    const UriMap map = UriMap::build(std::move(statics), {}, diags);
    const auto took = std::chrono::steady_clock::now() - start;
    // A pairwise check of one run of 100,001 rules took minutes; a generous bound for ASan.
    assert_true(took < std::chrono::seconds(20));
    assert_int_equal(diags.all().size(), 1);
    assert_true(diags.all()[0].message.find("/c000007/*=w2") != std::string::npos);
    assert_true(diags.all()[0].message.find("is shadowed by /c000007/*=w1") != std::string::npos);
    assert_string_equal(map.match("/c099999/x")->worker.c_str(), "w1");
    assert_null(map.match("/c1000000/x"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_agrees_with_a_scan_on_random_rule_sets),
        cmocka_unit_test(test_ties_go_to_the_source_then_the_order_given),
        cmocka_unit_test(test_a_hundred_thousand_rules_of_one_key_build_fast_and_warn),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
