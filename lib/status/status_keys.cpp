// The tables of status_keys.hpp. A row per value, in mod_jk 1.2.48's order; a value that
// sits at different places in different formats has one row per place (see
// connection_ping_interval), a value with format-specific names says so in its row.
#include "status/status_keys.hpp"

#include "status/render_common.hpp"

namespace ajpgate::status::keys {

namespace {

template <class T>
std::string num(T value) {
    return std::to_string(value);
}

std::string bool_text(bool value) {
    return value ? "True" : "False";
}

std::string text_or_empty(const std::optional<std::string>& text) {
    return text ? *text : std::string{};
}

using S = Scope;
using Q = Quote;
template <class Item>
using Part = std::span<const Field<Item>>;

// ---- header ----------------------------------------------------------------------------------
constexpr Field<HeaderItem> kServerFields[] = {
    {"server_name", "name", "name", S::top, Q::no, [](const HeaderItem& h) { return h.page->server_name; }},
    {"server_port", "port", "port", S::top, Q::no, [](const HeaderItem& h) { return num(h.page->server_port); }},
};
constexpr Field<HeaderItem> kTimeFields[] = {
    {"time_datetime", "datetime", "datetime", S::top, Q::no, [](const HeaderItem& h) { return h.datetime; }},
    {"time_tz", "tz", "tz", S::top, Q::no, [](const HeaderItem& h) { return h.tz; }},
    {"time_unix", "unix", "unix", S::top, Q::no, [](const HeaderItem& h) { return num(h.page->now); }},
};
constexpr Field<HeaderItem> kSoftwareFields[] = {
    {"web_server", "web_server", "web_server", S::top, Q::yes, [](const HeaderItem& h) { return h.page->web_server; }},
    {"jk_version", "jk_version", "jk_version", S::top, Q::no, [](const HeaderItem& h) { return h.page->jk_version; }},
};

// ---- worker counts -----------------------------------------------------------------------------
constexpr Field<CountItem> kLbCountFields[] = {
    {"lb_count", "count", "count", S::top, Q::no, [](const CountItem& c) { return num(c.count); }},
};
constexpr Field<CountItem> kAjpCountFields[] = {
    {"ajp_count", "count", "count", S::top, Q::no, [](const CountItem& c) { return num(c.count); }},
};

// ---- lb ----------------------------------------------------------------------------------------
constexpr Field<LbItem> kLbFields[] = {
    {"list", "name", "name", S::top, Q::no, [](const LbItem& i) { return i.lb->name; }},
    {"type", "type", "type", S::item, Q::no, [](const LbItem&) { return std::string("lb"); }},
    {"sticky_session", "sticky_session", "sticky_session", S::item, Q::no,
     [](const LbItem& i) { return bool_text(i.lb->sticky_session); }},
    {"sticky_session_force", "sticky_session_force", "sticky_session_force", S::item, Q::no,
     [](const LbItem& i) { return bool_text(i.lb->sticky_session_force); }},
    {"retries", "retries", "retries", S::item, Q::no, [](const LbItem& i) { return num(i.lb->retries); }},
    {"recover_time", "recover_time", "recover_time", S::item, Q::no,
     [](const LbItem& i) { return num(i.lb->recover_time); }},
    {"error_escalation_time", "error_escalation_time", "error_escalation_time", S::item, Q::no,
     [](const LbItem& i) { return num(i.lb->error_escalation_time); }},
    {"max_reply_timeouts", "max_reply_timeouts", "max_reply_timeouts", S::item, Q::no,
     [](const LbItem& i) { return num(i.lb->max_reply_timeouts); }},
    {"method", "method", "method", S::item, Q::no, [](const LbItem& i) { return i.lb->method; }},
    {"lock", "lock", "lock", S::item, Q::no, [](const LbItem& i) { return i.lb->lock; }},
    {"member_count", "member_count", "member_count", S::item, Q::no,
     [](const LbItem& i) { return num(i.lb->members.size()); }},
    {"good", "good", "good", S::item, Q::no, [](const LbItem& i) { return num(i.good); }},
    {"degraded", "degraded", "degraded", S::item, Q::no, [](const LbItem& i) { return num(i.degraded); }},
    {"bad", "bad", "bad", S::item, Q::no, [](const LbItem& i) { return num(i.bad); }},
    {"busy", "busy", "busy", S::item, Q::no, [](const LbItem& i) { return num(i.lb->busy); }},
    {"max_busy", "max_busy", "max_busy", S::item, Q::no, [](const LbItem& i) { return num(i.lb->max_busy); }},
    {"map_count", "map_count", "map_count", S::item, Q::no, [](const LbItem& i) { return num(i.lb->maps.size()); }},
    {"time_to_maintenance_min", "time_to_maintenance_min", "time_to_maintenance_min", S::item, Q::no,
     [](const LbItem& i) { return num(i.lb->time_to_maintenance_min); }},
    {"time_to_maintenance_max", "time_to_maintenance_max", "time_to_maintenance_max", S::item, Q::no,
     [](const LbItem& i) { return num(i.lb->time_to_maintenance_max); }},
    {"last_reset_at", "last_reset_at", "last_reset_at", S::item, Q::no,
     [](const LbItem& i) { return num(i.lb->last_reset_at); }},
    {"last_reset_ago", "last_reset_ago", "last_reset_ago", S::item, Q::no,
     [](const LbItem& i) { return num(i.now - i.lb->last_reset_at); }},
};

// ---- an ajp13 worker: lb member or standalone ---------------------------------------------------
constexpr Field<AjpItem> kMemberHead[] = {
    {"balance_workers", "name", "name", S::owner, Q::no, [](const AjpItem& i) { return i.ajp->name; }},
    {"type", "type", "type", S::item, Q::no, [](const AjpItem& i) { return i.ajp->type; }},
};
constexpr Field<AjpItem> kAjpHead[] = {
    {"list", "name", "name", S::owner, Q::no, [](const AjpItem& i) { return i.ajp->name; }},
    {"type", "type", "type", S::item, Q::no, [](const AjpItem& i) { return i.ajp->type; }},
};
constexpr Field<AjpItem> kAjpSettingsFields[] = {
    {"host", "host", "host", S::item, Q::no, [](const AjpItem& i) { return i.ajp->host; }},
    {"port", "port", "port", S::item, Q::no, [](const AjpItem& i) { return num(i.ajp->port); }},
    {"address", "address", "address", S::item, Q::no, [](const AjpItem& i) { return i.ajp->address; }},
    {"source", "source", "source", S::item, Q::no,
     [](const AjpItem& i) { return i.ajp->source.empty() ? std::string("undefined") : i.ajp->source; }},
    {"connection_pool_timeout", "connection_pool_timeout", "connection_pool_timeout", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->connection_pool_timeout); }},
    {"ping_timeout", "ping_timeout", "ping_timeout", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->ping_timeout); }},
    {"connect_timeout", "connect_timeout", "connect_timeout", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->connect_timeout); }},
    {"prepost_timeout", "prepost_timeout", "prepost_timeout", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->prepost_timeout); }},
    {"reply_timeout", "reply_timeout", "reply_timeout", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->reply_timeout); }},
    {"", "", "connection_ping_interval", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->connection_ping_interval); }},
    {"retries", "retries", "retries", S::item, Q::no, [](const AjpItem& i) { return num(i.ajp->retries); }},
    {"connection_ping_interval", "connection_ping_interval", "", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->connection_ping_interval); }},
    {"recovery_options", "recovery_options", "recovery_options", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->recovery_options); }},
    {"busy_limit", "busy_limit", "busy_limit", S::item, Q::no, [](const AjpItem& i) { return num(i.ajp->busy_limit); }},
    {"max_packet_size", "max_packet_size", "max_packet_size", S::item, Q::no,
     [](const AjpItem& i) { return num(i.ajp->max_packet_size); }},
};
constexpr Field<AjpItem> kMemberBalancing[] = {
    {"activation", "activation", "activation", S::item, Q::no, [](const AjpItem& i) { return i.member->activation; }},
    {"lbfactor", "lbfactor", "lbfactor", S::item, Q::no, [](const AjpItem& i) { return num(i.member->lbfactor); }},
    {"route", "route", "route", S::item, Q::yes, [](const AjpItem& i) { return i.member->route; }},
    {"redirect", "redirect", "redirect", S::item, Q::yes, [](const AjpItem& i) { return i.member->redirect; }},
    {"domain", "domain", "domain", S::item, Q::yes, [](const AjpItem& i) { return i.member->domain; }},
    {"distance", "distance", "distance", S::item, Q::no, [](const AjpItem& i) { return num(i.member->distance); }},
    {"state", "state", "state", S::item, Q::no, [](const AjpItem& i) { return i.member->state; }},
    {"lbmult", "lbmult", "lbmult", S::item, Q::no, [](const AjpItem& i) { return num(i.member->lbmult); }},
    {"lbvalue", "lbvalue", "lbvalue", S::item, Q::no, [](const AjpItem& i) { return num(i.member->lbvalue); }},
    {"elected", "elected", "elected", S::item, Q::no, [](const AjpItem& i) { return num(i.counters->used); }},
    {"sessions", "sessions", "sessions", S::item, Q::no, [](const AjpItem& i) { return num(i.member->sessions); }},
    {"errors", "errors", "errors", S::item, Q::no, [](const AjpItem& i) { return num(i.member->errors); }},
};
constexpr Field<AjpItem> kAjpUsage[] = {
    {"used", "used", "used", S::item, Q::no, [](const AjpItem& i) { return num(i.counters->used); }},
    {"errors", "errors", "errors", S::item, Q::no, [](const AjpItem& i) { return num(i.counters->errors); }},
};
constexpr Field<AjpItem> kAjpCounterFields[] = {
    {"client_errors", "client_errors", "client_errors", S::item, Q::no,
     [](const AjpItem& i) { return num(i.counters->client_errors); }},
    {"reply_timeouts", "reply_timeouts", "reply_timeouts", S::item, Q::no,
     [](const AjpItem& i) { return num(i.counters->reply_timeouts); }},
    {"transferred", "transferred", "transferred", S::item, Q::no,
     [](const AjpItem& i) { return num(i.counters->transferred); }},
    {"read", "read", "read", S::item, Q::no, [](const AjpItem& i) { return num(i.counters->read); }},
    {"busy", "busy", "busy", S::item, Q::no, [](const AjpItem& i) { return num(i.counters->busy); }},
    {"max_busy", "max_busy", "max_busy", S::item, Q::no, [](const AjpItem& i) { return num(i.counters->max_busy); }},
    {"connected", "connected", "connected", S::item, Q::no,
     [](const AjpItem& i) { return num(i.counters->connected); }},
    {"max_connected", "max_connected", "max_connected", S::item, Q::no,
     [](const AjpItem& i) { return num(i.counters->max_connected); }},
};
constexpr Field<AjpItem> kMemberRecovery[] = {
    {"time_to_recover_min", "time_to_recover_min", "time_to_recover_min", S::item, Q::no,
     [](const AjpItem& i) { return num(i.member->time_to_recover_min); }},
    {"time_to_recover_max", "time_to_recover_max", "time_to_recover_max", S::item, Q::no,
     [](const AjpItem& i) { return num(i.member->time_to_recover_max); }},
};
constexpr Field<AjpItem> kAjpMapCount[] = {
    {"map_count", "map_count", "map_count", S::owner, Q::no, [](const AjpItem& i) { return num(i.map_count); }},
};

