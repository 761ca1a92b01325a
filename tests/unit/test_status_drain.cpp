// cmd=drain in lib/status (status_drain.hpp): its parameters and their messages, the checks
// it shares with update (target, read-only, cross-site), its status codes, and what the JSON
// and the HTML page show of a drain in progress.
#include <cstdlib>
#include <string>
#include <variant>

#include "status/status_access.hpp"
#include "status/status_drain.hpp"
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

std::string error_of(std::string_view query, const config::StatusWorker& settings = jkstatus()) {
    const status::StatusRequest request = status::parse_status_request(query);
    return status::request_error(golden_page(), request, settings, false).value_or("none");
}

status::DrainView migrating() {
    status::DrainView d;
    d.started_at = 1'700'000'000;
    d.progress.mode = balancer::DrainMode::migrate;
    d.progress.stopped = true;
    d.progress.elapsed_s = 12;
    d.progress.route_requests_recent = 3;
    d.progress.since_last_route_s = 1;
    d.progress.idle_s = 1;
    d.progress.drain_idle_s = 30;
    d.progress.rebinds = 5;
    return d;
}

status::MemberView& member_named(status::StatusPage& page, std::string_view name) {
    for (auto& m : std::get<status::LbView>(page.workers.front()).members) {
        if (m.ajp.name == name) return m;
    }
    fail();
    std::abort();
}

void test_parameters_defaults_and_messages(void**) {
    auto order = status::parse_drain_order(status::parse_status_request("cmd=drain&w=lb&sw=a_ok")).order;
    assert_true(order && order->mode == balancer::DrainMode::drain && order->drain_idle == std::chrono::seconds(30));
    order = status::parse_drain_order(status::parse_status_request("cmd=drain&w=lb&sw=a_ok&mode=migrate&drain_idle=0"))
                .order;
    assert_true(order && order->mode == balancer::DrainMode::migrate && order->drain_idle == std::chrono::seconds(0));
    order = status::parse_drain_order(status::parse_status_request("cmd=drain&w=lb&sw=a_ok&drain_idle=86400")).order;
    assert_true(order && order->drain_idle == std::chrono::seconds(86400));
    const std::string idle_message = "drain_idle must be a whole number of seconds from 0 to 86400";
    for (const char* idle : {"86401", "-1", "", "30s", "1e3", "9999999999"}) {
        assert_string_equal(error_of(std::string("cmd=drain&w=lb&sw=a_ok&drain_idle=") + idle).c_str(),
                            idle_message.c_str());
    }
    assert_string_equal(error_of("cmd=drain&w=lb&sw=a_ok&mode=stop").c_str(), "mode must be drain or migrate");
    assert_string_equal(error_of("cmd=drain&w=lb").c_str(), "sw must name the member to drain");
    assert_string_equal(error_of("cmd=drain&w=lb&sw=a_ok&mode=migrate&drain_idle=2").c_str(), "none");
}

void test_target_read_only_and_cross_site_as_for_update(void**) {
    assert_string_equal(error_of("cmd=drain&w=lb&sw=nobody").c_str(), status::messages::kUnknownSubWorker.data());
    assert_string_equal(error_of("cmd=drain&w=nolb&sw=a_ok").c_str(), status::messages::kUnknownWorker.data());
    assert_string_equal(error_of("cmd=drain&w=solo&sw=a_ok").c_str(), status::messages::kNoSubWorkers.data());
    assert_string_equal(error_of("cmd=drain&w=lb&sw=a_*").c_str(), status::messages::kWildcardNotAllowed.data());
    assert_string_equal(error_of("cmd=drain&sw=a_ok").c_str(), status::messages::kNoWorker.data());
    config::StatusWorker read_only = jkstatus();
    read_only.read_only = true;
    assert_string_equal(error_of("cmd=drain&w=lb&sw=a_ok", read_only).c_str(), status::messages::kReadOnly.data());
    assert_string_equal(error_of("cmd=drain&w=lb&sw=a_ok&opt=32").c_str(), status::messages::kReadOnly.data());
    assert_true(status::changes_state(status::Command::drain));
    assert_true(status::refused_as_cross_site(status::Command::drain, {"cross-site", std::nullopt, "http://h:80"}));
    assert_false(status::refused_as_cross_site(status::Command::drain, {std::nullopt, std::nullopt, "http://h:80"}));
    assert_true(status::parse_command("drain") == status::Command::drain);
    assert_string_equal(std::string(status::to_string(status::Command::drain)).c_str(), "drain");
}

