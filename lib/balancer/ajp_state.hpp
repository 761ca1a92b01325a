// Runtime state of every ajp13 worker (standalone or lb member), shared by every httpd child:
// what the status worker shows (requests, errors, bytes, busy and connected counts, the
// time of the last error and reset) and the ajp13 settings it may change at run time (host,
// port, timeouts, retries, ...). One AjpSlot per ajp13 worker, in the config's order; plain
// data read and written through std::atomic_ref, like lb_state.hpp. The settings are guarded
// by settings_sequence (seqlock.hpp): each child keeps its own copy of the worker and builds
// it again (new connections to a new address) when the sequence moved.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "balancer/metrics.hpp"
#include "balancer/shared_text.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::balancer {

// mod_jk's ajp worker states: OK/IDLE before the first request, then OK or ERR (the last
// request's verdict); ERR/PRB while a request tries a worker in error.
enum class AjpState : std::uint8_t { idle, ok, error, probing };
std::string_view to_string(AjpState state) noexcept;

struct alignas(8) AjpSlot {
    std::uint64_t used;           // requests served
    std::uint64_t transferred;    // bytes sent to the backend
    std::uint64_t read;           // bytes received from the backend
    std::uint32_t errors;
    std::uint32_t client_errors;
    std::uint32_t reply_timeouts;
    std::int32_t busy;
    std::int32_t max_busy;
    std::int32_t connected;       // open backend connections, every child together
    std::int32_t max_connected;
    std::uint8_t state;           // AjpState
    std::uint8_t reserved[3];
    std::int64_t last_reset;      // unix seconds
    std::int64_t error_time;      // unix seconds of the last error; 0 none
    // Liveness (hung_check.hpp), in the lb's monotonic microseconds; 0 never.
    std::int64_t last_answer_us;  // the last whole response or CPONG
    std::int64_t hung_since_us;   // the last probe that got no CPONG
    // Settings the status worker edits, under settings_sequence.
    std::uint32_t settings_sequence;
    std::int32_t port;
    std::int32_t connection_pool_timeout_s;
    std::int32_t ping_timeout_ms;
    std::int32_t connect_timeout_ms;
    std::int32_t prepost_timeout_ms;
    std::int32_t reply_timeout_ms;
    std::int32_t retries;
    std::int32_t retry_interval_ms;
    std::int32_t connection_ping_interval_s;
    std::uint32_t recovery_options;
    std::int32_t busy_limit;
    std::uint32_t max_packet_size;
    std::uint32_t reserved2;
    SharedText host;
    // The status worker's reset moves these baselines instead of zeroing the counters above,
    // which only grow (metrics.hpp): its views show the counters minus the baselines.
    std::uint64_t base_used;
    std::uint64_t base_transferred;
    std::uint64_t base_read;
    std::uint32_t base_errors;
    std::uint32_t base_client_errors;
    std::uint32_t base_reply_timeouts;
    std::uint32_t reserved3;
    AjpMetrics metrics;
};

class AjpStateView {
public:
    AjpStateView() = default;
    explicit AjpStateView(std::span<AjpSlot> slots) noexcept : slots_(slots) {}
    bool valid() const noexcept { return !slots_.empty(); }
    std::size_t size() const noexcept { return slots_.size(); }
    AjpSlot& slot(std::size_t index) const noexcept { return slots_[index]; }

private:
    std::span<AjpSlot> slots_;
};

inline std::size_t ajp_state_bytes(std::size_t workers) noexcept { return workers * sizeof(AjpSlot); }

// Zeroes `memory` (aligned for AjpSlot, ajp_state_bytes(workers.size()) long) and seeds each
// slot with its worker's settings; `now_unix` becomes every last_reset.
AjpStateView init_ajp_state(std::span<std::byte> memory, const std::vector<config::Ajp13Worker>& workers,
                            std::int64_t now_unix);

// ---- counters, around each request on the worker -------------------------------------
struct AjpRequestEnd {
    enum class Verdict : std::uint8_t { ok, client_error, error } verdict = Verdict::ok;
    bool reply_timeout = false;
    std::uint64_t transferred = 0;
    std::uint64_t read = 0;
};
void ajp_request_begin(AjpSlot& slot) noexcept;
void ajp_request_end(AjpSlot& slot, const AjpRequestEnd& end, std::int64_t now_unix) noexcept;
void ajp_connection_opened(AjpSlot& slot) noexcept;
void ajp_connection_closed(AjpSlot& slot) noexcept;

// ---- settings --------------------------------------------------------------------------
struct AjpSettings {
    std::string host;
    int port = 0;
    std::chrono::seconds connection_pool_timeout{0};
    std::chrono::milliseconds ping_timeout{0};
    std::chrono::milliseconds connect_timeout{0};
    std::chrono::milliseconds prepost_timeout{0};
    std::chrono::milliseconds reply_timeout{0};
    int retries = 0;
    std::chrono::milliseconds retry_interval{0};
    std::chrono::seconds connection_ping_interval{0};
    unsigned recovery_options = 0;
    int busy_limit = 0;
    int max_packet_size = 0;
    bool operator==(const AjpSettings&) const = default;
};

AjpSettings settings_of(const config::Ajp13Worker& worker);
std::uint32_t ajp_settings_sequence(const AjpSlot& slot) noexcept;
struct AjpSettingsCopy {
    std::uint32_t sequence = 0;
    AjpSettings settings;
};
std::optional<AjpSettingsCopy> read_ajp_settings(const AjpSlot& slot);
// False (nothing written) when the host is longer than kSharedTextMax.
bool write_ajp_settings(AjpSlot& slot, const AjpSettings& settings);
// Copies the settings into `worker` (a copy of the configured worker). connect_timeout and
// prepost_timeout keep the ping_mode they imply, as at start-up.
void apply_settings(const AjpSettings& settings, config::Ajp13Worker& worker);

// ---- status worker: reset ---------------------------------------------------------------
// Starts the counters' views again from zero (not busy/connected, which count what is
// happening now), clears the error time and sets last_reset. The counters themselves keep
// growing: the baselines move.
void reset_ajp_counters(AjpSlot& slot, std::int64_t now_unix) noexcept;

struct AjpSnapshot {
    AjpState state = AjpState::idle;
    // Since the last reset, as the status worker shows them.
    std::uint64_t used = 0, transferred = 0, read = 0;
    std::uint32_t errors = 0, client_errors = 0, reply_timeouts = 0;
    int busy = 0, max_busy = 0, connected = 0, max_connected = 0;
    std::int64_t last_reset = 0, error_time = 0;
    // Since start-up, for the metrics views.
    std::uint64_t total_used = 0, total_transferred = 0, total_read = 0;
};
AjpSnapshot snapshot_ajp(const AjpSlot& slot) noexcept;

}  // namespace ajpgate::balancer