bool has_error_time(const AjpItem& i) {
    return i.counters->error_time > 0;
}

constexpr Field<AjpItem> kResetAndError[] = {
    {"last_reset_at", "last_reset_at", "last_reset_at", S::owner, Q::no,
     [](const AjpItem& i) { return num(i.counters->last_reset_at); }},
    {"last_reset_ago", "last_reset_ago", "last_reset_ago", S::owner, Q::no,
     [](const AjpItem& i) { return num(i.now - i.counters->last_reset_at); }},
    {"error_time_datetime", "error_time_datetime", "error_time_datetime", S::owner, Q::no,
     [](const AjpItem& i) { return detail::format_time(i.counters->error_time, false).datetime; }, has_error_time},
    {"error_time_tz", "error_time_tz", "error_time_tz", S::owner, Q::no,
     [](const AjpItem& i) { return detail::format_time(i.counters->error_time, false).tz; }, has_error_time},
    {"error_time_unix seconds", "error_time_unix_seconds", "error_time_unix_seconds", S::owner, Q::no,
     [](const AjpItem& i) { return num(i.counters->error_time); }, has_error_time},
    {"error_time_ago seconds", "error_time_ago", "error_time_ago", S::owner, Q::no,
     [](const AjpItem& i) { return num(i.now - i.counters->error_time); }, has_error_time},
};

