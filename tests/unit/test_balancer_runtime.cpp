// lib/balancer state the status worker reads and edits: shared text, the settings seqlock
// (a reader never keeps a torn copy while another thread writes), lb and member settings
// round trips, ajp13 worker counters and settings, reset and recover.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "balancer/ajp_state.hpp"
#include "balancer/lb_admin.hpp"
#include "balancer/lb_settings.hpp"
#include "balancer/seqlock.hpp"
#include "balancer/shared_text.hpp"
#include "test_balancer_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace balancer_test;
using balancer::MemberState;

namespace {

void test_shared_text(void**) {
    balancer::SharedText t{};
    balancer::store_text(t, "was1.example");
    assert_string_equal(balancer::load_text(t).c_str(), "was1.example");
    balancer::store_text(t, "");
    assert_true(balancer::load_text(t).empty());
    const std::string longest(balancer::kSharedTextMax, 'x');
    balancer::store_text(t, longest + "yz");  // cut, never past the end
    assert_int_equal(balancer::load_text(t).size(), balancer::kSharedTextMax);
    balancer::store_text(t, "short");  // a shorter text leaves no tail of the longer one
    assert_string_equal(balancer::load_text(t).c_str(), "short");
}

// A writer thread alternates two self-consistent values; every copy a reader keeps is one
// of them, never a mix.
void test_seqlock_readers_never_keep_a_torn_copy(void**) {
    constexpr int kWrites = 20000;
    std::uint32_t counter = 0;
    balancer::SharedText a{}, b{};
    balancer::store_text(a, "left");
    balancer::store_text(b, "left");
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < kWrites; ++i) {
            balancer::SettingsWrite w(counter);
            const char* value = (i % 2) ? "right-hand-side-value" : "left";
            balancer::store_text(a, value);
            balancer::store_text(b, value);
        }
        done.store(true);
    });
    int kept = 0;
    for (int reads = 0; !done.load() || reads == 0; ++reads) {  // bounded by the writer's fixed count
        std::string x, y;
        std::uint32_t seq = 0;
        if (balancer::SettingsSeqlock(counter).read([&] { x = balancer::load_text(a); y = balancer::load_text(b); }, seq)) {
            assert_string_equal(x.c_str(), y.c_str());
            assert_int_equal(seq % 2, 0);
            ++kept;
        }
    }
    writer.join();
    assert_true(kept > 0);
    assert_int_equal(counter, 2 * kWrites);
}

void test_seqlock_survives_a_dead_writer(void**) {
    std::uint32_t counter = 7;  // odd: a writer died half way
    std::uint32_t seq = 0;
    assert_false(balancer::SettingsSeqlock(counter).read([] {}, seq));  // gives up, bounded
    { balancer::SettingsWrite w(counter); }                              // takes over, bounded
    assert_int_equal(counter % 2, 0);
    assert_true(balancer::SettingsSeqlock(counter).read([] {}, seq));
    assert_int_equal(seq, counter);
}

void test_lb_settings_round_trip(void**) {
    Setup s({{"was1", 1, 0, "dom"}, {"was2", 1, 3, "", "was1"}});
    s.lb.sticky_session_force = true;
    s.lb.max_reply_timeouts = 4;
    StateBuffer b(s);
    auto copy = balancer::read_lb_settings(b.view);
    assert_true(copy.has_value());
    assert_int_equal(copy->lb.retries, 2);
    assert_int_equal(copy->lb.recover_time.count(), 60);
    assert_true(copy->lb.sticky_session_force);
    assert_int_equal(copy->lb.max_reply_timeouts, 4);
    assert_string_equal(copy->members[0].domain.c_str(), "dom");
    assert_string_equal(copy->members[1].redirect.c_str(), "was1");
    assert_int_equal(copy->members[1].distance, 3);
    const auto before = balancer::lb_settings_sequence(b.view);

    auto lb = copy->lb;
    lb.method = config::LbMethod::busyness;
    lb.sticky_session = false;
    auto members = copy->members;
    members[0].route = "node-a";
    members[1].distance = 0;
    assert_true(balancer::write_lb_settings(b.view, lb, members));
    assert_true(balancer::lb_settings_sequence(b.view) > before);
    members[0].route = std::string(balancer::kSharedTextMax + 1, 'r');
    assert_false(balancer::write_lb_settings(b.view, lb, members));  // too long: nothing written
    assert_false(balancer::write_lb_settings(b.view, lb, {members[0]}));  // one per member

    config::LbWorker child = s.lb;  // a child's copy, refreshed from the shared state
    balancer::apply_settings(*balancer::read_lb_settings(b.view), child);
    assert_true(child.method == config::LbMethod::busyness);
    assert_false(child.sticky_session);
    assert_string_equal(child.members[0].route.c_str(), "node-a");
    assert_int_equal(child.members[1].distance, 0);
    assert_string_equal(child.members[1].redirect.c_str(), "was1");
}

