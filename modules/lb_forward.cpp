#include "modules/lb_forward.hpp"

#include <time.h>

#include <array>
#include <cstring>
#include <thread>
#include <vector>

#include <apr_strings.h>

#include "balancer/drain.hpp"
#include "balancer/journey.hpp"
#include "balancer/lb_admin.hpp"
#include "balancer/selector.hpp"
#include "balancer/session_route.hpp"
#include "balancer/snapshot.hpp"
#include "modules/lb_shared.hpp"
#include "modules/monotonic_clock.hpp"
#include "modules/messages.hpp"

namespace ajpgate::httpd {

namespace {

using balancer::Micros;

bool env_flag(request_rec* r, const char* name) {
    const char* v = apr_table_get(r->subprocess_env, name);
    return v && *v && std::strcmp(v, "0") != 0;
}

// Every Cookie header's value, in order (at most a handful are looked at).
struct CookieHeaders {
    std::array<std::string_view, 16> values{};
    std::size_t count = 0;
};

int collect_cookie(void* data, const char* key, const char* value) {
    auto* cookies = static_cast<CookieHeaders*>(data);
    if (key && value && !strcasecmp(key, "Cookie") && cookies->count < cookies->values.size()) {
        cookies->values[cookies->count++] = value;
    }
    return 1;
}

// The mount's ;active= / ;disabled= / ;stopped= lists, per member.
std::vector<balancer::ActivationOverride> activation_overrides(const config::LbWorker& lb,
                                                               const config::WorkersConfig& workers,
                                                               const config::RuleExtensions* ext) {
    std::vector<balancer::ActivationOverride> out;
    if (!ext || (!ext->active && !ext->disabled && !ext->stopped)) return out;
    out.assign(lb.members.size(), balancer::ActivationOverride::none);
    const auto apply = [&](const std::optional<std::vector<std::string>>& names, balancer::ActivationOverride how) {
        if (!names) return;
        for (const auto& name : *names) {
            if (auto m = balancer::member_by_worker_name(lb, workers.ajp13_workers(), name)) out[*m] = how;
        }
    };
    apply(ext->active, balancer::ActivationOverride::active);
    apply(ext->disabled, balancer::ActivationOverride::disabled);
    apply(ext->stopped, balancer::ActivationOverride::stopped);
    return out;
}

void log_health_change(const log::Logger& logger, const config::LbWorker& lb, const std::string& member,
                       balancer::HealthChange change) {
    if (change == balancer::HealthChange::marked_error) {
        logger.log(log::Level::error, msg::lb_member_error,
                   "lb " + lb.name + ": member " + member + " is now in error; recovery is tried after recover_time");
    } else if (change == balancer::HealthChange::recovered) {
        logger.log(log::Level::info, msg::lb_member_recovered, "lb " + lb.name + ": member " + member + " is back");
    }
}

// mod_jk's notes for LogFormat %{JK_LB_FIRST_NAME}n ... : the first and the last member tried.
// Set once per request, with constant keys and apr_table_addn (no key copies, no scans):
// this runs on every balanced request.
struct NoteKeys {
    const char* name; const char* value; const char* accessed; const char* sessions; const char* read;
    const char* transferred; const char* errors; const char* busy; const char* activation; const char* state;
};
constexpr NoteKeys first_keys{"JK_LB_FIRST_NAME", "JK_LB_FIRST_VALUE", "JK_LB_FIRST_ACCESSED", "JK_LB_FIRST_SESSIONS",
                              "JK_LB_FIRST_READ", "JK_LB_FIRST_TRANSFERRED", "JK_LB_FIRST_ERRORS", "JK_LB_FIRST_BUSY",
                              "JK_LB_FIRST_ACTIVATION", "JK_LB_FIRST_STATE"};
constexpr NoteKeys last_keys{"JK_LB_LAST_NAME", "JK_LB_LAST_VALUE", "JK_LB_LAST_ACCESSED", "JK_LB_LAST_SESSIONS",
                             "JK_LB_LAST_READ", "JK_LB_LAST_TRANSFERRED", "JK_LB_LAST_ERRORS", "JK_LB_LAST_BUSY",
                             "JK_LB_LAST_ACTIVATION", "JK_LB_LAST_STATE"};

// One member's note values, formatted once: the first and the last member are usually the same.
struct MemberNotes {
    const char* name; const char* value; const char* accessed; const char* sessions; const char* read;
    const char* transferred; const char* errors; const char* busy; const char* activation; const char* state;
};

// Decimal digits of v copied into the pool: apr_psprintf's formatter cost ~300 instructions
// per number, a dozen times on every balanced request.
const char* pool_decimal(apr_pool_t* pool, std::uint64_t v) {
    char digits[20];
    char* at = digits + sizeof digits;
    do {
        *--at = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return apr_pstrmemdup(pool, at, static_cast<apr_size_t>(digits + sizeof digits - at));
}

MemberNotes member_notes(request_rec* r, const std::string& name, const balancer::LbStateView& view, std::size_t m) {
    const auto snap = balancer::snapshot_member(view, m);
    apr_pool_t* p = r->pool;
    // The two names are string literals (NUL-terminated), so .data() is a C string.
    return {name.c_str(), pool_decimal(p, snap.lb_value), pool_decimal(p, snap.elected),
            pool_decimal(p, snap.sessions), pool_decimal(p, snap.bytes_read), pool_decimal(p, snap.bytes_written),
            pool_decimal(p, snap.errors), snap.busy < 0 ? apr_itoa(p, snap.busy) : pool_decimal(p, static_cast<std::uint64_t>(snap.busy)),
            snap.activation_name.data(), snap.state_name.data()};
}

void add_member_notes(request_rec* r, const NoteKeys& keys, const MemberNotes& v) {
    apr_table_addn(r->notes, keys.name, v.name);
    apr_table_addn(r->notes, keys.value, v.value);
    apr_table_addn(r->notes, keys.accessed, v.accessed);
    apr_table_addn(r->notes, keys.sessions, v.sessions);
    apr_table_addn(r->notes, keys.read, v.read);
    apr_table_addn(r->notes, keys.transferred, v.transferred);
    apr_table_addn(r->notes, keys.errors, v.errors);
    apr_table_addn(r->notes, keys.busy, v.busy);
    apr_table_addn(r->notes, keys.activation, v.activation);
    apr_table_addn(r->notes, keys.state, v.state);
}

// set_session_cookie: for back ends that add no route to their session ids, tell the client
// the member's route ourselves whenever the member was not chosen by the session's own route
// (a new session, or a failover: mod_jk BZ 64051).
void set_route_cookie(request_rec* r, const config::LbWorker& lb, const config::RuleExtensions* ext,
                      std::string_view cookie_name, const config::LbMember& member) {
    const bool wanted = ext && ext->set_session_cookie ? *ext->set_session_cookie : lb.set_session_cookie;
    if (!wanted) return;
    const std::string& path = ext && ext->session_cookie_path ? *ext->session_cookie_path : lb.session_cookie_path;
    std::string value = std::string(cookie_name) + "=." + member.route;
    if (!path.empty()) value += ";Path=" + path;
    value += ";HttpOnly";
    const char* https = apr_table_get(r->subprocess_env, "HTTPS");
    if (https && !strcasecmp(https, "on")) value += ";Secure";
    // err_headers_out: the cookie goes out with the backend's answer and with an error page.
    apr_table_set(r->err_headers_out, "Set-Cookie", apr_pstrdup(r->pool, value.c_str()));
}

// A drain counts the sessions the back end re-bound away from the member the request's route
// named (lib/balancer/drain.hpp): the back end's Set-Cookie headers, read only while that
// member is being drained.
struct RebindScan {
    std::string_view cookie;
    std::string_view old_route;
    bool rebound = false;
};

int scan_set_cookie(void* data, const char*, const char* value) {
    auto* scan = static_cast<RebindScan*>(data);
    if (value && balancer::rebinds_route(value, scan->cookie, scan->old_route)) scan->rebound = true;
    return scan->rebound ? 0 : 1;
}

void count_rebind(request_rec* r, const config::LbWorker& lb, const balancer::LbStateView& view,
                  const std::optional<std::size_t>& route_member, std::string_view cookie) {
    if (!route_member || !balancer::draining(view, *route_member)) return;
    RebindScan scan{cookie, lb.members[*route_member].route};
    apr_table_do(scan_set_cookie, &scan, r->headers_out, "Set-Cookie", nullptr);
    if (scan.rebound) balancer::note_rebind(view, *route_member);
}

// The lb's busy count (status worker) for as long as the request is inside it.
class LbBusy {
public:
    explicit LbBusy(const balancer::LbStateView& view) : view_(view) { balancer::lb_request_begin(view_); }
    ~LbBusy() { balancer::lb_request_end(view_); }
    LbBusy(const LbBusy&) = delete;
    LbBusy& operator=(const LbBusy&) = delete;

private:
    const balancer::LbStateView& view_;
};

// The web server's side of the journey (balancer/journey.hpp): the monotonic clock, a real
// sleep, an attempt through the transport, and log lines for what happened.
class HttpdJourney final : public balancer::JourneyPort {
public:
    HttpdJourney(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const config::LbWorker& lb,
                 const balancer::LbStateView& view, const balancer::RequestContext& ctx,
                 const config::RuleExtensions* ext, std::string_view cookie_name, ClientSide& client)
        : r_(r), cfg_(cfg), runtime_(runtime), lb_(lb), view_(view), ctx_(ctx), ext_(ext), cookie_name_(cookie_name),
          client_(client), logger_(client.logger) {}

    balancer::Micros now() override { return monotonic_now(); }
    void sleep(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }

    balancer::AttemptReport attempt(std::size_t m, const balancer::Selection& pick) override {
        const config::LbMember& member = lb_.members[m];
        Ajp13Runtime& w = runtime_.ajp13(member.worker);
        if (logger_.enabled(log::Level::debug)) {
            logger_.log(log::Level::debug, msg::lb_picked,
                        "lb " + lb_.name + ": " + w.config->name + " (route " + member.route + ") by " +
                            std::string(balancer::to_string(pick.reason)));
        }
        BuildInputs inputs;
        inputs.server = &cfg_;
        inputs.secret = member.secret;
        inputs.route = member.route;
        inputs.request_id = client_.request_id;
        inputs.lb_activation = balancer::to_string(balancer::effective_activation(view_, ctx_, m));
        apr_table_setn(r_->notes, "JK_WORKER_ROUTE", member.route.c_str());
        if (attempted_) client_.response.reset_for_retry();
        attempted_ = true;
        if (pick.reason != balancer::PickReason::sticky) set_route_cookie(r_, lb_, ext_, cookie_name_, member);
        last_ = attempt_on_ajp13(r_, cfg_, w, inputs, ext_, client_);
        const auto& e = last_.outcome.exchange;
        balancer::AttemptReport report;
        report.failure = last_.input.failure;
        report.progress = last_.input.progress;
        // Another member gets the first body packet this one received, when it was kept.
        const bool kept = !client_.kept_body_packet.empty();
        report.body = last_.input.body == balancer::BodyState::replayable && !kept ? balancer::BodyState::consumed
                                                                                  : last_.input.body;
        report.recovery = last_.input.recovery;
        report.transfer = {e.body_bytes_read, e.response_bytes};
        report.connect_timed_out = last_.outcome.connect_timed_out;
        return report;
    }

    void forced_recovery(std::uint32_t members) override {
        logger_.log(log::Level::warn, msg::lb_forced_recovery,
                    "lb " + lb_.name + ": every member was in error; trying " + std::to_string(members) +
                        " of them again (forced recovery)");
    }
    void health_changed(std::size_t m, balancer::HealthChange change) override {
        log_health_change(logger_, lb_, runtime_.workers().ajp13_workers()[lb_.members[m].worker].name, change);
    }
    void member_full(std::size_t m) override {
        logger_.log(log::Level::warn, msg::lb_member_full,
                    "lb " + lb_.name + ": member " + runtime_.workers().ajp13_workers()[lb_.members[m].worker].name +
                        " accepted no new connection within socket_connect_timeout but answered other requests "
                        "meanwhile: it is full, not in error (its connector's maxConnections and acceptCount are "
                        "reached; see the README's formula for pools and busy_limit)");
    }
    void failed_over(std::size_t, const balancer::Decision&, bool next) override {
        logger_.log(log::Level::warn, msg::lb_failover,
                    next ? last_.failure + "; lb " + lb_.name + " tries another member" : last_.failure);
    }

    const Attempt& last() const noexcept { return last_; }

private:
    request_rec* r_;
    const ServerConfig& cfg_;
    ChildRuntime& runtime_;
    const config::LbWorker& lb_;
    const balancer::LbStateView& view_;
    const balancer::RequestContext& ctx_;
    const config::RuleExtensions* ext_;
    std::string_view cookie_name_;
    ClientSide& client_;
    log::Logger logger_;
    Attempt last_;
    bool attempted_ = false;
};

}  // namespace

int forward_to_lb(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, std::size_t lb_index,
                  const config::RuleExtensions* ext, ClientSide& client) {
    const config::WorkersConfig& workers = runtime.workers();
    const config::LbWorker& lb = runtime.lb(lb_index);
    const balancer::LbStateView& view = runtime.lb_shared().view(lb_index);
    const LbBusy busy(view);
    const log::Logger& logger = client.logger;

    CookieHeaders cookies;
    apr_table_do(collect_cookie, &cookies, r->headers_in, "Cookie", nullptr);
    balancer::SessionNames names;
    names.cookie = ext && ext->session_cookie ? std::string_view(*ext->session_cookie) : std::string_view(lb.session_cookie);
    names.path = ext && ext->session_path ? std::string_view(*ext->session_path) : std::string_view(lb.session_path);
    balancer::RequestContext ctx;
    // The session id travels in the URI as the client sent it (r->uri lost its ;params).
    ctx.sessions = balancer::find_session_ids(r->unparsed_uri ? r->unparsed_uri : r->uri,
                                              {cookies.values.data(), cookies.count}, names);
    if (const char* route = apr_table_get(r->subprocess_env, "JK_ROUTE")) ctx.forced_route = route;
    ctx.sticky_ignore = env_flag(r, "JK_STICKY_IGNORE") || (ext && ext->sticky_ignore.value_or(false));
    ctx.stateless = env_flag(r, "JK_STATELESS") || (ext && ext->stateless.value_or(false));
    const auto overrides = activation_overrides(lb, workers, ext);
    ctx.activation_overrides = overrides;

    HttpdJourney port(r, cfg, runtime, lb, view, ctx, ext, names.cookie, client);
    const balancer::JourneyResult journey =
        balancer::run_journey(lb, view, ctx, balancer::method_kind(r->method), port);
    if (journey.end == balancer::JourneyEnd::answered) count_rebind(r, lb, view, journey.route_member, names.cookie);
    const auto& first_member = journey.first_member;
    const auto& last_member = journey.last_member;
    if (first_member && runtime.lb_notes()) {
        const auto name_of = [&](std::size_t m) -> const std::string& {
            return workers.ajp13_workers()[lb.members[m].worker].name;
        };
        const MemberNotes first = member_notes(r, name_of(*first_member), view, *first_member);
        add_member_notes(r, first_keys, first);
        add_member_notes(r, last_keys,
                         *last_member == *first_member ? first : member_notes(r, name_of(*last_member), view, *last_member));
    }
    if (journey.end == balancer::JourneyEnd::exhausted || journey.end == balancer::JourneyEnd::refused) {
        const bool forced = journey.refusal == balancer::SelectError::sticky_forced;
        logger.log(log::Level::error, msg::lb_unavailable,
                   "lb " + lb.name + (forced ? ": the session's member cannot serve and sticky_session_force is on; 503"
                                             : ": no member can serve the request; 503"));
        return HTTP_SERVICE_UNAVAILABLE;
    }
    return conclude(r, cfg, port.last(), journey.decision, client);
}

}  // namespace ajpgate::httpd