void test_answers_and_status_codes(void**) {
    const status::StatusPage page = golden_page();
    const auto ok = render(page, jkstatus(), "cmd=drain&mime=json&w=lb&sw=a_ok");
    assert_int_equal(ok.status, 200);
    assert_true(ok.body.find("\"balancers\"") == std::string::npos);  // an action answers its result only
    assert_true(ok.body.find("\"type\":\"OK\"") != std::string::npos);
    const auto unknown = render(page, jkstatus(), "cmd=drain&mime=json&w=lb&sw=x",
                                std::string(status::messages::kUnknownSubWorker));
    assert_int_equal(unknown.status, 404);
    assert_int_equal(render(page, jkstatus(), "cmd=drain&mime=json&w=lb&sw=a_ok", std::string(status::messages::kReadOnly))
                         .status, 403);
    assert_int_equal(render(page, jkstatus(), "cmd=drain&mime=json&w=lb&sw=a_ok&mode=x", "mode must be drain or migrate")
                         .status, 400);
    assert_int_equal(render(page, jkstatus(), "cmd=drain&mime=json&w=lb&sw=a_ok",
                            std::string(status::messages::kDrainFailed)).status, 409);
    // HTML: back to the page it came from after the usual few seconds.
    const auto html = render(page, jkstatus(), "cmd=drain&w=lb&sw=a_ok&from=show&psw=a_ok");
    assert_true(html.body.find("url=/jkstatus?cmd=show&amp;w=lb&amp;sw=a_ok") != std::string::npos);
}

void test_json_and_html_show_a_drain_in_progress(void**) {
    status::StatusPage page = golden_page();
    std::string json = render(page, jkstatus(), "mime=json").body;
    assert_true(json.find("\"drain\"") == std::string::npos);
    member_named(page, "a_ok").drain = migrating();
    json = render(page, jkstatus(), "mime=json").body;
    const std::string expected =
        "\"drain\":{\"mode\":\"migrate\",\"phase\":\"migrating\",\"started_at\":1700000000,\"elapsed_seconds\":12,"
        "\"in_flight\":0,\"route_requests_recent\":3,\"route_window_seconds\":10,"
        "\"seconds_since_last_route_request\":1,\"idle_seconds\":1,\"drain_idle_seconds\":30,\"stopped\":true,"
        "\"drained\":false,\"drained_after_seconds\":null,\"rebinds\":5}";
    assert_true(json.find(expected) != std::string::npos);
    assert_int_equal(json.find("\"drain\":"), json.rfind("\"drain\":"));  // only the member being drained
    const std::string html = render(page, jkstatus(), "").body;
    assert_true(html.find("<p class=\"drain\">Drain of <b>a_ok</b>: migrate: migrating for 12 s; in flight 0; 3 "
                          "requests with its route in the last 10 s, the last 1 s ago; idle 1 of 30 s; 5 sessions "
                          "re-bound</p>") != std::string::npos);
    status::DrainView done = migrating();
    done.progress.drained = true;
    done.progress.drained_after_s = 40;
    done.progress.since_last_route_s = -1;
    assert_string_equal(status::drain_summary(done).c_str(),
                        "migrate: drained after 40 s; in flight 0; 3 requests with its route in the last 10 s; "
                        "idle 1 of 30 s; 5 sessions re-bound");
    assert_true(status::drain_json(done).find("\"seconds_since_last_route_request\":null") != std::string::npos);
    assert_true(status::drain_json(done).find("\"drained_after_seconds\":40") != std::string::npos);
}

void test_the_log_line(void**) {
    const status::DrainOrder order{balancer::DrainMode::migrate, std::chrono::seconds(2)};
    assert_string_equal(status::drain_change_text("jkstatus", "lb", "was1", order, "ACT").c_str(),
                        "Status worker 'jkstatus' draining sub worker 'was1' of lb worker 'lb' (mode migrate, "
                        "drain_idle 2 s): changing 'activation' from 'ACT' to 'DIS'");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameters_defaults_and_messages),
        cmocka_unit_test(test_target_read_only_and_cross_site_as_for_update),
        cmocka_unit_test(test_answers_and_status_codes),
        cmocka_unit_test(test_json_and_html_show_a_drain_in_progress),
        cmocka_unit_test(test_the_log_line),
    };
    return cmocka_run_group_tests(tests, setup_utc, nullptr);
}
