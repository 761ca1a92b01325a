#include "modules/worker_runtime.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "balancer/lb_settings.hpp"
#include "modules/lb_shared.hpp"

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
    o.recovery = balancer::RecoveryOptions::from_bits(w.recovery_options);
    return o;
}

namespace {

// Test-only: AJPGATE_TEST_HOSTS names a hosts-like file ("address name" lines) read before
// DNS each time a worker's name is resolved, so the integration tests can make a name start
// resolving while httpd runs. Not for production: /etc/hosts or DNS is the place for names.
std::string host_to_resolve(const std::string& host) {
    const char* file = std::getenv("AJPGATE_TEST_HOSTS");
    if (!file || !*file) return host;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string address, name;
        if (words >> address >> name && name == host) return address;
    }
    return host;
}

}  // namespace

ChildRuntime::ChildRuntime(std::shared_ptr<const config::WorkersConfig> workers, std::shared_ptr<LbShared> lb_shared,
                           int threads_per_child, bool lb_notes)
    : workers_(std::move(workers)),
      lb_shared_(std::move(lb_shared)),
      threads_per_child_(threads_per_child),
      ajp13_current_(workers_->ajp13_workers().size()),
      lb_current_(workers_->lb_workers().size()),
      lb_sequence_(workers_->lb_workers().size()),
      lb_notes_(lb_notes) {
    const auto& ajp13 = workers_->ajp13_workers();
    for (std::size_t i = 0; i < ajp13.size(); ++i) {
        const std::uint32_t sequence = lb_shared_ ? balancer::ajp_settings_sequence(lb_shared_->ajp(i)) : 0;
        ajp13_all_.push_back(make_ajp13(ajp13[i], i, nullptr, sequence));
        ajp13_current_[i].store(ajp13_all_.back().get());
    }
    for (std::size_t i = 0; i < lb_current_.size(); ++i) {
        lb_current_[i].store(&workers_->lb_workers()[i]);
        // The shared settings start as the configuration says: refresh only once they move.
        lb_sequence_[i].store(lb_shared_ ? balancer::lb_settings_sequence(lb_shared_->view(i)) : 0);
    }
}

ChildRuntime::~ChildRuntime() = default;

std::unique_ptr<Ajp13Runtime> ChildRuntime::make_ajp13(const config::Ajp13Worker& w, std::size_t index,
                                                       std::unique_ptr<config::Ajp13Worker> own,
                                                       std::uint32_t sequence) {
    auto rt = std::make_unique<Ajp13Runtime>();
    rt->own_config = std::move(own);
    rt->config = rt->own_config ? rt->own_config.get() : &w;
    const config::Ajp13Worker& c = *rt->config;
    rt->shared = lb_shared_ ? &lb_shared_->ajp(index) : nullptr;
    rt->settings_sequence = sequence;
    rt->description = "worker " + c.name + " (" + c.host + ":" + std::to_string(c.port) + ")";
    rt->connections = std::make_unique<SharedConnectionCount>(rt->shared);
    rt->connector = std::make_unique<transport::AprConnector>(host_to_resolve(c.host), static_cast<std::uint16_t>(c.port),
                                                              socket_options(c));
    // A name that does not resolve now answers 503 (forward.cpp) until the background thread
    // resolves it and publishes a new generation (retry_resolve).
    rt->resolved = rt->connector->resolve() == APR_SUCCESS;
    auto options = pool_options(c, threads_per_child_);
    options.observer = rt->connections.get();
    rt->pool = std::make_unique<transport::ConnectionPool>(*rt->connector, options);
    rt->service = service_options(c);
    return rt;
}

Ajp13Runtime& ChildRuntime::ajp13(std::size_t index) {
    Ajp13Runtime* current = ajp13_current_[index].load(std::memory_order_acquire);
    if (current->shared) {
        const std::uint32_t sequence = balancer::ajp_settings_sequence(*current->shared);
        if (sequence != current->settings_sequence) {
            refresh_ajp13(index, sequence);
            current = ajp13_current_[index].load(std::memory_order_acquire);
        }
    }
    return *current;
}

