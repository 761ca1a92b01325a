// The workers of one httpd child process: for every ajp13 worker a resolved address, a
// connection pool shared by the child's threads, and the options of its service calls; for
// every lb worker the child's copy of its configuration.
//
// The status worker may change settings at run time in shared memory (lib/balancer's
// lb_settings.hpp and ajp_state.hpp). ajp13(i) and lb(i) compare the shared settings sequence
// with the one their copy was made from (one relaxed load) and make a new copy when it moved.
// Copies are never freed while the child lives: a request holding the old one keeps it valid.
// Edits are an operator's action, so the few kilobytes each one keeps are bounded by them; a
// replaced ajp13 worker's pool is emptied at each maintenance.
//
// A worker whose host name did not resolve at start-up gets a new generation the same way
// once the background thread (background.cpp) resolves it: a generation never changes after
// it is published, so request threads read its `resolved` and its pool without locks.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "balancer/ajp_state.hpp"
#include "balancer/refusal_watch.hpp"
#include "config/worker_model.hpp"
#include "transport/ajp_service.hpp"
#include "transport/apr_link.hpp"

namespace ajpgate::httpd {

class LbShared;

// Counts this worker's open connections in its shared slot.
class SharedConnectionCount : public transport::ConnectionObserver {
public:
    explicit SharedConnectionCount(balancer::AjpSlot* slot) noexcept : slot_(slot) {}
    void opened() noexcept override {
        if (slot_) balancer::ajp_connection_opened(*slot_);
    }
    void closed() noexcept override {
        if (slot_) balancer::ajp_connection_closed(*slot_);
    }

private:
    balancer::AjpSlot* slot_;
};

struct Ajp13Runtime {
    const config::Ajp13Worker* config = nullptr;  // the configured worker, or own_config after an edit
    std::unique_ptr<config::Ajp13Worker> own_config;
    balancer::AjpSlot* shared = nullptr;          // counters (null without shared state)
    std::uint32_t settings_sequence = 0;
    std::unique_ptr<SharedConnectionCount> connections;  // before pool: outlives its connections
    std::unique_ptr<transport::AprConnector> connector;
    std::unique_ptr<transport::ConnectionPool> pool;
    transport::ServiceOptions service;
    bool resolved = false;     // fixed for this generation; a later resolve publishes a new one
    std::string description;  // "worker was1 (host:port)": log lines name it, built once
    balancer::RefusalWatch refusals;  // 403 + connection closed, request after request (AJPG0149)
};

class ChildRuntime {
public:
    // threads_per_child sizes pools whose connection_pool_size is "auto"; lb_notes: whether
    // balanced requests set the JK_LB_FIRST_* / JK_LB_LAST_* notes (see startup.cpp).
    ChildRuntime(std::shared_ptr<const config::WorkersConfig> workers, std::shared_ptr<LbShared> lb_shared,
                 int threads_per_child, bool lb_notes);
    ~ChildRuntime();

    const config::WorkersConfig& workers() const noexcept { return *workers_; }
    // The current runtime of ajp13 worker `index` (config order).
    Ajp13Runtime& ajp13(std::size_t index);
    // The current settings of lb worker `index` (config order).
    const config::LbWorker& lb(std::size_t index);
    const LbShared& lb_shared() const noexcept { return *lb_shared_; }
    bool lb_shared_present() const noexcept { return lb_shared_ != nullptr; }
    bool lb_notes() const noexcept { return lb_notes_; }
    // Closes idle connections past their connection_pool_timeout (maintenance).
    void close_idle_connections();
    // Asks again for the address of ajp13 worker `index` when its current generation has none;
    // once it resolves, a new generation with the address (and a fresh pool) becomes current.
    // True when the current generation is resolved. Blocks on the resolver: background only.
    bool retry_resolve(std::size_t index);
    // True for exactly one caller per `interval`: that caller runs the maintenance.
    bool claim_maintenance(transport::Clock::time_point now, std::chrono::seconds interval);

private:
    std::unique_ptr<Ajp13Runtime> make_ajp13(const config::Ajp13Worker& worker, std::size_t index,
                                             std::unique_ptr<config::Ajp13Worker> own, std::uint32_t sequence);
    void refresh_ajp13(std::size_t index, std::uint32_t sequence);
    void refresh_lb(std::size_t index, std::uint32_t sequence);

    std::shared_ptr<const config::WorkersConfig> workers_;
    std::shared_ptr<LbShared> lb_shared_;
    int threads_per_child_;
    std::vector<std::atomic<Ajp13Runtime*>> ajp13_current_;
    std::vector<std::atomic<const config::LbWorker*>> lb_current_;
    std::vector<std::atomic<std::uint32_t>> lb_sequence_;
    std::mutex refresh_mutex_;  // one rebuild at a time; requests read the atomics above only
    std::vector<std::unique_ptr<Ajp13Runtime>> ajp13_all_;  // every generation, kept
    std::vector<std::unique_ptr<config::LbWorker>> lb_all_;
    std::atomic<transport::Clock::rep> next_maintenance_{0};
    bool lb_notes_;
};

// The options a worker's settings give its connections and service calls.
transport::SocketOptions socket_options(const config::Ajp13Worker& worker);
transport::PoolOptions pool_options(const config::Ajp13Worker& worker, int threads_per_child);
transport::ServiceOptions service_options(const config::Ajp13Worker& worker);

}  // namespace ajpgate::httpd
