// Every log message's stable code, in one place, so users can grep for them and the README
// can list them. Codes never change meaning; retired codes are not reused.
#pragma once

#include "balancer/request_policy.hpp"  // the codes of a failed attempt, chosen by the policy
#include "log/log.hpp"

namespace ajpgate::httpd::msg {

inline constexpr log::Code started{"AJPG0001"};            // info: configuration loaded
inline constexpr log::Code option_ignored{"AJPG0002"};     // warn: JkOptions with no effect
inline constexpr log::Code piped_log_note{"AJPG0003"};     // warn: piped logger found elsewhere
inline constexpr log::Code config_error{"AJPG0010"};       // emerg: configuration error, httpd stops
inline constexpr log::Code config_warning{"AJPG0011"};     // warn: configuration warning
inline constexpr log::Code mount_file_reloaded{"AJPG0012"};  // info: JkMountFile re-read
inline constexpr log::Code mapped{"AJPG0100"};             // debug: URI mapped to a worker
inline constexpr log::Code unknown_worker{"AJPG0101"};     // error: a request names a worker outside worker.list (500)
inline constexpr log::Code bad_uri{"AJPG0102"};            // info: URI escapes the root or is unsafe (400)
inline constexpr log::Code connect_failed = balancer::codes::connect_failed;     // error: backend unreachable (503)
inline constexpr log::Code busy = balancer::codes::busy;               // error: no free connection (503)
inline constexpr log::Code protocol_error = balancer::codes::protocol_error;     // error: bad packet from backend (502)
inline constexpr log::Code reply_timeout = balancer::codes::reply_timeout;      // error: no reply in time (504)
inline constexpr log::Code backend_closed = balancer::codes::backend_closed;     // error: backend closed mid-exchange (502)
inline constexpr log::Code too_large = balancer::codes::too_large;          // error: request headers too large (413)
inline constexpr log::Code client_read = balancer::codes::client_read;        // info: client body unreadable (400)
inline constexpr log::Code client_gone = balancer::codes::client_gone;        // info: client went away mid-response
inline constexpr log::Code failed_status = balancer::codes::failed_status;      // error: status listed in fail_on_status (503)
inline constexpr log::Code retried{"AJPG0119"};           // info: answered, but only on a later attempt
inline constexpr log::Code exchange_done{"AJPG0120"};      // debug: one request's story
// AJPG0121 (a worker type not served yet) is retired: every type is served now.
inline constexpr log::Code backend_hung = balancer::codes::backend_hung;       // error: no first packet and no CPONG: member hung (504/failover)
inline constexpr log::Code request_log{"AJPG0130"};         // JkRequestLogFormat line
inline constexpr log::Code lb_failover{"AJPG0140"};        // warn: an lb member failed, another one tries
inline constexpr log::Code lb_unavailable{"AJPG0141"};     // error: no lb member can serve (503)
inline constexpr log::Code lb_forced_recovery{"AJPG0142"};  // warn: every member was in error: forced to try
inline constexpr log::Code lb_member_error{"AJPG0143"};    // error: a member is now in error state
inline constexpr log::Code lb_member_recovered{"AJPG0144"};  // info: a member is back (request or probe)
inline constexpr log::Code lb_picked{"AJPG0145"};          // debug: which member, and why
inline constexpr log::Code host_unresolved{"AJPG0146"};  // warn: a worker's host name does not resolve (retried)
inline constexpr log::Code host_resolved{"AJPG0147"};
inline constexpr log::Code secret_refused{"AJPG0149"};   // warn: a worker refuses every request as a wrong secret does (JKC603)    // info: a worker's host name resolves now
inline constexpr log::Code background_failed{"AJPG0148"};  // error: a background tick failed (no memory, no thread)
inline constexpr log::Code status_change{"AJPG0150"};      // info: the status worker changed a setting or state
inline constexpr log::Code status_refused{"AJPG0151"};     // warn: a status request refused or failed
inline constexpr log::Code drain_event{"AJPG0152"};       // info: a drain stopped its member (migrate) or is drained
inline constexpr log::Code lb_member_full{"AJPG0153"};    // warn: a member took no new connection but answers: full, not in error

}  // namespace ajpgate::httpd::msg
