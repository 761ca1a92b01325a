// The validated, immutable worker model built from workers.properties.
// Every field has its final value: defaults applied, derived defaults resolved
// (except the ones httpd decides, marked "auto"), deprecated names mapped.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/route_index.hpp"
#include "config/worker_enums.hpp"

namespace ajpgate::config {

struct Ajp13Worker {
    std::string name;
    std::string host;  // without an embedded :port
    int port = 0;      // 0: as an lb member it starts stopped (mod_jk)
    std::string source;
    bool prefer_ipv6 = false;
    std::chrono::seconds socket_timeout{0};
    std::chrono::milliseconds socket_connect_timeout{0};
    bool socket_keepalive = false;
    int socket_buffer = 0;
    // Effective probes: connect_timeout > 0 turns on C, prepost_timeout > 0 turns on P.
    PingFlags ping_mode;
    std::chrono::milliseconds ping_timeout{0};
    std::chrono::milliseconds connect_timeout{0};  // ping_timeout when C is on and unset
    std::chrono::milliseconds prepost_timeout{0};  // ping_timeout when P is on and unset
    std::chrono::seconds connection_ping_interval{0};
    std::optional<int> connection_pool_size;     // nullopt: auto (httpd's ThreadsPerChild)
    std::optional<int> connection_pool_minsize;  // nullopt: (pool size + 1) / 2
    std::chrono::seconds connection_pool_timeout{0};
    std::chrono::milliseconds connection_acquire_timeout{0};
    int retries = 0;
    std::chrono::milliseconds retry_interval{0};
    unsigned recovery_options = 0;
    std::chrono::milliseconds reply_timeout{0};
    std::vector<int> fail_on_status;  // negative: fail the request, keep the member healthy
    int busy_limit = 0;
    int max_packet_size = 0;
    std::string secret;
    std::vector<std::string> mount;
    // Properties read when the worker is an lb member.
    int lbfactor = 1;
    int distance = 0;
    std::string route;
    std::string domain;
    std::string redirect;
    Activation activation = Activation::active;

    // The pool's minimum once httpd has told us the pool size.
    int resolved_pool_minsize(int pool_size) const {
        return connection_pool_minsize ? *connection_pool_minsize : (pool_size + 1) / 2;
    }
};

struct LbMember {
    std::size_t worker = 0;  // index into WorkersConfig::ajp13_workers()
    int lbfactor = 1;
    int distance = 0;
    std::string route;
    std::string domain;
    std::string redirect;
    Activation activation = Activation::active;  // stopped when the worker's port is 0
    std::string secret;  // the member's own, else the lb's
};

struct LbWorker {
    std::string name;
    std::vector<LbMember> members;
    RouteIndex route_index;  // members by route; rebuilt whenever members or routes change
    bool sticky_session = true;
    bool sticky_session_force = false;
    std::string session_cookie;
    std::string session_path;
    bool set_session_cookie = false;
    std::string session_cookie_path;
    LbMethod method = LbMethod::requests;
    LbLock lock = LbLock::optimistic;
    int retries = 0;
    std::chrono::milliseconds retry_interval{0};
    int lb_retries = 0;
    std::chrono::seconds recover_time{0};
    std::chrono::seconds error_escalation_time{0};
    int max_reply_timeouts = 0;
    std::string secret;
    std::vector<std::string> mount;
};

struct StatusWorker {
    std::string name;
    bool read_only = false;
    std::vector<std::string> user;
    bool user_case_insensitive = false;
    std::vector<std::string> good;
    std::vector<std::string> bad;
    std::string prefix;
    std::string ns;
    std::string xmlns;
    std::string doctype;
    std::string css;
    std::vector<std::string> mount;
};

// One worker.X.mount pattern that maps URIs: only workers of worker.list have them in
// effect, as in mod_jk (the `mount` field of the other workers is ignored).
struct WorkerMount {
    std::string worker;
    std::string pattern;
    std::string file;      // where the mount line is
    std::size_t line = 0;
};

struct WorkerRef {
    WorkerType type = WorkerType::ajp13;
    std::size_t index = 0;  // into the vector of that type
};

class WorkersConfig {
public:
    WorkersConfig(std::vector<Ajp13Worker> ajp13, std::vector<LbWorker> lb,
                  std::vector<StatusWorker> status, std::vector<std::string> mapped,
                  std::chrono::seconds maintain, std::vector<WorkerMount> mounts = {});

    const std::vector<Ajp13Worker>& ajp13_workers() const noexcept { return ajp13_; }
    const std::vector<LbWorker>& lb_workers() const noexcept { return lb_; }
    const std::vector<StatusWorker>& status_workers() const noexcept { return status_; }
    // worker.list, in order, duplicates removed: the workers JkMount may name.
    const std::vector<std::string>& mapped_workers() const noexcept { return mapped_; }
    std::chrono::seconds maintain_interval() const noexcept { return maintain_; }
    // The worker.X.mount patterns in effect, in the order of worker.list.
    const std::vector<WorkerMount>& mounts() const noexcept { return mounts_; }

    // Any worker, lb members that are not in worker.list included.
    std::optional<WorkerRef> find(std::string_view name) const;
    // A worker a request may name (mod_jk serves only the workers of worker.list).
    std::optional<WorkerRef> find_mapped(std::string_view name) const;
    const Ajp13Worker* find_ajp13(std::string_view name) const;
    const LbWorker* find_lb(std::string_view name) const;
    const StatusWorker* find_status(std::string_view name) const;
    bool is_mapped(std::string_view name) const;

private:
    std::vector<Ajp13Worker> ajp13_;
    std::vector<LbWorker> lb_;
    std::vector<StatusWorker> status_;
    std::vector<std::string> mapped_;
    std::chrono::seconds maintain_;
    std::vector<WorkerMount> mounts_;
};

}  // namespace ajpgate::config
