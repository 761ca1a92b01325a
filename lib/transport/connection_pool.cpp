#include "transport/connection_pool.hpp"

#include <algorithm>
#include <optional>

namespace ajpgate::transport {

ConnectionPool::ConnectionPool(Connector& connector, PoolOptions options)
    : connector_(connector), options_(options), time_(options.time ? *options.time : steady_time()) {}

ConnectionPool::~ConnectionPool() = default;

AcquireResult ConnectionPool::acquire(std::unique_ptr<Connection>& out, bool allow_reuse) {
    std::unique_lock lock(mutex_);
    // Set when the first wait begins: taking a free connection reads no clock.
    std::optional<Clock::time_point> deadline;
    for (;;) {
        if (allow_reuse && !idle_.empty()) {
            out = std::move(idle_.back());
            idle_.pop_back();
            ++busy_;
            return AcquireResult::reused;
        }
        if (busy_ + idle_.size() < options_.max_size || (!allow_reuse && !idle_.empty())) {
            // Reserve the slot before connecting so the lock is not held across connect().
            if (busy_ + idle_.size() >= options_.max_size) idle_.erase(idle_.begin());
            ++busy_;
            lock.unlock();
            IoResult why = IoResult::error;
            const Clock::time_point connecting = time_.now();
            std::unique_ptr<Link> link = connector_.connect(why);
            if (!link) {
                lock.lock();
                --busy_;
                returned_.notify_one();
                return why == IoResult::timeout ? AcquireResult::connect_timeout : AcquireResult::connect_failed;
            }
            out = std::make_unique<Connection>(std::move(link), options_.packet_size, options_.observer);
            out->connect_time = time_.now() - connecting;
            return AcquireResult::connected;
        }
        const Clock::time_point now = time_.now();
        if (!deadline) {
            deadline = now + options_.acquire_timeout;
        } else if (now >= *deadline) {
            return AcquireResult::busy;
        }
        // Woken by a returned connection (or early): the loop looks at the pool again.
        time_.wait_until(returned_, lock, *deadline);
    }
}

void ConnectionPool::release(std::unique_ptr<Connection> connection, bool reusable, Clock::time_point now) {
    std::unique_ptr<Connection> closing;
    {
        std::lock_guard lock(mutex_);
        --busy_;
        if (reusable && connection) {
            connection->last_used = now;
            connection->fresh = false;
            idle_.push_back(std::move(connection));
        } else {
            closing = std::move(connection);
        }
    }
    returned_.notify_one();
    // `closing` goes out of scope here, outside the lock: closing a socket can block.
}

std::size_t ConnectionPool::close_idle(Clock::time_point now) {
    if (options_.idle_timeout.count() == 0) return 0;
    std::vector<std::unique_ptr<Connection>> closing;
    {
        std::lock_guard lock(mutex_);
        // idle_ is ordered by last use, oldest first: close from the front while too old,
        // but keep min_size connections in the pool as a whole.
        std::size_t keep_total = options_.min_size;
        auto it = idle_.begin();
        while (it != idle_.end() && busy_ + idle_.size() - closing.size() > keep_total &&
               now - (*it)->last_used >= options_.idle_timeout) {
            closing.push_back(std::move(*it));
            ++it;
        }
        idle_.erase(idle_.begin(), it);
    }
    return closing.size();
}

std::size_t ConnectionPool::close_all_idle() {
    std::vector<std::unique_ptr<Connection>> closing;
    {
        std::lock_guard lock(mutex_);
        closing.swap(idle_);
    }
    returned_.notify_all();
    return closing.size();
}

std::vector<std::unique_ptr<Connection>> ConnectionPool::take_idle_unused_since(Clock::time_point unused_since) {
    std::vector<std::unique_ptr<Connection>> taken;
    std::lock_guard lock(mutex_);
    // idle_ is ordered by last use, oldest first.
    auto it = idle_.begin();
    while (it != idle_.end() && (*it)->last_used <= unused_since) taken.push_back(std::move(*it++));
    idle_.erase(idle_.begin(), it);
    busy_ += taken.size();
    return taken;
}

void ConnectionPool::return_probed(std::unique_ptr<Connection> connection, bool alive) {
    std::unique_ptr<Connection> closing;
    {
        std::lock_guard lock(mutex_);
        --busy_;
        if (alive && connection) {
            const auto at = std::upper_bound(idle_.begin(), idle_.end(), connection->last_used,
                                             [](Clock::time_point t, const auto& c) { return t < c->last_used; });
            idle_.insert(at, std::move(connection));
        } else {
            closing = std::move(connection);
        }
    }
    returned_.notify_one();
}

std::size_t ConnectionPool::idle_count() const {
    std::lock_guard lock(mutex_);
    return idle_.size();
}

std::size_t ConnectionPool::busy_count() const {
    std::lock_guard lock(mutex_);
    return busy_;
}

}  // namespace ajpgate::transport
