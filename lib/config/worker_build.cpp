#include "config/worker_build.hpp"

#include "config/property_checks.hpp"

namespace ajpgate::config {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Id = PropertyId;
using Strings = std::vector<std::string>;

// ajpgate's connect timeout when neither socket_connect_timeout nor socket_timeout is set:
// mod_jk waits for the kernel (minutes against a host that drops SYNs); a pooled backend
// connection that takes longer than this is not going to serve a user well anyway.
constexpr milliseconds default_connect_timeout{3000};

int get_int(const WorkerSettings& s, Id id) { return static_cast<int>(s.get<std::int64_t>(id)); }

enum class Kind { warning, compat };

void report(Diagnostics& diagnostics, const WorkerSettings& s, Id id, Kind kind,
            const std::string& message) {
    const Origin* where = s.origin(id);
    const std::string file = where ? where->file : std::string();
    const std::size_t line = where ? where->line : 0;
    if (kind == Kind::compat) {
        diagnostics.compat(file, line, "worker '" + s.name() + "': " + message);
    } else {
        diagnostics.warning(file, line, "worker '" + s.name() + "': " + message);
    }
}

void apply_host(const WorkerSettings& s, Ajp13Worker& w, Diagnostics& diagnostics) {
    w.port = get_int(s, Id::port);
    const auto host = s.get<std::string>(Id::host);
    const auto split = split_host_port(host);
    if (!split) {
        // Kept only as mod_jk would read it (reported then): it cannot resolve such a host
        // and disables the worker.
        w.host = host;
        w.port = 0;
        return;
    }
    w.host = split->host;
    if (!split->port) return;
    if (s.is_set(Id::port) && *split->port != w.port) {
        report(diagnostics, s, Id::port, Kind::warning,
               "host embeds port " + std::to_string(*split->port) + ", which wins over port=" +
                   std::to_string(w.port));
    }
    w.port = *split->port;
}

// mod_jk: connect_timeout/prepost_timeout > 0 switch their probe on; a probe
// switched on by ping_mode without its own timeout uses ping_timeout; mode I
// without an interval probes every (ping_timeout/1000)*10 seconds, in whole
// seconds as mod_jk computes it.
void apply_ping(const WorkerSettings& s, Ajp13Worker& w) {
    w.ping_mode = s.get<PingFlags>(Id::ping_mode);
    w.ping_timeout = s.get<milliseconds>(Id::ping_timeout);
    w.connect_timeout = s.get<milliseconds>(Id::connect_timeout);
    w.prepost_timeout = s.get<milliseconds>(Id::prepost_timeout);
    if (w.connect_timeout.count() > 0) w.ping_mode.connect = true;
    if (w.prepost_timeout.count() > 0) w.ping_mode.prepost = true;
    if (w.ping_mode.connect && w.connect_timeout.count() == 0) w.connect_timeout = w.ping_timeout;
    if (w.ping_mode.prepost && w.prepost_timeout.count() == 0) w.prepost_timeout = w.ping_timeout;
    w.connection_ping_interval = s.get<seconds>(Id::connection_ping_interval);
    if (w.ping_mode.interval && !s.is_set(Id::connection_ping_interval)) {
        w.connection_ping_interval = seconds(w.ping_timeout.count() / 1000 * 10);
    }
}

void apply_pool(const WorkerSettings& s, Ajp13Worker& w, Diagnostics& diagnostics) {
    if (s.is_set(Id::connection_pool_size)) {
        w.connection_pool_size = get_int(s, Id::connection_pool_size);
    }
    if (s.is_set(Id::connection_pool_minsize)) {
        w.connection_pool_minsize = get_int(s, Id::connection_pool_minsize);
    }
    if (w.connection_pool_size && w.connection_pool_minsize &&
        *w.connection_pool_minsize > *w.connection_pool_size) {
        // mod_jk keeps idle connections down to the minimum: above the size, that is all.
        report(diagnostics, s, Id::connection_pool_minsize, Kind::compat,
               "connection_pool_minsize " + std::to_string(*w.connection_pool_minsize) +
                   " exceeds connection_pool_size " + std::to_string(*w.connection_pool_size) +
                   ": mod_jk then never closes an idle connection, and neither does ajpgate "
                   "(which takes the size as the minimum; lower connection_pool_minsize)");
        w.connection_pool_minsize = w.connection_pool_size;
    }
    w.connection_pool_timeout = s.get<seconds>(Id::connection_pool_timeout);
    w.connection_acquire_timeout = s.is_set(Id::connection_acquire_timeout)
                                       ? s.get<milliseconds>(Id::connection_acquire_timeout)
                                       : w.retries * w.retry_interval;
}

void apply_member(const WorkerSettings& s, Ajp13Worker& w) {
    w.lbfactor = get_int(s, Id::lbfactor);
    w.distance = get_int(s, Id::distance);
    w.route = s.is_set(Id::route) ? s.get<std::string>(Id::route) : w.name;
    w.domain = s.get<std::string>(Id::domain);
    if (!s.is_set(Id::domain)) {
        // mod_jk: a route "node1.dc1" puts the member in domain "node1".
        const auto dot = w.route.find('.');
        if (dot != std::string::npos) w.domain = w.route.substr(0, dot);
    }
    w.redirect = s.get<std::string>(Id::redirect);
    w.activation = s.get<Activation>(Id::activation);
}

}  // namespace

