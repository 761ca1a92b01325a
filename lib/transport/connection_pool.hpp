// Backend connections of one worker in one httpd child process, shared by its threads.
// Idle connections are reused most-recently-used first (the warmest socket), closed when
// idle longer than the pool's idle timeout, and a thread that finds the pool full waits at
// most acquire_timeout for one to come back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "transport/interfaces.hpp"
#include "transport/packet_channel.hpp"
#include "transport/time_source.hpp"

namespace ajpgate::transport {

// Opens new connections to one backend (apr_link.hpp for real sockets; fakes in tests).
class Connector {
public:
    virtual ~Connector() = default;
    // nullptr on failure, with `why` saying how it failed (timeout or error).
    virtual std::unique_ptr<Link> connect(IoResult& why) = 0;
};

// Told when a connection opens and when it closes (the status worker's "connected" count,
// shared by every httpd child). Must be cheap and must not throw.
class ConnectionObserver {
public:
    virtual ~ConnectionObserver() = default;
    virtual void opened() noexcept = 0;
    virtual void closed() noexcept = 0;
};

class Connection {
public:
    Connection(std::unique_ptr<Link> link, std::size_t packet_size, ConnectionObserver* observer = nullptr)
        : link_(std::move(link)), channel_(*link_, packet_size), observer_(observer) {
        if (observer_) observer_->opened();
    }
    ~Connection() {
        if (observer_) observer_->closed();
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Link& link() noexcept { return *link_; }
    PacketChannel& channel() noexcept { return channel_; }
    Clock::time_point last_used{};
    std::uint64_t requests = 0;  // exchanges completed on this connection
    bool fresh = true;           // not yet used for any exchange (CPing-after-connect applies)
    Clock::duration connect_time{};  // how long its connect took, on the pool's clock (metrics)

private:
    std::unique_ptr<Link> link_;
    PacketChannel channel_;
    ConnectionObserver* observer_;
};

struct PoolOptions {
    std::size_t max_size = 1;
    std::size_t min_size = 0;                       // idle connections kept despite idle_timeout
    std::chrono::seconds idle_timeout{0};           // zero: never close idle connections
    std::chrono::milliseconds acquire_timeout{200}; // wait for a free slot when all are busy
    std::size_t packet_size = 8192;
    ConnectionObserver* observer = nullptr;         // outlives the pool and its connections
    TimeSource* time = nullptr;                     // outlives the pool; null: steady_time()
};

enum class AcquireResult : std::uint8_t { reused, connected, busy, connect_failed, connect_timeout };

class ConnectionPool {
public:
    ConnectionPool(Connector& connector, PoolOptions options);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    // An idle connection if there is one, else a new one if the pool is not full, else
    // waits up to acquire_timeout. `out` is set only for reused/connected.
    AcquireResult acquire(std::unique_ptr<Connection>& out, bool allow_reuse = true);
    // Every acquired connection comes back here, reusable or not (not: it is closed).
    void release(std::unique_ptr<Connection> connection, bool reusable, Clock::time_point now);
    // Closes connections idle longer than idle_timeout, keeping min_size. Returns how many.
    std::size_t close_idle(Clock::time_point now);
    // Closes every idle connection (after a backend was found broken, for example).
    std::size_t close_all_idle();
    // ping_mode I: takes out (counted as busy) the idle connections last used at or before
    // `unused_since`, to be probed outside the lock; each goes back through return_probed().
    std::vector<std::unique_ptr<Connection>> take_idle_unused_since(Clock::time_point unused_since);
    // A probed connection: back in its place among the idle ones when it answered (a probe is
    // not a use: last_used and with it the idle timeout stay as they were), else closed.
    void return_probed(std::unique_ptr<Connection> connection, bool alive);

    std::size_t idle_count() const;
    std::size_t busy_count() const;
    const PoolOptions& options() const noexcept { return options_; }
    // The pool's clock (PoolOptions::time): what last_used stamps and idle ages are read on.
    Clock::time_point now() const noexcept { return time_.now(); }

private:
    Connector& connector_;
    const PoolOptions options_;
    TimeSource& time_;
    mutable std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<Connection>> idle_;  // back = most recently used
    std::size_t busy_ = 0;
};

}  // namespace ajpgate::transport
