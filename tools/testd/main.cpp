// ajp-testd: a scriptable AJP13 backend for tests and benchmarks (see --help).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "testd/cli_options.hpp"
#include "testd/server.hpp"

int main(int argc, char** argv) {
    using namespace ajpgate::testd;
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    ServerOptions options;
    std::string error;
    switch (parse_command_line(args, options, error)) {
    case CliOutcome::help:
        std::fputs(usage_text().c_str(), stdout);
        return 0;
    case CliOutcome::error:
        std::fprintf(stderr, "ajp-testd: %s\n", error.c_str());
        return 2;
    case CliOutcome::run:
        break;
    }
    return run_server(options);
}