constexpr Part<AjpItem> kMemberParts[] = {kMemberHead,       kAjpSettingsFields, kMemberBalancing,
                                          kAjpCounterFields, kMemberRecovery,    kResetAndError};
constexpr Part<AjpItem> kAjpParts[] = {kAjpHead,          kAjpSettingsFields, kAjpUsage,
                                       kAjpCounterFields, kAjpMapCount,       kResetAndError};

// ---- maps and result ----------------------------------------------------------------------------
constexpr Field<MapItem> kMapFields[] = {
    {"", "id", "id", S::item, Q::no, [](const MapItem& i) { return num(i.id); }},
    {"server", "server", "server", S::item, Q::yes, [](const MapItem& i) { return i.map->server; },
     [](const MapItem& i) { return !i.map->server.empty(); }},
    {"uri", "uri", "uri", S::item, Q::yes, [](const MapItem& i) { return i.map->uri; }},
    {"type", "type", "type", S::item, Q::yes, [](const MapItem& i) { return i.map->type; }},
    {"source", "source", "source", S::item, Q::yes, [](const MapItem& i) { return i.map->source; }},
    {"reply_timeout", "reply_timeout", "reply_timeout", S::item, Q::yes,
     [](const MapItem& i) { return num(i.map->reply_timeout); }},
    {"sticky_ignore", "sticky_ignore", "sticky_ignore", S::item, Q::yes,
     [](const MapItem& i) { return num(i.map->sticky_ignore); }},
    {"stateless", "stateless", "stateless", S::item, Q::yes, [](const MapItem& i) { return num(i.map->stateless); }},
    {"fail_on_status", "fail_on_status", "fail_on_status", S::item, Q::yes,
     [](const MapItem& i) { return text_or_empty(i.map->fail_on_status); }},
    {"active", "active", "active", S::item, Q::yes, [](const MapItem& i) { return text_or_empty(i.map->active); }},
    {"disabled", "disabled", "disabled", S::item, Q::yes,
     [](const MapItem& i) { return text_or_empty(i.map->disabled); }},
    {"stopped", "stopped", "stopped", S::item, Q::yes, [](const MapItem& i) { return text_or_empty(i.map->stopped); }},
    {"use_server_errors", "use_server_errors", "use_server_errors", S::item, Q::yes,
     [](const MapItem& i) { return num(i.map->use_server_errors); }},
};

