// Prints the workers.properties reference generated from the property table:
//   ajpgate-properties --markdown   the README's reference section
//   ajpgate-properties --sample     conf/workers.properties.sample
//   ajpgate-properties --policy     the README's retry and failover table
// scripts/update-docs.sh writes both; a unit test fails when the committed copies drift.
#include <cstdio>
#include <cstring>
#include <string>

#include "balancer/request_policy.hpp"
#include "config/property_table.hpp"

int main(int argc, char** argv) {
    std::string out;
    if (argc == 2 && !std::strcmp(argv[1], "--markdown")) {
        out = ajpgate::config::render_properties_markdown();
    } else if (argc == 2 && !std::strcmp(argv[1], "--policy")) {
        out = ajpgate::balancer::render_policy_markdown();
    } else if (argc == 2 && !std::strcmp(argv[1], "--sample")) {
        out = ajpgate::config::render_properties_sample();
    } else {
        std::fprintf(stderr, "usage: %s --markdown | --sample | --policy\n", argv[0]);
        return 2;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
