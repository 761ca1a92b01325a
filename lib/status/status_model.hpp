// What the status worker shows: a plain snapshot of the configuration and of the shared
// runtime state, taken once per status request by modules/ (status_snapshot.cpp) and read by
// the renderers (status_render.hpp). Values are already in mod_jk 1.2.48's units and spellings
// (seconds or milliseconds as mod_jk prints them, "ACT"/"DIS"/"STP", "OK/IDLE", ...), so a
// renderer only formats; nothing here knows httpd or shared memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "balancer/action_log.hpp"
#include "balancer/drain.hpp"
#include "balancer/history.hpp"
#include "balancer/metrics.hpp"

namespace ajpgate::status {

// One URI rule that maps to a worker (or an exclusion for every worker, "*"), as mod_jk's
// display_map shows it. Built from config::UriRule by describe_map() (status_maps.hpp).
struct MapEntry {
    std::string server;   // the virtual host, as "name" or "name:port" (mod_jk's vhost_to_text)
    std::string uri;      // the pattern as written
    std::string type;     // "Exact", "Wildchar", with "Unmount " / "Disabled " prefixes
    std::string source;   // "JkMount", "uriworkermap", "worker definition"
    int reply_timeout = -1;
    int sticky_ignore = 0;
    int stateless = 0;
    std::optional<std::string> fail_on_status;  // nullopt: not set on the rule
    std::optional<std::string> active;
    std::optional<std::string> disabled;
    std::optional<std::string> stopped;
    int use_server_errors = 0;
};

// The ajp13 side of a worker (standalone or lb member): its settings as mod_jk shows them.
struct AjpSettings {
    std::string name;
    std::string type = "ajp13";
    std::string host;
    int port = 0;
    std::string address;       // "127.0.0.1:8009", or "unresolved"
    std::string source;        // "undefined" when not set
    int connection_pool_timeout = 0;  // seconds
    int ping_timeout = 0;             // ms
    int connect_timeout = 0;          // ms
    int prepost_timeout = 0;          // ms
    int reply_timeout = 0;            // ms
    int retries = 0;
    int retry_interval = 0;           // ms (edit form only; not in the list outputs)
    int connection_ping_interval = 0; // seconds
    unsigned recovery_options = 0;
    int busy_limit = 0;
    unsigned max_packet_size = 0;
};

// Counters of an ajp13 worker, summed over every httpd child (shared memory).
struct AjpCounters {
    std::uint64_t used = 0;         // requests served ("elected" for a member)
    std::uint32_t errors = 0;
    std::uint32_t client_errors = 0;
    std::uint32_t reply_timeouts = 0;
    std::uint64_t transferred = 0;  // bytes sent to the backend (mod_jk's "transferred")
    std::uint64_t read = 0;         // bytes read from the backend (mod_jk's "read")
    int busy = 0;
    int max_busy = 0;
    int connected = 0;
    int max_connected = 0;
    std::int64_t last_reset_at = 0;  // unix seconds
    std::int64_t error_time = 0;     // unix seconds of the error being shown; 0: none
    // Since start-up, never reset: the metrics views (Prometheus, JSON's metrics).
    std::uint64_t total_used = 0;
    std::uint64_t total_transferred = 0;
    std::uint64_t total_read = 0;
    balancer::AjpMetrics metrics{};
};

// A member's drain (cmd=drain), while one is on: its progress (lib/balancer/drain.hpp).
struct DrainView {
    balancer::DrainProgress progress;
    std::int64_t started_at = 0;  // unix seconds
};

struct MemberView {
    AjpSettings ajp;
    AjpCounters counters;
    std::string activation;  // "ACT", "DIS", "STP"
    std::string state;       // "OK", "OK/IDLE", "OK/BUSY", "ERR", "ERR/REC", "ERR/FRC", "ERR/PRB"
    int lbfactor = 1;
    std::string route;
    std::string redirect;
    std::string domain;
    int distance = 0;
    std::uint64_t lbmult = 0;
    std::uint64_t lbvalue = 0;
    std::uint64_t elected = 0;       // not rendered: mod_jk's "elected" is counters.used
    std::uint64_t sessions = 0;      // picks of requests that carried no session id
    std::uint32_t errors = 0;        // errors charged to the member
    int time_to_recover_min = 0;     // seconds
    int time_to_recover_max = 0;
    std::uint64_t sticky_hits = 0;   // metrics, never reset (lb_state.hpp)
    std::uint64_t failovers = 0;
    std::optional<DrainView> drain;  // nullopt: not being drained
};

struct LbView {
    std::string name;
    bool sticky_session = true;
    bool sticky_session_force = false;
    int retries = 0;
    int retry_interval = 0;          // ms (edit form only)
    int recover_time = 0;            // seconds
    int error_escalation_time = 0;   // seconds
    int max_reply_timeouts = 0;
    std::string method;              // "Request", "Traffic", "Busyness", "Sessions", "Next"
    std::string lock;                // "Optimistic", "Pessimistic"
    int busy = 0;
    int max_busy = 0;
    int time_to_maintenance_min = 0; // seconds
    int time_to_maintenance_max = 0;
    std::int64_t last_reset_at = 0;  // unix seconds
    std::uint64_t unavailable = 0;   // 503s with no member to serve (metrics, never reset)
    std::vector<MemberView> members;
    std::vector<MapEntry> maps;
};

struct AjpWorkerView {
    AjpSettings ajp;
    AjpCounters counters;
    std::string state;  // mod_jk's ajp state: "OK", "OK/IDLE", "ERR", ...
    std::vector<MapEntry> maps;
};

// A worker of worker.list, in its order. Status workers are not shown (as in mod_jk).
using WorkerView = std::variant<LbView, AjpWorkerView>;

// cmd=history: one ajp13 worker's last hour (lib/balancer/history.hpp).
struct WorkerHistory {
    std::string name;
    std::vector<balancer::HistorySample> samples;  // oldest first
};

struct StatusPage {
    std::string server_name;   // the request's server name
    int server_port = 0;
    std::string web_server;    // httpd's server software string
    std::string jk_version;    // what we report as mod_jk's version string
    std::string version;       // ajpgate's own version (metrics' build_info)
    std::int64_t now = 0;      // unix seconds; renderers format it in the local time zone
    std::vector<WorkerView> workers;
    // cmd=dump: the configuration as read, "key=value" in file order, without secrets (mod_jk
    // leaves out every name ending in ".secret"; the renderers skip those too). server_root
    // is shown first as ServerRoot=..., as mod_jk's configuration map holds it.
    std::string server_root;
    std::vector<std::pair<std::string, std::string>> dump;
    // cmd=history only (filled by the caller for that command: a copy of every ring).
    std::vector<WorkerHistory> history;
    // The status worker's last changes, newest first (json and the dashboard show them).
    std::vector<balancer::Action> admin_actions;
};

}  // namespace ajpgate::status