Ajp13Worker build_ajp13_worker(const WorkerSettings& s, Diagnostics& diagnostics) {
    Ajp13Worker w;
    w.name = s.name();
    apply_host(s, w, diagnostics);
    w.source = s.get<std::string>(Id::source);
    w.prefer_ipv6 = s.get<bool>(Id::prefer_ipv6);
    w.socket_timeout = s.get<seconds>(Id::socket_timeout);
    w.socket_connect_timeout = s.is_set(Id::socket_connect_timeout)
                                   ? s.get<milliseconds>(Id::socket_connect_timeout)
                                   : (w.socket_timeout.count() > 0 ? milliseconds(w.socket_timeout)
                                                                   : default_connect_timeout);
    w.socket_keepalive = s.get<bool>(Id::socket_keepalive);
    w.socket_buffer = get_int(s, Id::socket_buffer);
    apply_ping(s, w);
    w.retries = get_int(s, Id::retries);
    w.retry_interval = s.get<milliseconds>(Id::retry_interval);
    apply_pool(s, w, diagnostics);
    w.recovery_options = static_cast<unsigned>(s.get<std::int64_t>(Id::recovery_options));
    w.reply_timeout = s.get<milliseconds>(Id::reply_timeout);
    w.fail_on_status = s.get<std::vector<int>>(Id::fail_on_status);
    w.busy_limit = get_int(s, Id::busy_limit);
    w.max_packet_size = get_int(s, Id::max_packet_size);
    w.secret = s.get<std::string>(Id::secret);
    w.mount = s.get<Strings>(Id::mount);
    apply_member(s, w);
    return w;
}

LbWorker build_lb_worker(const WorkerSettings& s) {
    LbWorker w;
    w.name = s.name();
    w.sticky_session = s.get<bool>(Id::sticky_session);
    w.sticky_session_force = s.get<bool>(Id::sticky_session_force);
    w.session_cookie = s.get<std::string>(Id::session_cookie);
    w.session_path = s.get<std::string>(Id::session_path);
    w.set_session_cookie = s.get<bool>(Id::set_session_cookie);
    w.session_cookie_path = s.get<std::string>(Id::session_cookie_path);
    w.method = s.get<LbMethod>(Id::method);
    w.lock = s.get<LbLock>(Id::lock);
    w.retries = get_int(s, Id::retries);
    w.retry_interval = s.get<milliseconds>(Id::retry_interval);
    w.lb_retries = get_int(s, Id::lb_retries);
    w.recover_time = s.get<seconds>(Id::recover_time);
    w.error_escalation_time = s.is_set(Id::error_escalation_time)
                                  ? s.get<seconds>(Id::error_escalation_time)
                                  : w.recover_time / 2;
    w.max_reply_timeouts = get_int(s, Id::max_reply_timeouts);
    w.secret = s.get<std::string>(Id::secret);
    w.mount = s.get<Strings>(Id::mount);
    return w;
}

StatusWorker build_status_worker(const WorkerSettings& s) {
    StatusWorker w;
    w.name = s.name();
    w.read_only = s.get<bool>(Id::read_only);
    w.user = s.get<Strings>(Id::user);
    w.user_case_insensitive = s.get<bool>(Id::user_case_insensitive);
    w.good = s.get<Strings>(Id::good);
    w.bad = s.get<Strings>(Id::bad);
    w.prefix = s.get<std::string>(Id::prefix);
    w.ns = s.get<std::string>(Id::ns);
    w.xmlns = s.get<std::string>(Id::xmlns);
    w.doctype = s.get<std::string>(Id::doctype);
    w.css = s.get<std::string>(Id::css);
    w.mount = s.get<Strings>(Id::mount);
    return w;
}

}  // namespace ajpgate::config
