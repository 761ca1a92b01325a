// jkcheck --probe's verdicts (lib/check/probe_verdict): each way a member can answer maps to
// one rule (or none), at the worker's line, with a message that names the likely cause.
#include <string>
#include <vector>

#include "check/check_input.hpp"
#include "check/probe_verdict.hpp"
#include "check/rule_ids.hpp"
#include "check/rules.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <setjmp.h>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using namespace ajpgate::check;
namespace config = ajpgate::config;

namespace {

const char* kWorkers =
    "worker.list=was1\n"              // 1
    "worker.was1.type=ajp13\n"        // 2
    "worker.was1.host=10.0.0.7\n"     // 3
    "worker.was1.port=8009\n"         // 4
    "worker.was1.secret=s3cr3t\n";    // 5

std::vector<Finding> judge(const ProbeResult& r) {
    CheckInput in;
    config::PropertySources sources;
    sources.sources.push_back(config::PropertySource::from_text("workers.properties", kWorkers));
    in.workers = workers_side_of("workers.properties", std::move(sources));
    bind_nodes(in);
    assert_int_equal(in.bindings.size(), 1);
    std::vector<Finding> findings;
    judge_probe(in, in.bindings[0], r, findings);
    return findings;
}

ProbeResult answered(std::optional<std::uint16_t> status) {
    ProbeResult r;
    r.ping = ProbeResult::Ping::cpong;
    r.secret_sent = true;
    r.status = status;
    r.timeout = std::chrono::milliseconds(1500);
    return r;
}

void expect_one(const std::vector<Finding>& findings, const char* id, const char* phrase) {
    assert_int_equal(findings.size(), 1);
    const Finding& f = findings[0];
    assert_string_equal(f.id.c_str(), id);
    assert_string_equal(f.primary.file.c_str(), "workers.properties");
    assert_int_equal(f.primary.line, 3);  // worker.was1.host
    if (f.message.find(phrase) == std::string::npos) print_error("message: %s\n", f.message.c_str());
    assert_true(f.message.find(phrase) != std::string::npos);
    assert_true(f.message.find("worker 'was1' (10.0.0.7:8009)") == 0);
    assert_ptr_not_equal(find_rule(id), nullptr);
    assert_int_equal(static_cast<int>(f.severity), static_cast<int>(find_rule(id)->severity));
}

void test_a_member_that_answers_has_no_finding(void**) {
    for (std::uint16_t status : {200, 302, 404, 500}) assert_true(judge(answered(status)).empty());
}

void test_connect_failures_are_unreachable(void**) {
    ProbeResult r;
    r.connect = ProbeResult::Connect::refused;
    expect_one(judge(r), "JKC601", "connection was refused");
    r.connect = ProbeResult::Connect::timeout;
    expect_one(judge(r), "JKC601", "connect timed out");
    r.connect = ProbeResult::Connect::unresolved;
    expect_one(judge(r), "JKC601", "does not resolve");
}

void test_each_missing_cpong_names_its_cause(void**) {
    ProbeResult r = answered(std::nullopt);
    r.ping = ProbeResult::Ping::silent;
    expect_one(judge(r), "JKC602", "no CPONG within 1500 ms");
    r.ping = ProbeResult::Ping::not_ajp;
    expect_one(judge(r), "JKC602", "not AJP");
    r.ping = ProbeResult::Ping::closed;
    expect_one(judge(r), "JKC602", "closed the connection");
    r.ping = ProbeResult::Ping::other;
    expect_one(judge(r), "JKC602", "not CPONG");
}

void test_403_is_a_refused_secret(void**) {
    const std::vector<Finding> refused = judge(answered(403));
    expect_one(refused, "JKC603", "carrying the configured secret with 403");
    assert_true(refused[0].fix.find("worker.was1.secret") != std::string::npos);
    ProbeResult none = answered(403);
    none.secret_sent = false;
    expect_one(judge(none), "JKC603", "without a secret");
}

void test_a_request_without_an_answer_is_a_warning(void**) {
    ProbeResult r = answered(std::nullopt);
    r.failure = "backend_timeout";
    expect_one(judge(r), "JKC604", "the probe request failed: backend_timeout");
}

// The ids the module writes into its log lines are rules jkcheck --explain knows.
void test_the_module_log_notes_name_known_rules(void**) {
    for (const char* note : {rule_ids::no_cpong_note, rule_ids::refused_note}) {
        const std::string text(note);
        const std::string id = text.substr(text.find("JKC"), 6);
        assert_ptr_not_equal(find_rule(id), nullptr);
        assert_true(text.find("jkcheck --explain " + id) != std::string::npos);
    }
    assert_true(std::string(rule_ids::no_cpong_note).find("JKC602") != std::string::npos);
    assert_true(std::string(rule_ids::refused_note).find("JKC603") != std::string::npos);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_member_that_answers_has_no_finding),
        cmocka_unit_test(test_connect_failures_are_unreachable),
        cmocka_unit_test(test_each_missing_cpong_names_its_cause),
        cmocka_unit_test(test_403_is_a_refused_secret),
        cmocka_unit_test(test_a_request_without_an_answer_is_a_warning),
        cmocka_unit_test(test_the_module_log_notes_name_known_rules),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
