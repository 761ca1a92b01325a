#include "modules/status_snapshot.hpp"

#include <time.h>

#include <algorithm>

#include "balancer/drain.hpp"
#include "balancer/lb_admin.hpp"
#include "balancer/snapshot.hpp"
#include "modules/jk_log_file.hpp"
#include "modules/lb_shared.hpp"
#include "modules/monotonic_clock.hpp"
#include "modules/uri_map_holder.hpp"
#include "status/status_maps.hpp"

namespace ajpgate::httpd {

namespace {

// The version scripts read: mod_jk's, whose behaviour we answer for, and ours.
constexpr const char* kJkVersion = "mod_jk/1.2.48 (ajpgate/" AJPGATE_VERSION ")";

int seconds_between(std::int64_t from_micros, std::int64_t to_micros) {
    return static_cast<int>((to_micros - from_micros) / 1000000);
}

struct Clocks {
    std::int64_t unix_now;
    std::int64_t mono_now;
    // A shared-memory time (monotonic microseconds) as unix seconds; 0 stays 0 ("never").
    std::int64_t to_unix(std::int64_t mono) const { return mono == 0 ? 0 : unix_now - seconds_between(mono, mono_now); }
};

status::AjpSettings ajp_settings(const Ajp13Runtime& rt) {
    const config::Ajp13Worker& w = *rt.config;
    status::AjpSettings s;
    s.name = w.name;
    s.host = w.host;
    s.port = w.port;
    s.address = rt.resolved ? rt.connector->address_text() : "unresolved";
    s.source = w.source.empty() ? "undefined" : w.source;
    s.connection_pool_timeout = static_cast<int>(w.connection_pool_timeout.count());
    s.ping_timeout = static_cast<int>(w.ping_timeout.count());
    s.connect_timeout = static_cast<int>(w.connect_timeout.count());
    s.prepost_timeout = static_cast<int>(w.prepost_timeout.count());
    s.reply_timeout = static_cast<int>(w.reply_timeout.count());
    s.retries = w.retries;
    s.retry_interval = static_cast<int>(w.retry_interval.count());
    s.connection_ping_interval = static_cast<int>(w.connection_ping_interval.count());
    s.recovery_options = w.recovery_options;
    s.busy_limit = w.busy_limit;
    s.max_packet_size = static_cast<unsigned>(w.max_packet_size);
    return s;
}

status::AjpCounters ajp_counters(const Ajp13Runtime& rt) {
    status::AjpCounters c;
    if (!rt.shared) return c;
    const auto s = balancer::snapshot_ajp(*rt.shared);
    c.used = s.used;
    c.errors = s.errors;
    c.client_errors = s.client_errors;
    c.reply_timeouts = s.reply_timeouts;
    c.transferred = s.transferred;
    c.read = s.read;
    c.busy = s.busy;
    c.max_busy = s.max_busy;
    c.connected = s.connected;
    c.max_connected = s.max_connected;
    c.last_reset_at = s.last_reset;
    c.error_time = s.error_time;
    c.total_used = s.total_used;
    c.total_transferred = s.total_transferred;
    c.total_read = s.total_read;
    c.metrics = balancer::snapshot_metrics(rt.shared->metrics);
    return c;
}

std::vector<status::MapEntry> maps_of(request_rec* r, const std::string& worker) {
    std::vector<status::MapEntry> out;
    for (server_rec* s = ap_server_conf ? ap_server_conf : r->server; s; s = s->next) {
        const ServerConfig& cfg = server_config(s);
        if (!cfg.uri_maps) continue;
        const auto map = cfg.uri_maps->current(logger_for(cfg));
        auto entries = status::describe_maps(*map, worker, vhost_text(s));
        out.insert(out.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
    }
    return out;
}

int maintain_seconds(const ChildRuntime& runtime) {
    return static_cast<int>(runtime.workers().maintain_interval().count());
}

status::MemberView member_view(ChildRuntime& runtime, const config::LbWorker& lb, const balancer::LbStateView& view,
                               std::size_t m, const Clocks& clocks, int ms_min) {
    const config::LbMember& member = lb.members[m];
    const Ajp13Runtime& rt = runtime.ajp13(member.worker);
    status::MemberView v;
    v.ajp = ajp_settings(rt);
    v.counters = ajp_counters(rt);
    const auto snap = balancer::snapshot_member(view, m);
    v.activation = std::string(snap.activation_name);
    v.state = std::string(snap.state_name);
    v.lbfactor = snap.lbfactor;
    v.route = member.route;
    v.redirect = member.redirect;
    v.domain = member.domain;
    v.distance = member.distance;
    v.lbmult = snap.lb_mult;
    v.lbvalue = snap.lb_value;
    v.elected = snap.elected;
    v.sessions = snap.sessions;
    v.errors = static_cast<std::uint32_t>(std::min<std::uint64_t>(snap.errors, UINT32_MAX));
    v.sticky_hits = snap.sticky_hits;
    v.failovers = snap.failovers;
    const balancer::DrainProgress drain = balancer::drain_progress(view, m, balancer::Micros(clocks.mono_now));
    if (drain.mode != balancer::DrainMode::none) v.drain = status::DrainView{drain, clocks.to_unix(drain.started.count())};
    // mod_jk shows the member's first unrecovered error, not the ajp13 worker's last one.
    v.counters.error_time = clocks.to_unix(snap.error_time.count());
    if (snap.state == balancer::MemberState::error) {
        const int since = seconds_between(snap.last_error_time.count(), clocks.mono_now);
        v.time_to_recover_min = std::max(0, static_cast<int>(lb.recover_time.count()) - since);
        v.time_to_recover_max = v.time_to_recover_min + maintain_seconds(runtime);
        v.time_to_recover_min = std::max(v.time_to_recover_min, ms_min);
    }
    return v;
}

status::LbView lb_view(request_rec* r, ChildRuntime& runtime, std::size_t index, const Clocks& clocks) {
    const config::LbWorker& lb = runtime.lb(index);
    const balancer::LbStateView& view = runtime.lb_shared().view(index);
    status::LbView v;
    v.name = lb.name;
    v.sticky_session = lb.sticky_session;
    v.sticky_session_force = lb.sticky_session_force;
    v.retries = lb.retries;
    v.retry_interval = static_cast<int>(lb.retry_interval.count());
    v.recover_time = static_cast<int>(lb.recover_time.count());
    v.error_escalation_time = static_cast<int>(lb.error_escalation_time.count());
    v.max_reply_timeouts = lb.max_reply_timeouts;
    static constexpr const char* kMethods[] = {"Request", "Traffic", "Busyness", "Sessions", "Next"};
    v.method = kMethods[static_cast<int>(lb.method)];
    v.lock = lb.lock == config::LbLock::pessimistic ? "Pessimistic" : "Optimistic";
    v.busy = balancer::shared(view.header().busy).load(std::memory_order_relaxed);
    v.max_busy = balancer::shared(view.header().max_busy).load(std::memory_order_relaxed);
    const int maintain = maintain_seconds(runtime);
    const std::int64_t last = balancer::shared(view.header().last_maintain).load(std::memory_order_relaxed);
    const int since = last == 0 ? 0 : seconds_between(last, clocks.mono_now);
    v.time_to_maintenance_min = std::max(0, maintain - since);
    v.time_to_maintenance_max = std::max(0, maintain - since + maintain);
    v.last_reset_at = balancer::last_reset(view);
    v.unavailable = balancer::shared(view.header().unavailable).load(std::memory_order_relaxed);
    for (std::size_t m = 0; m < lb.members.size(); ++m) {
        v.members.push_back(member_view(runtime, lb, view, m, clocks, v.time_to_maintenance_min));
    }
    v.maps = maps_of(r, lb.name);
    return v;
}

status::AjpWorkerView ajp_view(request_rec* r, ChildRuntime& runtime, std::size_t index) {
    const Ajp13Runtime& rt = runtime.ajp13(index);
    status::AjpWorkerView v;
    v.ajp = ajp_settings(rt);
    v.counters = ajp_counters(rt);
    v.state = rt.shared ? std::string(balancer::to_string(balancer::snapshot_ajp(*rt.shared).state)) : "OK/IDLE";
    v.maps = maps_of(r, v.ajp.name);
    return v;
}

}  // namespace

std::string vhost_text(const server_rec* s) {
    std::string text = s->server_hostname ? s->server_hostname : "";
    if (!s->is_virtual) {
        if (s->port) text += ":" + std::to_string(s->port);
    } else if (s->addrs) {
        text += " [";
        if (s->addrs->virthost) text += s->addrs->virthost;
        if (s->addrs->host_port) text += ":" + std::to_string(s->addrs->host_port);
        text += "]";
    }
    return text;
}

status::StatusPage take_snapshot(request_rec* r, ChildRuntime& runtime, const GlobalConfig& global) {
    status::StatusPage page;
    page.server_name = ap_get_server_name(r);
    page.server_port = static_cast<int>(ap_get_server_port(r));
    page.web_server = ap_get_server_description();
    page.jk_version = kJkVersion;
    page.version = AJPGATE_VERSION;
    const Clocks clocks{static_cast<std::int64_t>(apr_time_sec(apr_time_now())), monotonic_now().count()};
    page.now = clocks.unix_now;
    const config::WorkersConfig& workers = runtime.workers();
    for (const std::string& name : workers.mapped_workers()) {
        const auto ref = workers.find(name);
        if (!ref) continue;
        if (ref->type == config::WorkerType::lb) page.workers.emplace_back(lb_view(r, runtime, ref->index, clocks));
        if (ref->type == config::WorkerType::ajp13) page.workers.emplace_back(ajp_view(r, runtime, ref->index));
    }
    page.server_root = ap_server_root;
    page.dump = global.properties_dump;
    return page;
}

status::LbValues lb_values(ChildRuntime& runtime, std::size_t index) {
    const config::LbWorker& lb = runtime.lb(index);
    const balancer::LbStateView& view = runtime.lb_shared().view(index);
    status::LbValues v;
    v.name = lb.name;
    v.settings = balancer::settings_of(lb);
    for (std::size_t m = 0; m < lb.members.size(); ++m) {
        status::MemberValues mv;
        const Ajp13Runtime& rt = runtime.ajp13(lb.members[m].worker);
        mv.name = rt.config->name;
        mv.activation = balancer::member_activation(view.member(m));
        mv.lbfactor = balancer::shared(view.member(m).lbfactor).load();
        mv.lb = balancer::settings_of(lb.members[m]);
        mv.ajp = balancer::settings_of(*rt.config);
        v.members.push_back(std::move(mv));
    }
    return v;
}

status::AjpValues ajp_values(ChildRuntime& runtime, std::size_t index) {
    const Ajp13Runtime& rt = runtime.ajp13(index);
    return {rt.config->name, balancer::settings_of(*rt.config)};
}

std::vector<status::WorkerHistory> history_snapshot(const ChildRuntime& runtime) {
    std::vector<status::WorkerHistory> out;
    if (!runtime.lb_shared_present()) return out;
    const balancer::HistoryView& view = runtime.lb_shared().history();
    const auto& ajp13 = runtime.workers().ajp13_workers();
    for (std::size_t w = 0; w < view.size() && w < ajp13.size(); ++w) {
        out.push_back({ajp13[w].name, balancer::read_history(view.ring(w))});
    }
    return out;
}

}  // namespace ajpgate::httpd