void ChildRuntime::refresh_ajp13(std::size_t index, std::uint32_t) {
    std::lock_guard lock(refresh_mutex_);
    Ajp13Runtime* current = ajp13_current_[index].load(std::memory_order_acquire);
    const auto copy = balancer::read_ajp_settings(*current->shared);
    // A writer busy too long, or another thread already did it: keep what we have.
    if (!copy || copy->sequence == current->settings_sequence) return;
    const config::Ajp13Worker& configured = workers_->ajp13_workers()[index];
    auto own = std::make_unique<config::Ajp13Worker>(configured);
    balancer::apply_settings(copy->settings, *own);
    ajp13_all_.push_back(make_ajp13(configured, index, std::move(own), copy->sequence));
    ajp13_current_[index].store(ajp13_all_.back().get(), std::memory_order_release);
}

bool ChildRuntime::retry_resolve(std::size_t index) {
    Ajp13Runtime* current = ajp13_current_[index].load(std::memory_order_acquire);
    if (current->resolved) return true;
    // Built outside the lock: the resolver may take seconds, and edits wait on the lock.
    std::unique_ptr<config::Ajp13Worker> own;
    if (current->own_config) own = std::make_unique<config::Ajp13Worker>(*current->own_config);
    auto fresh = make_ajp13(workers_->ajp13_workers()[index], index, std::move(own), current->settings_sequence);
    if (!fresh->resolved) return false;
    std::lock_guard lock(refresh_mutex_);
    Ajp13Runtime* now_current = ajp13_current_[index].load(std::memory_order_acquire);
    // An edit published its own generation meanwhile (resolving on its own): it stays.
    if (now_current != current) return now_current->resolved;
    ajp13_all_.push_back(std::move(fresh));
    ajp13_current_[index].store(ajp13_all_.back().get(), std::memory_order_release);
    return true;
}

const config::LbWorker& ChildRuntime::lb(std::size_t index) {
    if (lb_shared_) {
        const std::uint32_t sequence = balancer::lb_settings_sequence(lb_shared_->view(index));
        if (sequence != lb_sequence_[index].load(std::memory_order_relaxed)) refresh_lb(index, sequence);
    }
    return *lb_current_[index].load(std::memory_order_acquire);
}

void ChildRuntime::refresh_lb(std::size_t index, std::uint32_t) {
    std::lock_guard lock(refresh_mutex_);
    const auto copy = balancer::read_lb_settings(lb_shared_->view(index));
    if (!copy || copy->sequence == lb_sequence_[index].load(std::memory_order_relaxed)) return;
    auto lb = std::make_unique<config::LbWorker>(workers_->lb_workers()[index]);
    balancer::apply_settings(*copy, *lb);
    lb_all_.push_back(std::move(lb));
    lb_current_[index].store(lb_all_.back().get(), std::memory_order_release);
    lb_sequence_[index].store(copy->sequence, std::memory_order_release);
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
    std::vector<Ajp13Runtime*> runtimes;
    {
        std::lock_guard lock(refresh_mutex_);
        for (auto& rt : ajp13_all_) runtimes.push_back(rt.get());
    }
    for (Ajp13Runtime* rt : runtimes) {
        const bool current = std::any_of(ajp13_current_.begin(), ajp13_current_.end(),
                                         [rt](const auto& c) { return c.load() == rt; });
        if (!current) {
            rt->pool->close_all_idle();  // replaced by an edit: what comes back is not used again
            continue;
        }
        rt->pool->close_idle(now);
        // ping_mode I: idle connections unused for connection_ping_interval get a CPING.
        if (rt->config->ping_mode.interval && rt->config->connection_ping_interval.count() > 0) {
            transport::probe_idle_connections(*rt->pool, now, rt->config->connection_ping_interval,
                                              rt->config->ping_timeout);
        }
    }
}

}  // namespace ajpgate::httpd
