#include "status/status_edit.hpp"

#include "config/uri_pattern.hpp"
#include "status/status_messages.hpp"

#include <chrono>
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <strings.h>

namespace ajpgate::status {

namespace {

constexpr std::size_t kMaxText = 63;  // mod_jk's JK_MAX_NAME_LEN for routes, domains, hosts

const std::string* param(const StatusRequest& request, std::string_view name) {
    for (auto it = request.params.rbegin(); it != request.params.rend(); ++it) {
        if (it->first == name) return &it->second;
    }
    return nullptr;
}

// mod_jk reads numbers with atoi: garbage is 0 (and then usually out of range).
int as_int(const std::string& text) { return std::atoi(text.c_str()); }

std::optional<bool> as_bool(const std::string& v) {
    if (!strcasecmp(v.c_str(), "off") || (!v.empty() && std::string_view("FfNn").find(v[0]) != std::string_view::npos) ||
        v == "0") {
        return false;
    }
    if (!strcasecmp(v.c_str(), "on") || (!v.empty() && std::string_view("TtYy").find(v[0]) != std::string_view::npos) ||
        v == "1") {
        return true;
    }
    return std::nullopt;
}

// First letter (or digit) as mod_jk reads them; anything else is the default.
balancer::RuntimeActivation as_activation(const std::string& v) {
    const char c = v.empty() ? 'A' : v[0];
    if (c == 'd' || c == 'D' || c == '1') return balancer::RuntimeActivation::disabled;
    if (c == 's' || c == 'S' || c == '2') return balancer::RuntimeActivation::stopped;
    return balancer::RuntimeActivation::active;
}

config::LbMethod as_method(const std::string& v) {
    const char c = v.empty() ? 'R' : v[0];
    switch (c) {
    case 't': case 'T': case '1': return config::LbMethod::traffic;
    case 'b': case 'B': case '2': return config::LbMethod::busyness;
    case 's': case 'S': case '3': return config::LbMethod::sessions;
    case 'n': case 'N': case '4': return config::LbMethod::next;
    default: return config::LbMethod::requests;
    }
}

config::LbLock as_lock(const std::string& v) {
    return !v.empty() && (v[0] == 'p' || v[0] == 'P' || v[0] == '1') ? config::LbLock::pessimistic
                                                                      : config::LbLock::optimistic;
}

std::string_view activation_text(balancer::RuntimeActivation a) { return balancer::to_string(a); }

std::string_view method_text(config::LbMethod m) {
    switch (m) {
    case config::LbMethod::requests: return "Request";
    case config::LbMethod::traffic: return "Traffic";
    case config::LbMethod::busyness: return "Busyness";
    case config::LbMethod::sessions: return "Sessions";
    case config::LbMethod::next: return "Next";
    }
    return "Request";
}

std::string_view lock_text(config::LbLock l) { return l == config::LbLock::pessimistic ? "Pessimistic" : "Optimistic"; }

// Who a change is about, worded as mod_jk's log lines word it.
struct Subject {
    std::string_view status;
    std::string_view name;     // the member or ajp13 worker
    std::string_view lb;       // empty for a standalone ajp13 worker

