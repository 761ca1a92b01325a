// Failover sequences of balancer/journey.hpp on the fake clock: which member each attempt
// went to, when, and how the request ended. A scripted port stands for the transport: each
// member answers as told and takes as long as told; sleeps advance the clock.
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

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
using balancer::Failure;
using balancer::Progress;

struct Step {
    Failure failure = Failure::none;
    Progress progress = Progress::nothing_sent;
    std::chrono::milliseconds takes{1};
    bool connect_timed_out = false;
    std::function<void()> meanwhile;  // what other children do on the member during the attempt
};
const Step answers{Failure::none, Progress::headers_received, std::chrono::milliseconds(2)};
const Step refused{Failure::connect_failed, Progress::nothing_sent, std::chrono::milliseconds(1)};
const Step hangs{Failure::reply_timeout, Progress::request_sent, std::chrono::milliseconds(5000)};

class ScriptedPort final : public balancer::JourneyPort {
public:
    explicit ScriptedPort(balancer::Micros start) : now_(start), start_(start) {}

    // Every attempt on `member` from now on behaves as `step` (until told otherwise).
    void behave(std::size_t member, Step step) { behaviour_[member] = step; }
    unsigned recovery_bits = 0;

    balancer::Micros now() override { return now_; }
    void sleep(std::chrono::milliseconds d) override {
        sleeps.push_back(d.count());
        advance(d);
    }
    balancer::AttemptReport attempt(std::size_t member, const balancer::Selection&) override {
        const Step step = behaviour_.count(member) ? behaviour_[member] : answers;
        order.push_back(member);
        started_ms.push_back(elapsed_ms());
        advance(step.takes);
        if (step.meanwhile) step.meanwhile();
        balancer::AttemptReport report;
        report.failure = step.failure;
        report.connect_timed_out = step.connect_timed_out;
        report.progress = step.progress;
        report.recovery = balancer::RecoveryOptions::from_bits(recovery_bits);
        return report;
    }
    void forced_recovery(std::uint32_t n) override { forced += n; }
    void failed_over(std::size_t, const balancer::Decision&, bool next) override { failovers += next ? 1 : 0; }
    void member_full(std::size_t) override { ++full; }

    void advance(std::chrono::milliseconds d) { now_ = now_ + balancer::Micros(d.count() * 1000); }
    long long elapsed_ms() const { return (now_ - start_).count() / 1000; }

    std::vector<std::size_t> order;
    std::vector<long long> started_ms;
    std::vector<long long> sleeps;
    std::uint32_t forced = 0;
    int failovers = 0;
    int full = 0;

private:
    balancer::Micros now_;
    balancer::Micros start_;
    std::map<std::size_t, Step> behaviour_;
};

balancer::JourneyResult run(Setup& s, StateBuffer& b, ScriptedPort& port, balancer::RequestContext request = {},
                            balancer::MethodKind method = balancer::MethodKind::get) {
    return balancer::run_journey(s.lb, b.view, request, method, port);
}

void expect_order(const ScriptedPort& port, std::vector<std::size_t> expected) {
    if (port.order != expected) {
        std::string got;
        for (auto m : port.order) got += std::to_string(m) + " ";
        fail_msg("attempt order: got %s", got.c_str());
    }
}

// A dead member: its attempt fails at once, the next member answers, no sleep; the dead one
// is in error and later requests go straight to the other one.
void test_dead_member(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    ScriptedPort port(at_seconds(0));
    port.behave(0, refused);
    const auto r = run(s, b, port);
    assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::answered));
    expect_order(port, {0, 1});
    assert_true(port.sleeps.empty());
    assert_int_equal(port.elapsed_ms(), 3);
    assert_int_equal(static_cast<int>(state_of(b, 0)), static_cast<int>(balancer::MemberState::error));
    ScriptedPort later(at_seconds(1));
    later.behave(0, refused);
    for (int i = 0; i < 4; ++i) run(s, b, later);
    expect_order(later, {1, 1, 1, 1});
}

// A hung member (no reply within reply_timeout): a GET goes to the other member after the
// timeout; a POST stops with 504 (the backend may still be running it).
void test_hung_member(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    ScriptedPort get(at_seconds(0));
    get.behave(0, hangs);
    const auto r = run(s, b, get);
    assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::answered));
    expect_order(get, {0, 1});
    assert_int_equal(get.started_ms[1], 5000);

    Setup s2({{"a"}, {"b"}});
    StateBuffer b2(s2);
    ScriptedPort post(at_seconds(0));
    post.behave(0, hangs);
    const auto p = run(s2, b2, post, {}, balancer::MethodKind::other);
    assert_int_equal(static_cast<int>(p.end), static_cast<int>(balancer::JourneyEnd::stopped));
    assert_int_equal(p.decision.http_status, 504);
    expect_order(post, {0});
}

