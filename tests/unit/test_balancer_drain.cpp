// Draining a member (balancer/drain.hpp) on the fake clock: every transition of the record
// (start, route requests and requests in flight keeping it busy, drained after drain_idle
// of both idle, a new route request starting the idle period again, migrate stopping the
// member, re-bindings counted), what the request path records, and the Set-Cookie reading.
#include "balancer/drain.hpp"
#include "balancer/journey.hpp"
#include "test_balancer_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace balancer_test;
using balancer::DrainMode;
using balancer::RuntimeActivation;

constexpr std::size_t was1 = 0;
constexpr std::size_t was2 = 1;

struct Drain {
    Setup setup{{{"was1"}, {"was2"}}};
    StateBuffer b{setup};

    balancer::DrainProgress at(long long s) { return balancer::drain_progress(b.view, was1, at_seconds(s)); }
    balancer::DrainEvents check(long long s) { return balancer::check_drain(b.view, was1, at_seconds(s)); }
    void route_request(long long s) { balancer::note_route_request(b.view, was1, at_seconds(s)); }
    RuntimeActivation activation() { return balancer::member_activation(b.view.member(was1)); }
    // Where the balancer sends a request (no session, or one of was1's sessions).
    std::size_t pick(std::string_view cookie = {}) {
        balancer::RequestContext request = cookie.empty() ? balancer::RequestContext{} : request_with_cookie(cookie);
        const balancer::Selection s = balancer::select_member(setup.lb, b.view, request);
        assert_true(s.member.has_value());
        return *s.member;
    }
};

void test_start_disables_at_once_new_sessions_go_elsewhere_sticky_ones_stay(void**) {
    Drain d;
    balancer::shared(d.b.view.member(was2).lb_value).store(40);
    assert_false(balancer::draining(d.b.view, was1));
    assert_true(balancer::start_drain(d.b.view, was1, DrainMode::drain, 30s, at_seconds(0)));
    assert_true(balancer::draining(d.b.view, was1));
    assert_int_equal(d.activation(), RuntimeActivation::disabled);
    assert_int_equal(d.b.view.member(was2).lb_value, 0);  // an activation change evens the load
    for (int i = 0; i < 20; ++i) assert_int_equal(d.pick(), was2);
    assert_int_equal(d.pick("JSESSIONID=abc.was1"), was1);
    const balancer::DrainProgress p = d.at(3);
    assert_int_equal(p.mode, DrainMode::drain);
    assert_int_equal(p.started.count(), at_seconds(0).count());
    assert_int_equal(p.elapsed_s, 3);
    assert_int_equal(p.drain_idle_s, 30);
    assert_int_equal(p.since_last_route_s, -1);
    assert_false(p.drained);
    assert_int_equal(p.drained_after_s, -1);
    assert_string_equal(std::string(balancer::drain_phase(p)).c_str(), "draining");
}

void test_bad_starts_are_refused_and_end_forgets_the_drain(void**) {
    Drain d;
    assert_false(balancer::start_drain(d.b.view, was1, DrainMode::none, 30s, at_seconds(0)));
    assert_false(balancer::start_drain(d.b.view, 2, DrainMode::drain, 30s, at_seconds(0)));
    assert_false(balancer::start_drain(d.b.view, was1, DrainMode::drain, 86401s, at_seconds(0)));
    assert_false(balancer::start_drain({}, was1, DrainMode::drain, 30s, at_seconds(0)));
    assert_int_equal(d.activation(), RuntimeActivation::active);
    assert_int_equal(d.at(1).mode, DrainMode::none);
    assert_false(d.check(1).drained);
    assert_true(balancer::start_drain(d.b.view, was1, DrainMode::drain, 86400s, at_seconds(0)));
    balancer::end_drain(d.b.view, was1);
    assert_false(balancer::draining(d.b.view, was1));
    assert_string_equal(std::string(balancer::drain_phase(d.at(1))).c_str(), "none");
}

void test_drained_after_drain_idle_of_nothing_in_flight_and_no_route_request(void**) {
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::drain, 30s, at_seconds(0));
    assert_false(d.check(1).drained);  // nothing was in flight: idle since the start
    assert_int_equal(d.at(29).idle_s, 29);
    assert_false(d.check(29).drained);
    const balancer::DrainEvents events = d.check(30);
    assert_true(events.drained);
    assert_false(events.stopped);
    const balancer::DrainProgress p = d.at(31);
    assert_true(p.drained);
    assert_int_equal(p.drained_after_s, 30);
    assert_string_equal(std::string(balancer::drain_phase(p)).c_str(), "drained");
    assert_false(d.check(32).drained);  // told once
    assert_int_equal(d.activation(), RuntimeActivation::disabled);  // drain never stops the member
}

