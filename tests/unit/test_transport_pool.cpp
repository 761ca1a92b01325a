// lib/transport connection pool: reuse order, limits, waiting, failures, idle expiry.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "transport/connection_pool.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate::transport;
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

PoolOptions options(std::size_t max, std::chrono::milliseconds acquire = 20ms) {
    PoolOptions o;
    o.max_size = max;
    o.acquire_timeout = acquire;
    return o;
}

void test_reuses_released_connection(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(2));
    std::unique_ptr<Connection> c;
    assert_int_equal(static_cast<int>(pool.acquire(c)), static_cast<int>(AcquireResult::connected));
    assert_true(c->fresh);
    pool.release(std::move(c), true, Clock::now());
    assert_int_equal(pool.idle_count(), 1);
    assert_int_equal(static_cast<int>(pool.acquire(c)), static_cast<int>(AcquireResult::reused));
    assert_int_equal(id_of(*c), 1);
    assert_false(c->fresh);
    assert_int_equal(connector.connects, 1);
    pool.release(std::move(c), true, Clock::now());
}

void test_unreusable_release_closes(void**) {
    FakeConnector connector;
    const int before = links_alive;
    ConnectionPool pool(connector, options(2));
    std::unique_ptr<Connection> c;
    pool.acquire(c);
    assert_int_equal(links_alive, before + 1);
    pool.release(std::move(c), false, Clock::now());
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
    pool.release(std::move(a), true, Clock::now());
    pool.release(std::move(b), true, Clock::now());
    std::unique_ptr<Connection> c;
    pool.acquire(c);
    assert_int_equal(id_of(*c), 2);
    pool.release(std::move(c), true, Clock::now());
}

void test_full_pool_is_busy_after_timeout(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(1, 30ms));
    std::unique_ptr<Connection> a, b;
    pool.acquire(a);
    const auto start = Clock::now();
    assert_int_equal(static_cast<int>(pool.acquire(b)), static_cast<int>(AcquireResult::busy));
    assert_true(Clock::now() - start >= 30ms);
    assert_null(b.get());
    pool.release(std::move(a), true, Clock::now());
}

void test_waiter_gets_returned_connection(void**) {
    FakeConnector connector;
    ConnectionPool pool(connector, options(1, 5000ms));
    std::unique_ptr<Connection> a;
    pool.acquire(a);
    std::thread releaser([&] {
        std::this_thread::sleep_for(20ms);
        pool.release(std::move(a), true, Clock::now());
    });
    std::unique_ptr<Connection> b;
    assert_int_equal(static_cast<int>(pool.acquire(b)), static_cast<int>(AcquireResult::reused));
    releaser.join();
    assert_int_equal(connector.connects, 1);
    pool.release(std::move(b), true, Clock::now());
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
    pool.release(std::move(c), true, Clock::now());
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
    const auto t0 = Clock::now();
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
    pool.release(std::move(c), true, Clock::now());
    assert_int_equal(static_cast<int>(pool.acquire(c, false)), static_cast<int>(AcquireResult::connected));
    assert_int_equal(id_of(*c), 2);
    assert_int_equal(pool.idle_count(), 0);
    pool.release(std::move(c), false, Clock::now());
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
        pool.release(std::move(a), false, Clock::now());  // not reusable: closed
        assert_int_equal(counter.open, 2);
        const auto now = Clock::now();
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
        cmocka_unit_test(test_connect_failures_free_the_slot),
        cmocka_unit_test(test_idle_expiry_keeps_minimum),
        cmocka_unit_test(test_disabled_reuse_replaces_idle),
        cmocka_unit_test(test_observer_counts_open_connections),
    };
    return cmocka_run_group_tests_name("transport_pool", tests, nullptr, nullptr);
}
