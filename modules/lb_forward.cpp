#include "modules/lb_forward.hpp"

#include <time.h>

#include <array>
#include <cstring>
#include <thread>
#include <vector>

#include <apr_strings.h>

#include "balancer/lb_admin.hpp"
#include "balancer/retry.hpp"
#include "balancer/selector.hpp"
#include "balancer/session_route.hpp"
#include "balancer/snapshot.hpp"
#include "modules/lb_shared.hpp"
#include "modules/messages.hpp"

namespace ajpgate::httpd {

namespace {

using balancer::Micros;

// The balancer's clock: monotonic, shared by every process on the machine.
Micros monotonic_now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return Micros(static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000 + 1);
}

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

}  // namespace

int forward_to_lb(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, std::size_t lb_index,
                  const config::RuleExtensions* ext, ClientSide& client) {
    const config::WorkersConfig& workers = runtime.workers();
    const config::LbWorker& lb = runtime.lb(lb_index);
    const balancer::LbStateView& view = runtime.lb_shared().view(lb_index);
    const LbBusy busy(view);
    const auto logger = logger_for(cfg);

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

    balancer::AttemptBudget budget(lb);
    Attempt last;
    bool attempted = false;
    std::optional<balancer::SelectError> refusal;
    bool exhausted = false;  // the last member failed and the retry budget is spent
    std::optional<std::size_t> first_member, last_member;
    for (int guard = 0; guard < 1024; ++guard) {  // the budget ends the loop; the guard bounds it
        const balancer::Selection pick = balancer::select_member(lb, view, ctx);
        if (pick.forced_members > 0) {
            logger.log(log::Level::warn, msg::lb_forced_recovery,
                       "lb " + lb.name + ": every member was in error; trying " + std::to_string(pick.forced_members) +
                           " of them again (forced recovery)");
        }
        if (!pick) {
            refusal = pick.error;
            const auto step = budget.after_failure(ctx, true);
            if (step == balancer::RetryStep::give_up) break;
            if (step == balancer::RetryStep::retry_after_interval) std::this_thread::sleep_for(budget.retry_interval());
            continue;
        }
        const std::size_t m = *pick.member;
        const config::LbMember& member = lb.members[m];
        Ajp13Runtime& w = runtime.ajp13(member.worker);
        if (logger.enabled(log::Level::debug)) {
            logger.log(log::Level::debug, msg::lb_picked,
                       "lb " + lb.name + ": " + w.config->name + " (route " + member.route + ") by " +
                           std::string(balancer::to_string(pick.reason)));
        }
        BuildInputs inputs;
        inputs.server = &cfg;
        inputs.secret = member.secret;
        inputs.route = member.route;
        inputs.lb_activation = balancer::to_string(balancer::effective_activation(view, ctx, m));
        apr_table_setn(r->notes, "JK_WORKER_ROUTE", member.route.c_str());
        if (attempted) client.response.reset_for_retry();
        if (pick.reason != balancer::PickReason::sticky) set_route_cookie(r, lb, ext, names.cookie, member);
        balancer::begin_request(view, m);
        last = attempt_on_ajp13(r, cfg, w, inputs, ext, client);
        attempted = true;
        const auto& e = last.outcome.exchange;
        const auto change = balancer::end_request(lb, view, m, last.health, {e.body_bytes_read, e.response_bytes},
                                                  monotonic_now());
        log_health_change(logger, lb, w.config->name, change);
        if (!first_member) first_member = m;
        last_member = m;
        if (last.health == balancer::Outcome::success || last.done || !last.another_member_may_try) break;
        const auto step = budget.after_failure(ctx);
        if (step == balancer::RetryStep::give_up) {
            logger.log(log::Level::warn, msg::lb_failover, last.failure);
            exhausted = true;
            break;
        }
        logger.log(log::Level::warn, msg::lb_failover, last.failure + "; lb " + lb.name + " tries another member");
        if (step == balancer::RetryStep::retry_after_interval) std::this_thread::sleep_for(budget.retry_interval());
    }
    if (first_member && runtime.lb_notes()) {
        const auto name_of = [&](std::size_t m) -> const std::string& {
            return workers.ajp13_workers()[lb.members[m].worker].name;
        };
        const MemberNotes first = member_notes(r, name_of(*first_member), view, *first_member);
        add_member_notes(r, first_keys, first);
        add_member_notes(r, last_keys,
                         *last_member == *first_member ? first : member_notes(r, name_of(*last_member), view, *last_member));
    }
    if (!attempted || exhausted || (refusal && last.another_member_may_try)) {
        const bool forced = refusal == balancer::SelectError::sticky_forced;
        logger.log(log::Level::error, msg::lb_unavailable,
                   "lb " + lb.name + (forced ? ": the session's member cannot serve and sticky_session_force is on; 503"
                                             : ": no member can serve the request; 503"));
        return HTTP_SERVICE_UNAVAILABLE;
    }
    return conclude(r, cfg, last, client);
}

}  // namespace ajpgate::httpd