void test_route_requests_keep_it_busy_and_a_new_one_starts_the_idle_period_again(void**) {
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::drain, 30s, at_seconds(0));
    d.check(1);
    d.route_request(5);
    d.route_request(5);
    d.route_request(12);
    balancer::DrainProgress p = d.at(13);
    assert_int_equal(p.route_requests_recent, 3);  // seconds 4..13
    assert_int_equal(p.since_last_route_s, 1);
    assert_int_equal(p.idle_s, 1);
    assert_int_equal(d.at(16).route_requests_recent, 1);  // 5 left the 10 s window
    assert_false(d.check(41).drained);
    assert_true(d.check(42).drained);
    d.route_request(50);  // a session came back: busy again
    p = d.at(60);
    assert_false(p.drained);
    assert_int_equal(p.idle_s, 10);
    assert_int_equal(p.drained_after_s, 42);  // the first time is kept
    assert_true(d.at(80).drained);
}

void test_a_request_in_flight_keeps_it_busy_however_long(void**) {
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::drain, 10s, at_seconds(0));
    balancer::begin_request(d.b.view, was1);  // e.g. a long upload begun before the drain
    for (int s = 1; s <= 100; s += 10) assert_false(d.check(s).drained);
    assert_int_equal(d.at(100).in_flight, 1);
    assert_int_equal(d.at(100).idle_s, 0);
    balancer::end_request(d.setup.lb, d.b.view, was1, balancer::Outcome::success, {}, at_seconds(100));
    assert_false(d.check(101).drained);  // quiet from this check
    assert_false(d.check(110).drained);
    assert_true(d.check(111).drained);
}

void test_a_pick_between_two_checks_starts_the_quiet_period_again(void**) {
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::drain, 10s, at_seconds(0));
    d.check(1);
    balancer::shared(d.b.view.member(was1).elected).fetch_add(1);  // came and went unseen
    d.check(9);
    assert_false(d.check(18).drained);
    assert_true(d.check(19).drained);
}

void test_drain_idle_zero_is_drained_as_soon_as_nothing_is_in_flight(void**) {
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::drain, 0s, at_seconds(0));
    assert_true(d.at(0).drained);
    assert_true(d.check(0).drained);
    Drain busy;
    balancer::begin_request(busy.b.view, was1);
    balancer::start_drain(busy.b.view, was1, DrainMode::drain, 0s, at_seconds(0));
    assert_false(busy.at(0).drained);
    balancer::end_request(busy.setup.lb, busy.b.view, was1, balancer::Outcome::success, {}, at_seconds(1));
    assert_false(busy.at(1).drained);  // no check has seen it quiet yet
    assert_true(busy.check(2).drained);
}

void test_migrate_stops_the_member_once_nothing_is_in_flight(void**) {
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::migrate, 5s, at_seconds(0));
    assert_int_equal(d.activation(), RuntimeActivation::disabled);
    balancer::begin_request(d.b.view, was1);
    assert_false(d.check(1).stopped);
    assert_int_equal(d.activation(), RuntimeActivation::disabled);
    assert_string_equal(std::string(balancer::drain_phase(d.at(1))).c_str(), "draining");
    balancer::end_request(d.setup.lb, d.b.view, was1, balancer::Outcome::success, {}, at_seconds(2));
    const balancer::DrainEvents events = d.check(2);
    assert_true(events.stopped);
    assert_false(events.drained);
    assert_int_equal(d.activation(), RuntimeActivation::stopped);
    assert_false(d.check(3).stopped);  // once
    assert_true(d.at(3).stopped);
    assert_string_equal(std::string(balancer::drain_phase(d.at(3))).c_str(), "migrating");
    // Its sessions now go to was2 (which re-binds them); they still carry was1's route.
    assert_int_equal(d.pick("JSESSIONID=abc.was1"), was2);
    d.route_request(4);
    assert_false(d.check(8).drained);
    assert_true(d.check(9).drained);
}

void test_a_migrate_drain_is_drained_only_once_stopped(void**) {
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::migrate, 0s, at_seconds(0));
    assert_false(d.at(5).drained);  // idle, but not stopped yet
    const balancer::DrainEvents events = d.check(5);
    assert_true(events.stopped && events.drained);
}

