// lib/status cmd=dump lines: file order, joined lists, and never a secret.
#include <string>

#include "config/workers_parser.hpp"
#include "status/status_dump.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate;

namespace {

void test_dump_keeps_order_and_hides_secrets(void**) {
    config::PropertySources sources;
    sources.sources.push_back(config::PropertySource::from_text("workers.properties",
                                                                "pw=s3cr3t-value\n"
                                                                "worker.list=lb\n"
                                                                "worker.lb.type=lb\n"
                                                                "worker.lb.balance_workers=a\n"
                                                                "worker.lb.balance_workers=b\n"
                                                                "worker.a.host=127.0.0.1\n"
                                                                "worker.a.secret=$(pw)\n"
                                                                "worker.b.port=8010\n"
                                                                "worker.lb.Secret_note=x\n"));
    config::Diagnostics diags;
    const auto store = config::read_properties(sources, diags);
    config::Diagnostics parse_diags;
    auto workers = config::parse_workers(
        [] {
            config::PropertySources s;
            s.sources.push_back(config::PropertySource::from_text("w",
                                                                  "worker.list=lb\nworker.lb.type=lb\n"
                                                                  "worker.lb.balance_workers=a,b\nworker.a.secret=s3cr3t-value\n"
                                                                  "worker.b.port=8010\n"));
            return s;
        }(),
        parse_diags);
    assert_true(workers.has_value());
    const auto lines = status::dump_lines(store, *workers);
    std::string text;
    for (const auto& [k, v] : lines) text += k + "=" + v + "\n";
    assert_string_equal(text.c_str(),
                        "worker.list=lb\n"
                        "worker.lb.type=lb\n"
                        "worker.lb.balance_workers=a,b\n"
                        "worker.a.host=127.0.0.1\n"
                        "worker.b.port=8010\n"
                        "worker.lb.Secret_note=x\n");
    assert_true(text.find("s3cr3t") == std::string::npos);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_keeps_order_and_hides_secrets),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