constexpr Field<ResultItem> kResultFields[] = {
    {"type", "type", "type", S::item, Q::no, [](const ResultItem& r) { return std::string(r.type); }},
    {"message", "message", "message", S::item, Q::yes, [](const ResultItem& r) { return std::string(r.message); }},
};

constexpr Part<HeaderItem> kServerParts[] = {kServerFields};
constexpr Part<HeaderItem> kTimeParts[] = {kTimeFields};
constexpr Part<HeaderItem> kSoftwareParts[] = {kSoftwareFields};
constexpr Part<CountItem> kLbCountParts[] = {kLbCountFields};
constexpr Part<CountItem> kAjpCountParts[] = {kAjpCountFields};
constexpr Part<LbItem> kLbParts[] = {kLbFields};
constexpr Part<MapItem> kMapParts[] = {kMapFields};
constexpr Part<ResultItem> kResultParts[] = {kResultFields};

}  // namespace

const Section<HeaderItem> kServer{"Server:", "server", kServerParts};
const Section<HeaderItem> kTime{"Time:", "time", kTimeParts};
const Section<HeaderItem> kSoftware{"Software:", "software", kSoftwareParts};
const Section<CountItem> kBalancerCount{"Balancer Workers:", "balancers", kLbCountParts};
const Section<CountItem> kAjpCount{"AJP Workers:", "ajp_workers", kAjpCountParts};
const Section<LbItem> kBalancer{"Balancer Worker:", "balancer", kLbParts};
const Section<AjpItem> kMember{"Member:", "member", kMemberParts};
const Section<AjpItem> kAjp{"AJP Worker:", "ajp", kAjpParts};
const Section<MapItem> kMap{"Map:", "map", kMapParts};
const Section<ResultItem> kResult{"Result:", "result", kResultParts};

}  // namespace ajpgate::status::keys