void test_the_journey_notes_route_requests_only_while_draining(void**) {
    struct Port final : balancer::JourneyPort {
        balancer::Micros t = at_seconds(7);
        balancer::Micros now() override { return t; }
        void sleep(std::chrono::milliseconds) override {}
        balancer::AttemptReport attempt(std::size_t, const balancer::Selection&) override {
            balancer::AttemptReport answered;
            answered.progress = balancer::Progress::headers_received;
            return answered;
        }
    } port;
    Drain d;
    balancer::RequestContext sticky = request_with_cookie("JSESSIONID=abc.was1");
    balancer::JourneyResult r = balancer::run_journey(d.setup.lb, d.b.view, sticky, balancer::MethodKind::get, port);
    assert_int_equal(*r.route_member, was1);
    assert_int_equal(d.b.view.member(was1).drain_last_route, 0);  // no drain: nothing written
    balancer::start_drain(d.b.view, was1, DrainMode::migrate, 30s, at_seconds(0));
    d.check(1);  // stopped: the request goes to was2, but it is still one of was1's sessions
    sticky = request_with_cookie("JSESSIONID=abc.was1");
    r = balancer::run_journey(d.setup.lb, d.b.view, sticky, balancer::MethodKind::get, port);
    assert_int_equal(*r.last_member, was2);
    assert_int_equal(*r.route_member, was1);
    assert_int_equal(d.at(8).since_last_route_s, 1);
    assert_int_equal(d.at(8).route_requests_recent, 1);
    balancer::RequestContext fresh;
    r = balancer::run_journey(d.setup.lb, d.b.view, fresh, balancer::MethodKind::get, port);
    assert_false(r.route_member.has_value());
    assert_int_equal(d.at(8).route_requests_recent, 1);
}

void test_rebinds_read_the_session_cookie_and_count_on_the_member_left(void**) {
    struct Case {
        const char* set_cookie;
        bool rebound;
    } const cases[] = {
        {"JSESSIONID=ABC123.was2; Path=/app; HttpOnly", true},
        {"  JSESSIONID=\"ABC123.was2\"", true},
        {"JSESSIONID=ABC123.was1; Path=/app", false},  // same route: a renewed id, not a move
        {"JSESSIONID=ABC123; Path=/app", false},       // no route
        {"JSESSIONID=; Max-Age=0", false},             // deleted
        {"JSESSIONIDX=ABC.was2", false},
        {"OTHER=ABC.was2", false},
        {"jsessionid=ABC.was2", false},  // cookie names are case-sensitive
        {"", false},
    };
    for (const Case& c : cases) {
        assert_int_equal(balancer::rebinds_route(c.set_cookie, "JSESSIONID", "was1"), c.rebound);
    }
    assert_false(balancer::rebinds_route("JSESSIONID=ABC.was2", "", "was1"));
    Drain d;
    balancer::start_drain(d.b.view, was1, DrainMode::migrate, 30s, at_seconds(0));
    balancer::note_rebind(d.b.view, was1);
    balancer::note_rebind(d.b.view, was1);
    assert_int_equal(d.at(1).rebinds, 2);
    assert_int_equal(balancer::drain_progress(d.b.view, was2, at_seconds(1)).rebinds, 0);
    balancer::start_drain(d.b.view, was1, DrainMode::drain, 30s, at_seconds(2));  // a new drain starts afresh
    assert_int_equal(d.at(3).rebinds, 0);
}

void test_modes_parse_and_print(void**) {
    assert_int_equal(*balancer::parse_drain_mode("drain"), DrainMode::drain);
    assert_int_equal(*balancer::parse_drain_mode("migrate"), DrainMode::migrate);
    assert_false(balancer::parse_drain_mode("none").has_value());
    assert_false(balancer::parse_drain_mode("Drain").has_value());
    assert_string_equal(std::string(balancer::to_string(DrainMode::migrate)).c_str(), "migrate");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_disables_at_once_new_sessions_go_elsewhere_sticky_ones_stay),
        cmocka_unit_test(test_bad_starts_are_refused_and_end_forgets_the_drain),
        cmocka_unit_test(test_drained_after_drain_idle_of_nothing_in_flight_and_no_route_request),
        cmocka_unit_test(test_route_requests_keep_it_busy_and_a_new_one_starts_the_idle_period_again),
        cmocka_unit_test(test_a_request_in_flight_keeps_it_busy_however_long),
        cmocka_unit_test(test_a_pick_between_two_checks_starts_the_quiet_period_again),
        cmocka_unit_test(test_drain_idle_zero_is_drained_as_soon_as_nothing_is_in_flight),
        cmocka_unit_test(test_migrate_stops_the_member_once_nothing_is_in_flight),
        cmocka_unit_test(test_a_migrate_drain_is_drained_only_once_stopped),
        cmocka_unit_test(test_the_journey_notes_route_requests_only_while_draining),
        cmocka_unit_test(test_rebinds_read_the_session_cookie_and_count_on_the_member_left),
        cmocka_unit_test(test_modes_parse_and_print),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