void test_lb_reset_and_recover(void**) {
    Setup s({{"was1"}, {"was2"}});
    StateBuffer b(s);
    balancer::set_last_reset(b.view, 1000);
    balancer::lb_request_begin(b.view);
    balancer::lb_request_begin(b.view);
    balancer::lb_request_end(b.view);
    assert_int_equal(b.view.header().busy, 1);
    assert_int_equal(b.view.header().max_busy, 2);
    for (int i = 0; i < 3; ++i) {
        balancer::begin_request(b.view, 0);
        balancer::end_request(s.lb, b.view, 0, balancer::Outcome::success, {10, 20}, at_seconds(i));
    }
    balancer::begin_request(b.view, 1);
    balancer::end_request(s.lb, b.view, 1, balancer::Outcome::connect_failed, {}, at_seconds(5));
    assert_true(balancer::member_state(b.view.member(1)) == MemberState::error);
    b.view.member(0).lb_value = 77;

    // recover: only a member in error, at the highest lb value, and a probe is asked for once
    assert_false(balancer::mark_for_recovery(s.lb, b.view, 0));
    assert_false(balancer::take_probe_request(b.view));
    assert_true(balancer::mark_for_recovery(s.lb, b.view, 1));
    assert_true(balancer::member_state(b.view.member(1)) == MemberState::recovering);
    assert_int_equal(b.view.member(1).lb_value, 77);
    assert_true(balancer::take_probe_request(b.view));
    assert_false(balancer::take_probe_request(b.view));

    balancer::set_member_state(b.view.member(1), MemberState::error);
    balancer::reset_lb(b.view, 2000);
    assert_int_equal(balancer::last_reset(b.view), 2000);
    assert_int_equal(b.view.header().max_busy, 1);  // what is busy now stays counted
    for (std::size_t m = 0; m < 2; ++m) {
        assert_true(balancer::member_state(b.view.member(m)) == MemberState::ok);
        assert_int_equal(b.view.member(m).elected, 0);
        assert_int_equal(b.view.member(m).errors, 0);
        assert_int_equal(b.view.member(m).lb_value, 0);
        assert_int_equal(b.view.member(m).bytes_written, 0);
    }
    assert_string_equal(std::string(balancer::display_state(b.view.member(0))).c_str(), "OK/IDLE");
}

std::vector<config::Ajp13Worker> two_workers() {
    std::vector<config::Ajp13Worker> w(2);
    w[0].name = "a";
    w[0].host = "10.0.0.1";
    w[0].port = 8009;
    w[0].retries = 2;
    w[0].connect_timeout = std::chrono::milliseconds(10000);
    w[0].ping_mode.connect = true;
    w[0].max_packet_size = 8192;
    w[1].name = "b";
    w[1].host = "backend.example";
    w[1].port = 8010;
    return w;
}

