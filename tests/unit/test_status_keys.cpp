// The status worker's key tables (lib/status/status_keys.cpp): conf/status-keys.md, the
// reference scripts are written against, must not drift from them; and within a section each
// format names each value once. AJPG_REGENERATE=1 rewrites conf/status-keys.md.
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "status/status_keys.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate::status::keys;

const std::string kReference = std::string(AJPG_SOURCE_DIR) + "/conf/status-keys.md";

void test_reference_matches_tables(void**) {
    const std::string expected = render_reference();
    if (const char* regenerate = std::getenv("AJPG_REGENERATE"); regenerate && std::string(regenerate) == "1") {
        std::ofstream(kReference, std::ios::binary) << expected;
    }
    std::ifstream in(kReference, std::ios::binary);
    std::ostringstream committed;
    committed << in.rdbuf();
    if (committed.str() != expected) {
        fail_msg("conf/status-keys.md differs from lib/status/status_keys.cpp: "
                 "run AJPG_REGENERATE=1 tests/unit/test_status_keys in the build directory");
    }
}

template <class Item>
void expect_unique_names(const Section<Item>& section) {
    std::set<std::string_view> prop, txt, xml;
    for (const auto& part : section.parts) {
        for (const Field<Item>& field : part) {
            assert_false(field.prop.empty() && field.txt.empty() && field.xml.empty());
            assert_non_null(field.value);
            if (!field.prop.empty()) assert_true(prop.insert(field.prop).second);
            if (!field.txt.empty()) assert_true(txt.insert(field.txt).second);
            if (!field.xml.empty()) assert_true(xml.insert(field.xml).second);
        }
    }
}

void test_each_name_once(void**) {
    expect_unique_names(kServer);
    expect_unique_names(kTime);
    expect_unique_names(kSoftware);
    expect_unique_names(kBalancerCount);
    expect_unique_names(kAjpCount);
    expect_unique_names(kBalancer);
    expect_unique_names(kMember);
    expect_unique_names(kAjp);
    expect_unique_names(kMap);
    expect_unique_names(kResult);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_matches_tables),
        cmocka_unit_test(test_each_name_once),
    };
    return cmocka_run_group_tests_name("status_keys", tests, nullptr, nullptr);
}