// Every member down: round one tries both, sleeps retry_interval, round two forces the
// members in error into recovery once and tries them again, then 503. When one is back
// in the second round, it answers.
void test_all_down_then_one_back(void**) {
    Setup s({{"a"}, {"b"}});
    s.lb.retry_interval = std::chrono::milliseconds(100);
    StateBuffer b(s);
    ScriptedPort port(at_seconds(0));
    port.behave(0, refused);
    port.behave(1, refused);
    const auto r = run(s, b, port);
    assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::exhausted));
    assert_int_equal(r.attempts, 4);
    assert_int_equal(port.sleeps.size(), 1);
    assert_int_equal(port.sleeps[0], 100);
    assert_int_equal(port.forced, 2);
    assert_int_equal(port.started_ms[2], 102);  // two 1 ms attempts, then the 100 ms round break

    // Member b comes back: the next request's forced recovery finds it.
    ScriptedPort back(at_seconds(1));
    back.behave(0, refused);
    back.behave(1, answers);
    const auto r2 = run(s, b, back);
    assert_int_equal(static_cast<int>(r2.end), static_cast<int>(balancer::JourneyEnd::answered));
    assert_int_equal(*r2.last_member, 1);
    assert_int_equal(static_cast<int>(state_of(b, 1)), static_cast<int>(balancer::MemberState::ok));
}

// A flapping member: down, recovered by maintenance and a probe after recover_time, down
// again: each time the request fails over without error and the member's state follows.
void test_flapping_member(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    balancer::maintain(s.lb, b.view, std::chrono::seconds(60), at_seconds(0));
    for (int cycle = 0; cycle < 3; ++cycle) {
        const long long t = cycle * 100;
        ScriptedPort port(at_seconds(t));
        port.behave(0, refused);
        balancer::RequestContext sticky = request_with_cookie("JSESSIONID=x.a");
        const auto r = run(s, b, port, sticky);
        assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::answered));
        expect_order(port, {0, 1});
        assert_int_equal(static_cast<int>(state_of(b, 0)), static_cast<int>(balancer::MemberState::error));
        // recover_time later, maintenance moves it to recovery and the probe answers.
        balancer::maintain(s.lb, b.view, std::chrono::seconds(60), at_seconds(t + 61));
        assert_true(balancer::claim_probe(b.view, 0, at_seconds(t + 61)));
        balancer::probe_result(b.view, 0, true, at_seconds(t + 61));
        assert_int_equal(static_cast<int>(state_of(b, 0)), static_cast<int>(balancer::MemberState::ok));
        ScriptedPort up(at_seconds(t + 62));
        const auto ok = run(s, b, up, request_with_cookie("JSESSIONID=x.a"));
        assert_int_equal(static_cast<int>(ok.end), static_cast<int>(balancer::JourneyEnd::answered));
        expect_order(up, {0});
    }
}

// The session's member is down: its redirect takes the request; without a redirect, a
// member of its domain; with sticky_session_force, nobody (503).
void test_sticky_member_down(void**) {
    {
        Setup s({{"a", 1, 0, "", "c"}, {"b"}, {"c"}});
        StateBuffer b(s);
        ScriptedPort port(at_seconds(0));
        port.behave(0, refused);
        run(s, b, port, request_with_cookie("JSESSIONID=x.a"));
        expect_order(port, {0, 2});
    }
    {
        Setup s({{"a", 1, 0, "dc1"}, {"b", 1, 0, "dc2"}, {"c", 1, 0, "dc1"}});
        StateBuffer b(s);
        ScriptedPort port(at_seconds(0));
        port.behave(0, refused);
        run(s, b, port, request_with_cookie("JSESSIONID=x.a"));
        expect_order(port, {0, 2});
    }
    {
        Setup s({{"a"}, {"b"}});
        s.lb.sticky_session_force = true;
        StateBuffer b(s);
        ScriptedPort port(at_seconds(0));
        port.behave(0, refused);
        const auto r = run(s, b, port, request_with_cookie("JSESSIONID=x.a"));
        assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::refused));
        assert_int_equal(static_cast<int>(*r.refusal), static_cast<int>(balancer::SelectError::sticky_forced));
        expect_order(port, {0});
    }
}

