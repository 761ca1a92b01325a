// The workers of one httpd child process: for every ajp13 worker a resolved address, a
// connection pool shared by the child's threads, and the options of its service calls.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "config/worker_model.hpp"
#include "transport/ajp_service.hpp"
#include "transport/apr_link.hpp"

namespace ajpgate::httpd {

class LbShared;

struct Ajp13Runtime {
    const config::Ajp13Worker* config = nullptr;
    std::unique_ptr<transport::AprConnector> connector;
    std::unique_ptr<transport::ConnectionPool> pool;
    transport::ServiceOptions service;
    bool resolved = false;
    std::string description;  // "worker was1 (host:port)": log lines name it, built once
};

class ChildRuntime {
public:
    // threads_per_child sizes pools whose connection_pool_size is "auto"; lb_notes: whether
    // balanced requests set the JK_LB_FIRST_* / JK_LB_LAST_* notes (see startup.cpp).
    ChildRuntime(std::shared_ptr<const config::WorkersConfig> workers, std::shared_ptr<LbShared> lb_shared,
                 int threads_per_child, bool lb_notes);

    const config::WorkersConfig& workers() const noexcept { return *workers_; }
    Ajp13Runtime& ajp13(std::size_t index) { return ajp13_[index]; }
    const LbShared& lb_shared() const noexcept { return *lb_shared_; }
    bool lb_notes() const noexcept { return lb_notes_; }
    // Closes idle connections past their connection_pool_timeout (maintenance).
    void close_idle_connections();
    // True for exactly one caller per `interval`: that caller runs the maintenance.
    bool claim_maintenance(transport::Clock::time_point now, std::chrono::seconds interval);

private:
    std::shared_ptr<const config::WorkersConfig> workers_;
    std::shared_ptr<LbShared> lb_shared_;
    std::vector<Ajp13Runtime> ajp13_;
    std::atomic<transport::Clock::rep> next_maintenance_{0};
    bool lb_notes_;
};

// The options a worker's settings give its connections and service calls.
transport::SocketOptions socket_options(const config::Ajp13Worker& worker);
transport::PoolOptions pool_options(const config::Ajp13Worker& worker, int threads_per_child);
transport::ServiceOptions service_options(const config::Ajp13Worker& worker);

}  // namespace ajpgate::httpd