    std::string line(std::string_view attribute, std::string_view from, std::string_view to) const {
        std::string s = "Status worker '" + std::string(status) + "' changing '" + std::string(attribute) + "' for ";
        s += lb.empty() ? "ajp worker '" + std::string(name) + "'"
                        : "sub worker '" + std::string(name) + "' of lb worker '" + std::string(lb) + "'";
        return s + " from '" + std::string(from) + "' to '" + std::string(to) + "'";
    }
};

// One integer setting: its parameter, mod_jk's range, and where it lives.
template <typename Owner>
struct IntField {
    std::string_view param;
    std::string_view attribute;
    int min;
    int max;
    int (*get)(const Owner&);
    void (*set)(Owner&, int);
    int align = 1;  // max_packet_size is rounded up to a multiple of 1024
};

template <typename Owner>
bool update_int(const IntField<Owner>& f, const std::string* text, Owner& owner, const Subject& who,
                std::vector<std::string>& changes) {
    if (!text) return false;
    long long value = as_int(*text);
    if (f.align > 1) value = (value + f.align - 1) / f.align * f.align;
    const int old = f.get(owner);
    if (value == old || value < f.min || value > f.max) return false;
    changes.push_back(who.line(f.attribute, std::to_string(old), std::to_string(value)));
    f.set(owner, static_cast<int>(value));
    return true;
}

using AjpField = IntField<balancer::AjpSettings>;
using std::chrono::milliseconds;
using std::chrono::seconds;

// In mod_jk's order of commit_member; host and port are handled apart (they must resolve).
const AjpField kAjpFields[] = {
    {"vacpt", "connection_pool_timeout", 0, INT_MAX, [](const auto& s) { return int(s.connection_pool_timeout.count()); },
     [](auto& s, int v) { s.connection_pool_timeout = seconds(v); }},
    {"vapng", "ping_timeout", 0, INT_MAX, [](const auto& s) { return int(s.ping_timeout.count()); },
     [](auto& s, int v) { s.ping_timeout = milliseconds(v); }},
    {"vact", "connect_timeout", 0, INT_MAX, [](const auto& s) { return int(s.connect_timeout.count()); },
     [](auto& s, int v) { s.connect_timeout = milliseconds(v); }},
    {"vapt", "prepost_timeout", 0, INT_MAX, [](const auto& s) { return int(s.prepost_timeout.count()); },
     [](auto& s, int v) { s.prepost_timeout = milliseconds(v); }},
    {"vart", "reply_timeout", 0, INT_MAX, [](const auto& s) { return int(s.reply_timeout.count()); },
     [](auto& s, int v) { s.reply_timeout = milliseconds(v); }},
    {"var", "retries", 1, INT_MAX, [](const auto& s) { return s.retries; }, [](auto& s, int v) { s.retries = v; }},
    {"vari", "retry_interval", 1, INT_MAX, [](const auto& s) { return int(s.retry_interval.count()); },
     [](auto& s, int v) { s.retry_interval = milliseconds(v); }},
    {"vacpi", "connection_ping_interval", 1, INT_MAX,
     [](const auto& s) { return int(s.connection_ping_interval.count()); },
     [](auto& s, int v) { s.connection_ping_interval = seconds(v); }},
    {"varo", "recovery_options", 0, INT_MAX, [](const auto& s) { return int(s.recovery_options); },
     [](auto& s, int v) { s.recovery_options = static_cast<unsigned>(v); }},
    {"vabl", "busy_limit", 0, INT_MAX, [](const auto& s) { return s.busy_limit; }, [](auto& s, int v) { s.busy_limit = v; }},
    {"vamps", "max_packet_size", 8192, 65536, [](const auto& s) { return s.max_packet_size; },
     [](auto& s, int v) { s.max_packet_size = v; }, 1024},
};

using MemberField = IntField<MemberValues>;
const MemberField kLbfactor{"vwf", "lbfactor", 1, INT_MAX, [](const MemberValues& m) { return m.lbfactor; },
                            [](MemberValues& m, int v) { m.lbfactor = v; }};
const MemberField kDistance{"vwd", "distance", 0, INT_MAX, [](const MemberValues& m) { return m.lb.distance; },
                            [](MemberValues& m, int v) { m.lb.distance = v; }};

std::string too_long(std::string_view what, const std::string& value, std::string_view name) {
    return "Update failed (at least partially): new " + std::string(what) + " '" + value + "' too long for sub worker '" +
           std::string(name) + "', see log file for details.";
}

// A text setting (route, redirect, domain): false with `error` set when it is too long.
bool update_text(std::string_view attribute, std::string_view what, const std::string* text, std::string& field,
                 const Subject& who, UpdateResult& result, bool& changed) {
    if (!text) return true;
    if (text->size() > kMaxText) {
        result.error = too_long(what, *text, who.name);
        return false;
    }
    if (*text == field) return true;
    result.changes.push_back(who.line(attribute, field, *text));
    field = *text;
    changed = true;
    return true;
}

// host and port go together: the new address must resolve, or neither changes.
bool update_address(balancer::AjpSettings& s, const StatusRequest& request, const Subject& who, const Resolver& resolves,
                    UpdateResult& result, bool& changed) {
    int port = s.port;
    std::string host = s.host;
    bool moved = false;
    std::vector<std::string> lines;
    if (const auto* p = param(request, "vaprt")) {
        const int value = as_int(*p);
        if (value != port && value >= 0) {
            lines.push_back(who.line("port", std::to_string(port), std::to_string(value)));
            port = value;
            moved = true;
        }
    }
    if (const auto* h = param(request, "vahst")) {
        if (h->size() > kMaxText) {
            result.error = too_long("host name", *h, who.name);
            return false;
        }
        if (*h != host) {
            lines.push_back("Status worker '" + std::string(who.status) + "' changing 'host' for sub worker '" +
                            std::string(who.name) + "' from '" + host + "' to '" + *h + "'");
            host = *h;
            moved = true;
        }
    }
    if (!moved) return true;
    if (!resolves(host, port)) {
        result.error = "Update failed (at least partially): could not resolve address '" + host + ":" +
                       std::to_string(port) + "' for sub worker '" + std::string(who.name) + "'.";
        return false;
    }
    s.host = host;
    s.port = port;
    result.changes.insert(result.changes.end(), lines.begin(), lines.end());
    changed = true;
    return true;
}

// commit_member: the member's lb attributes (when it is one) then its ajp13 attributes.
bool commit_member(MemberValues& m, bool is_member, const StatusRequest& request, const Subject& who,
                   const Resolver& resolves, UpdateResult& result, bool& lb_changed, bool& ajp_changed) {
    bool ok = true;
    if (is_member) {
        if (const auto* a = param(request, "vwa")) {
            const auto to = as_activation(*a);
            if (to != m.activation) {
                result.changes.push_back(who.line("activation", activation_text(m.activation), activation_text(to)));
                m.activation = to;
                result.activation_changed = true;
            }
        }
        if (update_int(kLbfactor, param(request, kLbfactor.param), m, who, result.changes)) result.lbfactor_changed = true;
        const auto* route = param(request, "vwn");
        const std::string before = m.lb.route;
        ok = update_text("route", "route", route, m.lb.route, who, result, lb_changed) && ok;
        // As mod_jk: a new route "a.b" gives an empty domain the part before the dot.
        if (m.lb.route != before && m.lb.domain.empty() && m.lb.route.find('.') != std::string::npos) {
            m.lb.domain = m.lb.route.substr(0, m.lb.route.find('.'));
        }
        ok = update_text("redirect", "redirect", param(request, "vwr"), m.lb.redirect, who, result, lb_changed) && ok;
        ok = update_text("domain", "domain", param(request, "vwc"), m.lb.domain, who, result, lb_changed) && ok;
        if (update_int(kDistance, param(request, kDistance.param), m, who, result.changes)) lb_changed = true;
    }
    if (update_int(kAjpFields[0], param(request, kAjpFields[0].param), m.ajp, who, result.changes)) ajp_changed = true;
    ok = update_address(m.ajp, request, who, resolves, result, ajp_changed) && ok;
    for (std::size_t i = 1; i < std::size(kAjpFields); ++i) {
        if (update_int(kAjpFields[i], param(request, kAjpFields[i].param), m.ajp, who, result.changes)) ajp_changed = true;
    }
    return ok;
}

using LbField = IntField<balancer::LbSettings>;
const LbField kLbFields[] = {
    {"vlr", "retries", 1, INT_MAX, [](const auto& s) { return s.retries; }, [](auto& s, int v) { s.retries = v; }},
    {"vlri", "retry_interval", 1, INT_MAX, [](const auto& s) { return int(s.retry_interval.count()); },
     [](auto& s, int v) { s.retry_interval = milliseconds(v); }},
    {"vlt", "recover_time", 1, INT_MAX, [](const auto& s) { return int(s.recover_time.count()); },
     [](auto& s, int v) { s.recover_time = seconds(v); }},
    {"vlee", "error_escalation_time", 1, INT_MAX, [](const auto& s) { return int(s.error_escalation_time.count()); },
     [](auto& s, int v) { s.error_escalation_time = seconds(v); }},
    {"vlx", "max_reply_timeouts", 0, INT_MAX, [](const auto& s) { return s.max_reply_timeouts; },
     [](auto& s, int v) { s.max_reply_timeouts = v; }},
};

std::string lb_line(std::string_view status, std::string_view lb, std::string_view attribute, std::string_view from,
                    std::string_view to) {
    return "Status worker '" + std::string(status) + "' changing '" + std::string(attribute) + "' for lb worker '" +
           std::string(lb) + "' from '" + std::string(from) + "' to '" + std::string(to) + "'";
}

// commit_worker: the lb's own attributes.
void commit_lb(LbValues& lb, const StatusRequest& request, std::string_view status, UpdateResult& result) {
    auto& s = lb.settings;
    for (const auto& f : kLbFields) {
        const auto* text = param(request, f.param);
        if (!text) continue;
        const int value = as_int(*text);
        const int old = f.get(s);
        if (value == old || value < f.min) continue;
        result.changes.push_back(lb_line(status, lb.name, f.attribute, std::to_string(old), std::to_string(value)));
        f.set(s, value);
        result.lb_changed = true;
    }
    const auto flag = [&](std::string_view name, std::string_view attribute, bool& field) {
        const auto* text = param(request, name);
        if (!text) return;
        const bool value = as_bool(*text).value_or(field);
        if (value == field) return;
        result.changes.push_back(lb_line(status, lb.name, attribute, field ? "1" : "0", value ? "1" : "0"));
        field = value;
        result.lb_changed = true;
    };
    flag("vls", "sticky_session", s.sticky_session);
    flag("vlf", "sticky_session_force", s.sticky_session_force);
    if (const auto* m = param(request, "vlm"); m && as_method(*m) != s.method) {
        result.changes.push_back(lb_line(status, lb.name, "method", method_text(s.method), method_text(as_method(*m))));
        s.method = as_method(*m);
        result.lb_changed = true;
    }
    if (const auto* l = param(request, "vll"); l && as_lock(*l) != s.lock) {
        result.changes.push_back(lb_line(status, lb.name, "lock", lock_text(s.lock), lock_text(as_lock(*l))));
        s.lock = as_lock(*l);
        result.lb_changed = true;
    }
}

// commit_all_members: one attribute (att) for every member, member N's value in val<N>.
void commit_all(LbValues& lb, const StatusRequest& request, std::string_view status, const Resolver& resolves,
                UpdateResult& result) {
    static constexpr std::string_view kMemberParams[] = {"vwa", "vwf", "vwn", "vwr", "vwc", "vwd"};
    bool known = std::find(std::begin(kMemberParams), std::end(kMemberParams), request.attribute) != std::end(kMemberParams);
    for (const auto& f : kAjpFields) known = known || f.param == request.attribute;
    if (!known) return;  // mod_jk logs "unknown attribute" and changes nothing
    for (std::size_t i = 0; i < lb.members.size(); ++i) {
        const auto* value = param(request, "val" + std::to_string(i));
        if (!value) continue;
        // The mass edit is an ordinary member edit with one parameter.
        StatusRequest one;
        one.params.emplace_back(request.attribute, *value);
        const Subject who{status, lb.members[i].name, lb.name};
        bool lb_changed = false;
        bool ajp_changed = false;
        UpdateResult part;
        commit_member(lb.members[i], true, one, who, resolves, part, lb_changed, ajp_changed);
        // As mod_jk, a failing member (a too long route) is logged, and the others still change.
        result.changes.insert(result.changes.end(), part.changes.begin(), part.changes.end());
        result.activation_changed = result.activation_changed || part.activation_changed;
        result.lbfactor_changed = result.lbfactor_changed || part.lbfactor_changed;
        result.lb_changed = result.lb_changed || lb_changed;
        result.ajp_changed[i] = result.ajp_changed[i] || ajp_changed;
        if (part.error) result.changes.push_back(*part.error);
    }
}

}  // namespace

UpdateResult plan_update(LbValues& lb, const StatusRequest& request, std::string_view status_name,
                         const Resolver& resolves) {
    UpdateResult result;
    result.ajp_changed.assign(lb.members.size(), false);
    if (request.sub_worker.empty()) {
        if (param(request, "att")) {
            commit_all(lb, request, status_name, resolves, result);
        } else {
            commit_lb(lb, request, status_name, result);
        }
        return result;
    }
    const bool wildcard = request.sub_worker.find_first_of("*?") != std::string::npos;
    bool found = false;
    for (std::size_t i = 0; i < lb.members.size(); ++i) {
        MemberValues& m = lb.members[i];
        if (wildcard ? !config::wildcard_match(request.sub_worker, m.name) : m.name != request.sub_worker) continue;
        found = true;
        const Subject who{status_name, m.name, lb.name};
        bool ajp_changed = false;
        const bool ok = commit_member(m, true, request, who, resolves, result, result.lb_changed, ajp_changed);
        result.ajp_changed[i] = ajp_changed;
        if (!ok) {
            if (!result.error) result.error = "Update failed (at least partially) for sub worker '" + m.name + "'";
            if (wildcard) *result.error += " Aborting further wildcard updates.";
            return result;
        }
        if (!wildcard) break;
    }
    if (!found) result.error = std::string(messages::kUnknownSubWorker);
    return result;
}

UpdateResult plan_update(AjpValues& ajp, const StatusRequest& request, std::string_view status_name,
                         const Resolver& resolves) {
    UpdateResult result;
    result.ajp_changed.assign(1, false);
    MemberValues m;
    m.name = ajp.name;
    m.ajp = ajp.settings;
    const Subject who{status_name, ajp.name, {}};
    bool lb_changed = false;
    bool ajp_changed = false;
    const bool ok = commit_member(m, false, request, who, resolves, result, lb_changed, ajp_changed);
    ajp.settings = m.ajp;
    result.ajp_changed[0] = ajp_changed;
    if (!ok && !result.error) result.error = "Update failed (at least partially) for worker '" + ajp.name + "'";
    return result;
}

}  // namespace ajpgate::status