// busy_limit: a member at its limit is skipped; a member that reports no free connection
// is left for another one without being put in error.
void test_busy_limit(void**) {
    Setup s({{"a", 1, 0, "", "", config::Activation::active, 1}, {"b"}});
    StateBuffer b(s);
    balancer::begin_request(b.view, 0);  // one request already running on a
    ScriptedPort port(at_seconds(0));
    run(s, b, port, request_with_cookie("JSESSIONID=x.a"));
    expect_order(port, {1});

    Setup s2({{"a"}, {"b"}});
    StateBuffer b2(s2);
    ScriptedPort busy(at_seconds(0));
    busy.behave(0, {Failure::busy, Progress::nothing_sent, std::chrono::milliseconds(0)});
    run(s2, b2, busy, request_with_cookie("JSESSIONID=x.a"));
    expect_order(busy, {0, 1});
    assert_int_equal(static_cast<int>(state_of(b2, 0)), static_cast<int>(balancer::MemberState::ok));
}

// A connect that timed out while the member answered other requests (another child's) is a
// full member (its connector's maxConnections and acceptCount reached), not a dead one: the
// request goes to the next member and the full one stays OK, uncharged. A timeout with no
// answer meanwhile, or a refused connect with answers meanwhile, is a failure of the member.
void test_full_member_is_not_charged(void**) {
    const struct {
        bool timed_out, answers_meanwhile, full;
    } cases[] = {{true, true, true}, {true, false, false}, {false, true, false}};
    for (const auto& c : cases) {
        Setup s({{"a"}, {"b"}});
        StateBuffer b(s);
        ScriptedPort port(at_seconds(0));
        Step step{Failure::connect_failed, Progress::nothing_sent, std::chrono::milliseconds(3000)};
        step.connect_timed_out = c.timed_out;
        if (c.answers_meanwhile) {
            step.meanwhile = [&] {
                balancer::begin_request(b.view, 0);
                balancer::end_request(s.lb, b.view, 0, balancer::Outcome::success, {}, port.now());
            };
        }
        port.behave(0, step);
        const auto r = run(s, b, port, request_with_cookie("JSESSIONID=x.a"));
        assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::answered));
        expect_order(port, {0, 1});
        assert_int_equal(port.full, c.full ? 1 : 0);
        const auto expected = c.full ? balancer::MemberState::ok : balancer::MemberState::error;
        assert_int_equal(static_cast<int>(state_of(b, 0)), static_cast<int>(expected));
        assert_int_equal(b.view.member(0).errors, c.full ? 0 : 1);
        assert_int_equal(b.view.member(0).busy, 0);
    }
}

// fail_on_status: the listed status moves the request on and puts the member in error; as
// -code it moves the request on and leaves the member alone.
void test_fail_on_status(void**) {
    for (const bool soft : {false, true}) {
        Setup s({{"a"}, {"b"}});
        StateBuffer b(s);
        ScriptedPort port(at_seconds(0));
        port.behave(0, {soft ? Failure::status_fail_request : Failure::status_fail_member, Progress::headers_received,
                        std::chrono::milliseconds(3)});
        const auto r = run(s, b, port, request_with_cookie("JSESSIONID=x.a"), balancer::MethodKind::other);
        assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::answered));
        expect_order(port, {0, 1});
        const auto expected = soft ? balancer::MemberState::ok : balancer::MemberState::error;
        assert_int_equal(static_cast<int>(state_of(b, 0)), static_cast<int>(expected));
    }
}

// recovery_options bit 1: a request the dead member had received goes nowhere else.
void test_bit1_stops_the_journey(void**) {
    Setup s({{"a"}, {"b"}});
    StateBuffer b(s);
    ScriptedPort port(at_seconds(0));
    port.recovery_bits = 1;
    port.behave(0, {Failure::backend_closed, Progress::request_sent, std::chrono::milliseconds(1)});
    const auto r = run(s, b, port, request_with_cookie("JSESSIONID=x.a"));
    assert_int_equal(static_cast<int>(r.end), static_cast<int>(balancer::JourneyEnd::stopped));
    assert_int_equal(r.decision.http_status, 502);
    expect_order(port, {0});
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dead_member),
        cmocka_unit_test(test_hung_member),
        cmocka_unit_test(test_all_down_then_one_back),
        cmocka_unit_test(test_flapping_member),
        cmocka_unit_test(test_sticky_member_down),
        cmocka_unit_test(test_busy_limit),
        cmocka_unit_test(test_full_member_is_not_charged),
        cmocka_unit_test(test_fail_on_status),
        cmocka_unit_test(test_bit1_stops_the_journey),
    };
    return cmocka_run_group_tests_name("balancer_journey", tests, nullptr, nullptr);
}
