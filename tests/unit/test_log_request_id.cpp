// lib/log request ids: which values from the environment are taken, which source wins, and
// the ids of our own (format, uniqueness within a process, across threads and across seeds).
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "log/request_id.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate::log;

namespace {

std::string next_id(RequestIdGenerator& ids) {
    std::string out(RequestIdGenerator::length, '\0');
    ids.next(out.data());
    return out;
}

RequestIdGenerator::Seed seed_of(std::uint8_t fill) {
    RequestIdGenerator::Seed seed;
    seed.fill(fill);
    return seed;
}

void test_usable_ids(void**) {
    struct Case { std::string text; bool usable; };
    const Case cases[] = {
        {"ZmIwYzQ3NjE3MDAwAAAAAQ", true},           // mod_unique_id, httpd 2.4
        {"X4bc@gH-AAEAAA7vQ9sAAAAB", true},          // '@' and '-': mod_unique_id's alphabet
        {"V1+aF/8AAQEAAB==", true},                 // older mod_unique_id (+ / =)
        {"web1:1234.5_x", true},
        {std::string(max_request_id, 'a'), true},
        {std::string(max_request_id + 1, 'a'), false},
        {"", false},
        {"two words", false},                        // splits a log line's fields
        {"a]b", false}, {"a[b", false},              // closes JkLogFile's bracket
        {"quote\"d", false}, {"new\nline", false}, {"tab\t", false},
        {std::string("nul\0x", 5), false},
        {"caf\xc3\xa9", false},                      // beyond ASCII
        {"pct%41", false}, {"semi;colon", false}, {"a,b", false},
    };
    for (const auto& c : cases) {
        if (usable_request_id(c.text) != c.usable) fail_msg("usable_request_id(\"%s\") != %d", c.text.c_str(), c.usable);
    }
}

void test_source_order(void**) {
    struct Case { const char* environment; const char* inherited; RequestIdSource source; };
    const Case cases[] = {
        {"UNIQUE", "", RequestIdSource::environment},
        {"UNIQUE", "OLD", RequestIdSource::environment},  // mod_unique_id keeps it across redirects itself
        {"", "OLD", RequestIdSource::inherited},
        {"bad value", "OLD", RequestIdSource::inherited},
        {"bad value", "", RequestIdSource::generated},
        {"", "", RequestIdSource::generated},
        {"", "bad]inherited", RequestIdSource::generated},
    };
    for (const auto& c : cases) {
        if (choose_request_id(c.environment, c.inherited) != c.source) {
            fail_msg("choose_request_id(\"%s\", \"%s\")", c.environment, c.inherited);
        }
    }
}

void test_attribute_names(void**) {
    struct Case { const char* name; AttributeName verdict; };
    const Case cases[] = {
        {"JK_REQUEST_ID", AttributeName::usable}, {"ajpgate.request-id", AttributeName::usable},
        {"a", AttributeName::usable}, {"", AttributeName::bad_characters},
        {"has$dollar", AttributeName::bad_characters}, {"two words", AttributeName::bad_characters},
        {"regex.*", AttributeName::bad_characters}, {"a|b", AttributeName::bad_characters},
        {"AJP_REMOTE_PORT", AttributeName::reserved}, {"AJP_LOCAL_ADDR", AttributeName::reserved},
        {"AJP_SSL_PROTOCOL", AttributeName::reserved}, {"JK_LB_ACTIVATION", AttributeName::reserved},
        {"jk_lb_activation", AttributeName::usable},  // Tomcat compares names case-sensitively
    };
    for (const auto& c : cases) {
        if (check_request_id_attribute(c.name) != c.verdict) fail_msg("check_request_id_attribute(\"%s\")", c.name);
    }
    assert_int_equal(static_cast<int>(check_request_id_attribute(std::string(max_request_id + 1, 'a'))),
                     static_cast<int>(AttributeName::bad_characters));
}

void test_generated_format(void**) {
    // Bytes 00 10 83 / 10 51 87 / 20 92 8b are the alphabet's first twelve characters.
    const RequestIdGenerator::Seed seed = {0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b};
    RequestIdGenerator ids(seed);
    assert_string_equal(std::string(ids.prefix()).c_str(), "ABCDEFGHIJKL");
    assert_string_equal(next_id(ids).c_str(), "ABCDEFGHIJKLAAAAAAAA");
    assert_string_equal(next_id(ids).c_str(), "ABCDEFGHIJKLAAAAAAAB");
    for (int i = 2; i < 64; ++i) next_id(ids);
    assert_string_equal(next_id(ids).c_str(), "ABCDEFGHIJKLAAAAAABA");  // 64: the next digit
    RequestIdGenerator high(seed_of(0xff));
    const std::string id = next_id(high);
    assert_string_equal(id.c_str(), "____________AAAAAAAA");
    // Every id is usable wherever an id from the environment is.
    assert_true(usable_request_id(id));
    assert_int_equal(id.size(), RequestIdGenerator::length);
    RequestIdGenerator dashes({0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe});
    assert_string_equal(std::string(dashes.prefix()).c_str(), "------------");
}

void test_unique_within_a_process(void**) {
    RequestIdGenerator ids(seed_of(7));
    std::set<std::string> seen;
    for (int i = 0; i < 100000; ++i) {
        const std::string id = next_id(ids);
        if (!seen.insert(id).second) fail_msg("id %s repeated after %d ids", id.c_str(), i);
        if (id.compare(0, RequestIdGenerator::prefix_length, ids.prefix()) != 0) fail_msg("id %s lost the prefix", id.c_str());
    }
}

void test_unique_across_threads(void**) {
    RequestIdGenerator ids(seed_of(9));
    constexpr int threads = 4, per_thread = 20000;
    std::vector<std::vector<std::string>> made(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) made[t].push_back(next_id(ids));
        });
    }
    for (auto& w : workers) w.join();
    std::set<std::string> all;
    for (const auto& list : made) all.insert(list.begin(), list.end());
    assert_int_equal(all.size(), threads * per_thread);
}

void test_seeds_make_prefixes(void**) {
    // Each seed byte reaches the prefix: processes with different random bits never share ids.
    std::set<std::string> prefixes;
    for (std::size_t byte = 0; byte < RequestIdGenerator::Seed{}.size(); ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            RequestIdGenerator::Seed seed{};
            seed[byte] = static_cast<std::uint8_t>(1u << bit);
            prefixes.insert(std::string(RequestIdGenerator(seed).prefix()));
        }
    }
    prefixes.insert(std::string(RequestIdGenerator(RequestIdGenerator::Seed{}).prefix()));
    assert_int_equal(prefixes.size(), RequestIdGenerator::Seed{}.size() * 8 + 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usable_ids),
        cmocka_unit_test(test_source_order),
        cmocka_unit_test(test_attribute_names),
        cmocka_unit_test(test_generated_format),
        cmocka_unit_test(test_unique_within_a_process),
        cmocka_unit_test(test_unique_across_threads),
        cmocka_unit_test(test_seeds_make_prefixes),
    };
    return cmocka_run_group_tests_name("log_request_id", tests, nullptr, nullptr);
}
