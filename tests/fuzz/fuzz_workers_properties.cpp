// libFuzzer target: arbitrary bytes as workers.properties (plus one
// JkWorkerProperty line taken from the end of the input) through the whole
// pipeline: reader, substitution, references, table, model and validation.
// Beyond "no crash", it checks the model's invariants whenever parsing succeeds.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/workers_parser.hpp"

namespace {

using namespace ajpgate::config;

// Deterministic environments: names starting with 'E' resolve in the process
// environment, names starting with 'X' in httpd's table.
std::optional<std::string> fake_env(std::string_view name, char first, const char* value) {
    if (!name.empty() && name.front() == first) return std::string(value);
    return std::nullopt;
}

void check(bool condition) {
    if (!condition) __builtin_trap();
}

void check_model(const WorkersConfig& config) {
    for (const auto& name : config.mapped_workers()) check(config.find(name).has_value());
    for (const auto& lb : config.lb_workers()) {
        check(!lb.members.empty());
        for (const auto& member : lb.members) {
            check(member.worker < config.ajp13_workers().size());
            check(member.lbfactor >= 1);
        }
    }
    for (const auto& worker : config.ajp13_workers()) {
        check(worker.port >= 0 && worker.port <= 65535);
        check(worker.max_packet_size >= 8192 && worker.max_packet_size <= 65536 &&
              worker.max_packet_size % 1024 == 0);
        check(!worker.route.empty());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto split = input.rfind('\n');
    PropertySources sources;
    const auto file = input.substr(0, split == std::string_view::npos ? size : split);
    sources.sources.push_back(PropertySource::from_text("workers.properties", std::string(file)));
    if (split != std::string_view::npos) {
        sources.sources.push_back(
            PropertySource::from_text("JkWorkerProperty", std::string(input.substr(split + 1))));
    }
    sources.process_env = [](std::string_view name) { return fake_env(name, 'E', "env"); };
    sources.extra_env = [](std::string_view name) { return fake_env(name, 'X', "$(E)"); };
    Diagnostics diagnostics;
    const auto config = parse_workers(sources, diagnostics);
    check(config.has_value() != diagnostics.has_errors());
    for (const auto& d : diagnostics.all()) check(!d.message.empty());
    if (config) check_model(*config);
    return 0;
}
