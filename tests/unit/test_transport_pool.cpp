// lib/transport connection pool: reuse order, limits, waiting, failures, idle expiry.
// Time is a FakeTime throughout; only the test of the real wait uses the steady clock, and it
// waits for an event, never for a duration.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <utility>

#include "transport/connection_pool.hpp"
#include "transport_fakes.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate::transport;
using namespace ajpgate::transport::testing;
using namespace std::chrono_literals;

namespace {

std::atomic<int> links_alive{0};

class CountedLink : public Link {
public:
    explicit CountedLink(int number) : id(number) { ++links_alive; }
    ~CountedLink() override { --links_alive; }
    IoResult write_all(std::span<const std::uint8_t>) override { return IoResult::ok; }
    IoResult read_some(std::span<std::uint8_t>, std::size_t&, std::chrono::milliseconds) override {
        return IoResult::eof;
    }
    int id;
};

class FakeConnector : public Connector {
public:
    IoResult fail_with = IoResult::ok;  // ok: connect succeeds
    int connects = 0;
    std::unique_ptr<Link> connect(IoResult& why) override {
        ++connects;
        if (fail_with != IoResult::ok) {
            why = fail_with;
            return nullptr;
        }
        return std::make_unique<CountedLink>(connects);
    }
};

int id_of(Connection& c) { return static_cast<CountedLink&>(c.link()).id; }

FakeTime fake_time;  // every pool of these tests reads it

PoolOptions options(std::size_t max, std::chrono::milliseconds acquire = 20ms) {
    PoolOptions o;
    o.max_size = max;
    o.acquire_timeout = acquire;
    o.time = &fake_time;
    return o;
}

void test_reuses_released_connection(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(2));
    std::unique_ptr<Connection> c;
    assert_int_equal(static_cast<int>(pool.acquire(c)), static_cast<int>(AcquireResult::connected));
    assert_true(c->fresh);
    pool.release(std::move(c), true, fake_time.now());
    assert_int_equal(pool.idle_count(), 1);
    assert_int_equal(static_cast<int>(pool.acquire(c)), static_cast<int>(AcquireResult::reused));
    assert_int_equal(id_of(*c), 1);
    assert_false(c->fresh);
    assert_int_equal(connector.connects, 1);
    pool.release(std::move(c), true, fake_time.now());
}

void test_unreusable_release_closes(void**) {
    FakeConnector connector;
    const int before = links_alive;
    ConnectionPool pool(connector, options(2));
    std::unique_ptr<Connection> c;
    pool.acquire(c);
    assert_int_equal(links_alive, before + 1);
    pool.release(std::move(c), false, fake_time.now());
    assert_int_equal(links_alive, before);
    assert_int_equal(pool.idle_count(), 0);
    assert_int_equal(pool.busy_count(), 0);
}

void test_most_recently_used_first(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(3));
    std::unique_ptr<Connection> a, b;
    pool.acquire(a);
    pool.acquire(b);
    pool.release(std::move(a), true, fake_time.now());
    pool.release(std::move(b), true, fake_time.now());
    std::unique_ptr<Connection> c;
    pool.acquire(c);
    assert_int_equal(id_of(*c), 2);
    pool.release(std::move(c), true, fake_time.now());
}

// A full pool waits acquire_timeout, no less, then says busy.
void test_full_pool_is_busy_after_timeout(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(1, 30ms));
    std::unique_ptr<Connection> a, b;
    pool.acquire(a);
    const auto start = fake_time.now();
    const int waits = fake_time.waits;
    assert_int_equal(static_cast<int>(pool.acquire(b)), static_cast<int>(AcquireResult::busy));
    assert_true(fake_time.now() - start == 30ms);
    assert_int_equal(fake_time.waits, waits + 1);
    assert_null(b.get());
    // With no wait allowed: busy at once, the clock where it was.
    ConnectionPool impatient(connector, options(1, 0ms));
    std::unique_ptr<Connection> c, d;
    impatient.acquire(c);
    const auto before = fake_time.now();
    assert_int_equal(static_cast<int>(impatient.acquire(d)), static_cast<int>(AcquireResult::busy));
    assert_true(fake_time.now() == before);
    impatient.release(std::move(c), false, fake_time.now());
    pool.release(std::move(a), true, fake_time.now());
}

// A connection returned while another thread waits goes to that thread, before its deadline.
void test_waiter_gets_returned_connection(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(1, 5000ms));
    std::unique_ptr<Connection> a;
    pool.acquire(a);
    const auto start = fake_time.now();
    fake_time.during_wait = [&] {
        fake_time.advance(20ms);
        pool.release(std::move(a), true, fake_time.now());
    };
    std::unique_ptr<Connection> b;
    assert_int_equal(static_cast<int>(pool.acquire(b)), static_cast<int>(AcquireResult::reused));
    assert_true(fake_time.now() - start == 20ms);
    assert_int_equal(connector.connects, 1);
    pool.release(std::move(b), true, fake_time.now());
}