void test_ajp_counters(void**) {
    const auto workers = two_workers();
    std::vector<balancer::AjpSlot> memory(2);
    const auto view = balancer::init_ajp_state(std::as_writable_bytes(std::span(memory)), workers, 500);
    assert_true(view.valid());
    balancer::AjpSlot& a = view.slot(0);
    assert_true(balancer::snapshot_ajp(a).state == balancer::AjpState::idle);
    assert_int_equal(balancer::snapshot_ajp(a).last_reset, 500);

    balancer::ajp_request_begin(a);
    balancer::ajp_request_begin(a);
    balancer::ajp_request_end(a, {balancer::AjpRequestEnd::Verdict::ok, false, 100, 2000}, 600);
    balancer::ajp_request_end(a, {balancer::AjpRequestEnd::Verdict::error, true, 50, 0}, 601);
    balancer::ajp_connection_opened(a);
    balancer::ajp_connection_opened(a);
    balancer::ajp_connection_closed(a);
    auto snap = balancer::snapshot_ajp(a);
    assert_int_equal(snap.used, 2);
    assert_int_equal(snap.transferred, 150);
    assert_int_equal(snap.read, 2000);
    assert_int_equal(snap.errors, 1);
    assert_int_equal(snap.reply_timeouts, 1);
    assert_int_equal(snap.busy, 0);
    assert_int_equal(snap.max_busy, 2);
    assert_int_equal(snap.connected, 1);
    assert_int_equal(snap.max_connected, 2);
    assert_int_equal(snap.error_time, 601);
    assert_true(snap.state == balancer::AjpState::error);
    balancer::ajp_request_begin(a);  // a request on a worker in error is a probe of it
    assert_true(balancer::snapshot_ajp(a).state == balancer::AjpState::probing);
    balancer::ajp_request_end(a, {balancer::AjpRequestEnd::Verdict::client_error, false, 0, 0}, 602);
    assert_true(balancer::snapshot_ajp(a).state == balancer::AjpState::ok);
    assert_int_equal(balancer::snapshot_ajp(a).client_errors, 1);

    balancer::reset_ajp_counters(a, 700);
    snap = balancer::snapshot_ajp(a);
    assert_int_equal(snap.used, 0);
    assert_int_equal(snap.errors, 0);
    assert_int_equal(snap.error_time, 0);
    assert_int_equal(snap.connected, 1);      // open connections stay counted
    assert_int_equal(snap.max_connected, 1);
    assert_int_equal(snap.last_reset, 700);
    assert_int_equal(balancer::snapshot_ajp(view.slot(1)).used, 0);  // the other worker untouched
    // The counters themselves never went down: the reset moved their baselines.
    assert_int_equal(snap.total_used, 3);
    assert_int_equal(snap.total_transferred, 150);
    assert_int_equal(snap.total_read, 2000);
    balancer::ajp_request_begin(a);
    balancer::ajp_request_end(a, {balancer::AjpRequestEnd::Verdict::error, false, 7, 9}, 701);
    snap = balancer::snapshot_ajp(a);
    assert_int_equal(snap.used, 1);
    assert_int_equal(snap.errors, 1);
    assert_int_equal(snap.transferred, 7);
    assert_int_equal(snap.read, 9);
    assert_int_equal(snap.client_errors, 0);
    assert_int_equal(snap.total_used, 4);
    assert_int_equal(snap.total_read, 2009);
}

void test_ajp_settings(void**) {
    const auto workers = two_workers();
    std::vector<balancer::AjpSlot> memory(2);
    const auto view = balancer::init_ajp_state(std::as_writable_bytes(std::span(memory)), workers, 1);
    auto copy = balancer::read_ajp_settings(view.slot(1));
    assert_true(copy.has_value());
    assert_string_equal(copy->settings.host.c_str(), "backend.example");
    assert_int_equal(copy->settings.port, 8010);
    assert_true(copy->settings == balancer::settings_of(workers[1]));

    auto edited = balancer::settings_of(workers[0]);
    edited.port = 9009;
    edited.connect_timeout = std::chrono::milliseconds(0);
    edited.prepost_timeout = std::chrono::milliseconds(500);
    const auto before = balancer::ajp_settings_sequence(view.slot(0));
    assert_true(balancer::write_ajp_settings(view.slot(0), edited));
    assert_true(balancer::ajp_settings_sequence(view.slot(0)) > before);
    config::Ajp13Worker child = workers[0];
    balancer::apply_settings(balancer::read_ajp_settings(view.slot(0))->settings, child);
    assert_int_equal(child.port, 9009);
    assert_false(child.ping_mode.connect);  // CPING after connect follows connect_timeout, as mod_jk
    assert_true(child.ping_mode.prepost);
    edited.host = std::string(balancer::kSharedTextMax + 1, 'h');
    assert_false(balancer::write_ajp_settings(view.slot(0), edited));
    assert_int_equal(balancer::read_ajp_settings(view.slot(0))->settings.port, 9009);
    assert_false(balancer::init_ajp_state({}, workers, 1).valid());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_text),
        cmocka_unit_test(test_seqlock_readers_never_keep_a_torn_copy),
        cmocka_unit_test(test_seqlock_survives_a_dead_writer),
        cmocka_unit_test(test_lb_settings_round_trip),
        cmocka_unit_test(test_lb_reset_and_recover),
        cmocka_unit_test(test_ajp_counters),
        cmocka_unit_test(test_ajp_settings),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
