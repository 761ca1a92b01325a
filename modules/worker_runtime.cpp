#include "modules/worker_runtime.hpp"

#include <algorithm>

namespace ajpgate::httpd {

transport::SocketOptions socket_options(const config::Ajp13Worker& w) {
    transport::SocketOptions o;
    o.connect_timeout = w.socket_connect_timeout;
    o.io_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(w.socket_timeout);
    o.keepalive = w.socket_keepalive;
    o.buffer_size = w.socket_buffer;
    o.source = w.source;
    o.prefer_ipv6 = w.prefer_ipv6;
    return o;
}

transport::PoolOptions pool_options(const config::Ajp13Worker& w, int threads_per_child) {
    transport::PoolOptions o;
    const int size = std::max(1, w.connection_pool_size.value_or(threads_per_child));
    o.max_size = static_cast<std::size_t>(size);
    o.min_size = static_cast<std::size_t>(std::max(0, w.resolved_pool_minsize(size)));
    o.idle_timeout = w.connection_pool_timeout;
    o.acquire_timeout = w.connection_acquire_timeout;
    o.packet_size = static_cast<std::size_t>(w.max_packet_size);
    return o;
}

transport::ServiceOptions service_options(const config::Ajp13Worker& w) {
    transport::ServiceOptions o;
    o.retries = w.retries;
    o.retry_interval = w.retry_interval;
    o.cping_after_connect = w.ping_mode.connect;
    o.connect_cping_timeout = w.connect_timeout.count() > 0 ? w.connect_timeout : w.ping_timeout;
    o.cping_before_request = w.ping_mode.prepost;
    o.prepost_cping_timeout = w.prepost_timeout.count() > 0 ? w.prepost_timeout : w.ping_timeout;
    o.no_recovery_after_request = (w.recovery_options & 1u) != 0;
    return o;
}

ChildRuntime::ChildRuntime(std::shared_ptr<const config::WorkersConfig> workers, std::shared_ptr<LbShared> lb_shared,
                           int threads_per_child, bool lb_notes)
    : workers_(std::move(workers)), lb_shared_(std::move(lb_shared)), lb_notes_(lb_notes) {
    ajp13_.resize(workers_->ajp13_workers().size());
    for (std::size_t i = 0; i < ajp13_.size(); ++i) {
        const config::Ajp13Worker& w = workers_->ajp13_workers()[i];
        Ajp13Runtime& rt = ajp13_[i];
        rt.config = &w;
        rt.description = "worker " + w.name + " (" + w.host + ":" + std::to_string(w.port) + ")";
        rt.connector = std::make_unique<transport::AprConnector>(w.host, static_cast<std::uint16_t>(w.port),
                                                                 socket_options(w));
        // A name that does not resolve now is retried on the first request (DNS may be late).
        rt.resolved = rt.connector->resolve() == APR_SUCCESS;
        rt.pool = std::make_unique<transport::ConnectionPool>(*rt.connector, pool_options(w, threads_per_child));
        rt.service = service_options(w);
    }
}

bool ChildRuntime::claim_maintenance(transport::Clock::time_point now, std::chrono::seconds interval) {
    auto due = next_maintenance_.load(std::memory_order_relaxed);
    const auto now_ticks = now.time_since_epoch().count();
    if (now_ticks < due) return false;
    const auto next = (now + interval).time_since_epoch().count();
    // Only the thread that moves the deadline forward does the work.
    return next_maintenance_.compare_exchange_strong(due, next, std::memory_order_relaxed);
}

void ChildRuntime::close_idle_connections() {
    const auto now = transport::Clock::now();
    for (auto& rt : ajp13_) {
        rt.pool->close_idle(now);
        // ping_mode I: idle connections unused for connection_ping_interval get a CPING.
        if (rt.config->ping_mode.interval && rt.config->connection_ping_interval.count() > 0) {
            transport::probe_idle_connections(*rt.pool, now, rt.config->connection_ping_interval,
                                              rt.config->ping_timeout);
        }
    }
}

}  // namespace ajpgate::httpd