// The same on the steady clock and a real condition variable, across two threads: the waiter
// says when it waits (an event, not a sleep), and is woken by the release.
void test_real_waiter_is_woken(void**) {
    struct TellingTime : TimeSource {
        std::promise<void> waiting;
        bool told = false;
        Clock::time_point now() const noexcept override { return steady_time().now(); }
        void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                        Clock::time_point deadline) override {
            if (!std::exchange(told, true)) waiting.set_value();  // the lock is still held here
            steady_time().wait_until(cv, lock, deadline);
        }
    } time;
    FakeConnector connector;
    PoolOptions o = options(1, 60000ms);
    o.time = &time;
    ConnectionPool pool(connector, o);
    std::unique_ptr<Connection> a, b;
    pool.acquire(a);
    AcquireResult got = AcquireResult::busy;
    std::thread waiter([&] { got = pool.acquire(b); });
    time.waiting.get_future().wait();
    pool.release(std::move(a), true, time.now());  // blocks until the waiter is inside wait_until
    waiter.join();
    assert_int_equal(static_cast<int>(got), static_cast<int>(AcquireResult::reused));
    assert_int_equal(connector.connects, 1);
    pool.release(std::move(b), true, time.now());
}

void test_connect_failures_free_the_slot(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(1));
    std::unique_ptr<Connection> c;
    connector.fail_with = IoResult::error;
    assert_int_equal(static_cast<int>(pool.acquire(c)), static_cast<int>(AcquireResult::connect_failed));
    connector.fail_with = IoResult::timeout;
    assert_int_equal(static_cast<int>(pool.acquire(c)), static_cast<int>(AcquireResult::connect_timeout));
    assert_int_equal(pool.busy_count(), 0);
    connector.fail_with = IoResult::ok;
    assert_int_equal(static_cast<int>(pool.acquire(c)), static_cast<int>(AcquireResult::connected));
    pool.release(std::move(c), true, fake_time.now());
}

void test_idle_expiry_keeps_minimum(void**) {
    FakeConnector connector;
    PoolOptions o = options(4);
    o.idle_timeout = 10s;
    o.min_size = 1;
    ConnectionPool pool(connector, o);
    std::unique_ptr<Connection> a, b, c;
    pool.acquire(a);
    pool.acquire(b);
    pool.acquire(c);
    const auto t0 = fake_time.now();
    pool.release(std::move(a), true, t0);
    pool.release(std::move(b), true, t0 + 5s);
    pool.release(std::move(c), true, t0 + 9s);
    assert_int_equal(pool.close_idle(t0 + 9s), 0);
    assert_int_equal(pool.close_idle(t0 + 14s), 1);  // a idle 14 s: closed; b idle 9 s: kept
    assert_int_equal(pool.idle_count(), 2);
    assert_int_equal(pool.close_idle(t0 + 60s), 1);  // b and c are old, but min_size keeps one
    assert_int_equal(pool.idle_count(), 1);
}

void test_disabled_reuse_replaces_idle(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(1));
    std::unique_ptr<Connection> c;
    pool.acquire(c);
    pool.release(std::move(c), true, fake_time.now());
    assert_int_equal(static_cast<int>(pool.acquire(c, false)), static_cast<int>(AcquireResult::connected));
    assert_int_equal(id_of(*c), 2);
    assert_int_equal(pool.idle_count(), 0);
    pool.release(std::move(c), false, fake_time.now());
}

// The observer sees every open and every close, whichever way a connection goes.
void test_observer_counts_open_connections(void**) {
    struct Counter : ConnectionObserver {
        int open = 0, opened_total = 0;
        void opened() noexcept override { ++open; ++opened_total; }
        void closed() noexcept override { --open; }
    } counter;
    FakeConnector connector;
    PoolOptions o = options(3);
    o.idle_timeout = 1s;
    o.observer = &counter;
    {
        ConnectionPool pool(connector, o);
        std::unique_ptr<Connection> a, b, c;
        assert_true(pool.acquire(a) == AcquireResult::connected);
        assert_true(pool.acquire(b) == AcquireResult::connected);
        assert_true(pool.acquire(c) == AcquireResult::connected);
        assert_int_equal(counter.open, 3);
        pool.release(std::move(a), false, fake_time.now());  // not reusable: closed
        assert_int_equal(counter.open, 2);
        const auto now = fake_time.now();
        pool.release(std::move(b), true, now - 5s);
        pool.release(std::move(c), true, now);
        assert_int_equal(counter.open, 2);
        assert_int_equal(pool.close_idle(now), 1);  // b idled past the timeout
        assert_int_equal(counter.open, 1);
        connector.fail_with = IoResult::error;
        std::unique_ptr<Connection> d;
        assert_true(pool.acquire(d, false) == AcquireResult::connect_failed);  // a failed connect never counts
        assert_int_equal(counter.open, 1);
    }  // the pool's end closes what is left
    assert_int_equal(counter.open, 0);
    assert_int_equal(counter.opened_total, 3);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuses_released_connection),
        cmocka_unit_test(test_unreusable_release_closes),
        cmocka_unit_test(test_most_recently_used_first),
        cmocka_unit_test(test_full_pool_is_busy_after_timeout),
        cmocka_unit_test(test_waiter_gets_returned_connection),
        cmocka_unit_test(test_real_waiter_is_woken),
        cmocka_unit_test(test_connect_failures_free_the_slot),
        cmocka_unit_test(test_idle_expiry_keeps_minimum),
        cmocka_unit_test(test_disabled_reuse_replaces_idle),
        cmocka_unit_test(test_observer_counts_open_connections),
    };
    return cmocka_run_group_tests_name("transport_pool", tests, nullptr, nullptr);
}
