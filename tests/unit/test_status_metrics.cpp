// The metrics formats over the golden page (status_golden_page.hpp): mime=prometheus writes
// each family once with its samples together, escapes label values, counts histograms
// cumulatively; mime=json types its values, escapes text, and nests an ajp worker's maps;
// both answer errors with a status code while mod_jk's formats keep 200.
#include <map>
#include <sstream>
#include <string>
#include <variant>

#include "status/status_messages.hpp"
#include "status_golden_page.hpp"
#include "test_status_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate;
using namespace status_test;

status::MemberView& first_member(status::StatusPage& page) {
    return std::get<status::LbView>(page.workers.front()).members.front();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

void test_prometheus_families_appear_once_with_their_samples_together(void**) {
    const status::StatusPage page = golden_page();
    const auto answer = render(page, jkstatus(), "mime=prometheus");
    assert_string_equal(answer.content_type.c_str(), "text/plain; version=0.0.4; charset=utf-8");
    assert_int_equal(answer.status, 200);
    std::map<std::string, int> types;
    std::string family;
    std::istringstream lines(answer.body);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("# TYPE ")) {
            family = line.substr(7, line.find(' ', 7) - 7);
            ++types[family];
        } else if (!line.starts_with("#")) {
            // A sample belongs to the family declared last (histograms add their suffixes).
            assert_true(line.starts_with(family));
        }
    }
    for (const auto& [name, n] : types) {
        assert_int_equal(n, 1);
        assert_true(name.starts_with("ajpgate_"));
    }
    assert_int_equal(types.count("ajpgate_worker_requests_total"), 1);
    assert_int_equal(types.count("ajpgate_member_state"), 1);
}

void test_prometheus_escapes_labels_and_accumulates_buckets(void**) {
    status::StatusPage page = golden_page();
    status::MemberView& m = first_member(page);
    m.ajp.name = "we\"ird\\na\nme";
    auto& h = m.counters.metrics.latency[static_cast<std::size_t>(balancer::Latency::total)];
    h.counts[0] = 2;
    h.counts[3] = 5;
    h.counts[13] = 1;
    h.sum_us = 61'500'000;
    const std::string body = render(page, jkstatus(), "mime=prometheus").body;
    const std::string labels = "worker=\"we\\\"ird\\\\na\\nme\"";
    assert_int_equal(count(body, "\nme"), 0);  // no raw line feed inside a sample
    assert_true(count(body, "ajpgate_worker_request_duration_seconds_bucket{" + labels + ",le=\"0.005\"} 2\n") == 1);
    assert_true(count(body, "ajpgate_worker_request_duration_seconds_bucket{" + labels + ",le=\"0.025\"} 2\n") == 1);
    assert_true(count(body, "ajpgate_worker_request_duration_seconds_bucket{" + labels + ",le=\"0.05\"} 7\n") == 1);
    assert_true(count(body, "ajpgate_worker_request_duration_seconds_bucket{" + labels + ",le=\"60\"} 7\n") == 1);
    assert_true(count(body, "ajpgate_worker_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 8\n") == 1);
    assert_true(count(body, "ajpgate_worker_request_duration_seconds_count{" + labels + "} 8\n") == 1);
    assert_true(count(body, "ajpgate_worker_request_duration_seconds_sum{" + labels + "} 61.500000\n") == 1);
}

void test_json_types_values_and_escapes_text(void**) {
    status::StatusPage page = golden_page();
    first_member(page).route = "r\"1\\\x01";
    first_member(page).counters.total_used = 42;
    const auto answer = render(page, jkstatus(), "mime=json");
    assert_string_equal(answer.content_type.c_str(), "application/json");
    const std::string& body = answer.body;
    assert_true(body.starts_with("{\"server\":{"));
    assert_int_equal(count(body, "\"sticky_session\":true"), 1);
    assert_true(count(body, "\"route\":\"r\\\"1\\\\\\u0001\"") == 1);
    assert_true(count(body, "\"metrics\":{\"requests\":42,") == 1);
    assert_true(count(body, "\"port\":\"") == 0);  // ports are numbers
    assert_true(count(body, "\"balancer\":[{") == 1);
    // The standalone worker's maps are inside its object: "ajp":[{...,"map":[...]}].
    const auto ajp = body.find("\"ajp\":[{");
    assert_true(ajp != std::string::npos);
    assert_true(body.find("\"map\":[", ajp) != std::string::npos);
    for (char c : body.substr(0, body.size() - 1)) assert_true(static_cast<unsigned char>(c) >= 0x20);
}

void test_errors_have_status_codes_only_in_our_formats(void**) {
    const status::StatusPage page = golden_page();
    const std::string denied(status::messages::kAccessDenied);
    assert_int_equal(render(page, jkstatus(), "mime=json", denied).status, 403);
    assert_int_equal(render(page, jkstatus(), "mime=prometheus", denied).status, 403);
    assert_int_equal(render(page, jkstatus(), "mime=json", std::string(status::messages::kUnknownWorker)).status, 404);
    assert_int_equal(render(page, jkstatus(), "mime=json", std::string(status::messages::kResetFailed)).status, 409);
    assert_int_equal(render(page, jkstatus(), "mime=json", std::string(status::messages::kInvalidCommand)).status, 400);
    assert_int_equal(render(page, jkstatus(), "mime=xml", denied).status, 200);
    assert_int_equal(render(page, jkstatus(), "mime=prop", denied).status, 200);
    assert_true(status::mime_of_path("/jkstatus/metrics") == status::Mime::prometheus);
    assert_false(status::mime_of_path("/jkstatus/metrics/x").has_value());
    assert_false(status::mime_of_path("/jkstatus").has_value());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prometheus_families_appear_once_with_their_samples_together),
        cmocka_unit_test(test_prometheus_escapes_labels_and_accumulates_buckets),
        cmocka_unit_test(test_json_types_values_and_escapes_text),
        cmocka_unit_test(test_errors_have_status_codes_only_in_our_formats),
    };
    return cmocka_run_group_tests(tests, setup_utc, nullptr);
}
