// The committed copies of what is generated from the property table must not drift from
// it: conf/workers.properties.sample and the README's workers.properties reference; nor the
// README's retry and failover table from the request policy.
// scripts/update-docs.sh regenerates both.
#include <fstream>
#include <sstream>
#include <string>

#include "balancer/request_policy.hpp"
#include "config/property_table.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

std::string read_source_file(const char* relative) {
    std::ifstream in(std::string(AJPG_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The README's text between the "<name>:begin" and "<name>:end" markers.
std::string readme_section(const std::string& name) {
    const std::string readme = read_source_file("README.md");
    const std::string begin = "<!-- " + name + ":begin -->\n", end = "<!-- " + name + ":end -->";
    const auto from = readme.find(begin);
    const auto to = readme.find(end);
    assert_true(from != std::string::npos && to != std::string::npos && from < to);
    return readme.substr(from + begin.size(), to - from - begin.size());
}

// Generated text as the README holds it: trailing newlines folded into one.
std::string as_section(std::string generated) {
    while (!generated.empty() && generated.back() == '\n') generated.pop_back();
    return generated + "\n";
}

void test_sample_matches_table(void**) {
    const std::string committed = read_source_file("conf/workers.properties.sample");
    if (committed != ajpgate::config::render_properties_sample()) {
        fail_msg("conf/workers.properties.sample differs from the property table: run scripts/update-docs.sh");
    }
}

void test_readme_reference_matches_table(void**) {
    if (readme_section("properties") != as_section(ajpgate::config::render_properties_markdown())) {
        fail_msg("README.md's workers.properties reference differs from the table: run scripts/update-docs.sh");
    }
}

// The README's retry and failover table is the request policy's own (balancer/policy_docs.cpp).
void test_readme_policy_matches_rules(void**) {
    if (readme_section("policy") != as_section(ajpgate::balancer::render_policy_markdown())) {
        fail_msg("README.md's retry and failover table differs from the request policy: run scripts/update-docs.sh");
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_matches_table),
        cmocka_unit_test(test_readme_reference_matches_table),
        cmocka_unit_test(test_readme_policy_matches_rules),
    };
    return cmocka_run_group_tests_name("generated_docs", tests, nullptr, nullptr);
}
