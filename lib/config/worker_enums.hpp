// Small value types shared by the property table and the worker model.
#pragma once

namespace ajpgate::config {

enum class WorkerType { ajp13, lb, status };

// mod_jk's member activation: Active takes every request, Disabled only requests
// already sticky to it, Stopped none at all.
enum class Activation { active, disabled, stopped };

// lb `method`, chosen by its first letter as mod_jk does.
enum class LbMethod { requests, traffic, busyness, sessions, next };

// lb `lock`: Optimistic (process-local) or Pessimistic (shared-memory lock).
enum class LbLock { optimistic, pessimistic };

// ajp13 `ping_mode`: when a CPING/CPONG probe is made.
struct PingFlags {
    bool connect = false;   // C: right after opening a connection
    bool prepost = false;   // P: before sending each request
    bool interval = false;  // I: on idle pooled connections during maintenance
    bool operator==(const PingFlags&) const = default;
};

const char* to_string(WorkerType type) noexcept;
const char* to_string(Activation activation) noexcept;
const char* to_string(LbMethod method) noexcept;
const char* to_string(LbLock lock) noexcept;

}  // namespace ajpgate::config
