// The keys of mod_jk 1.2.48's status worker, one table per section of its output, read by
// the prop, txt and xml renderers alike, so the three formats cannot drift apart. Each row
// names the value in each format (empty: not shown in that format) and how to get it.
// conf/status-keys.md is generated from these tables (test_status_keys checks it).
//
// mod_jk's oddities kept on purpose (scripts parse them):
//  1. prop: a member's block starts with worker.<lb>.balance_workers=<member> (the key
//     repeats once per member) and ends with the lb's key names: last_reset_at,
//     last_reset_ago and error_time_* of the MEMBER are written as worker.<lb>.<key>.
//  2. prop: a standalone ajp worker starts with worker.<ajp>.list=<ajp> (not worker.list),
//     an lb with worker.list=<lb>.
//  3. prop: "error_time_unix seconds" and "error_time_ago seconds", with a space; txt and xml
//     say error_time_unix_seconds and error_time_ago. The four error_time keys appear only
//     when the worker has an error time.
//  4. xml: connection_ping_interval comes before retries; prop and txt put it after.
//  5. txt quotes route, redirect, domain, web_server, message and every map value except
//     id, and nothing else.
//  6. An lb's member rows carry elected (the ajp "used" counter), a standalone ajp worker
//     used; members have time_to_recover_min/max, ajp workers map_count.
//  7. Maps are numbered from 1 per worker across every virtual host (worker.<w>.map.<n>.*,
//     Map: id=<n>, <map id="n">); "server" only when the web server has virtual hosts.
//  8. lb_count / ajp_count (Balancer Workers: count=, <balancers count>) only when there is
//     such a worker; status workers are never listed.
//  9. xml: members and maps are children of <balancer>; an ajp worker's maps are siblings
//     of its (empty) <ajp> element inside <ajp_workers>.
// 10. sticky_session and sticky_session_force are "True"/"False".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "status/status_model.hpp"

namespace ajpgate::status::keys {

// prop: <prefix>.<key>, <prefix>.<item>.<key> or <prefix>.<owner>.<key>; owner is the lb
// for a member, the worker itself otherwise.
enum class Scope : std::uint8_t { top, item, owner };
enum class Quote : std::uint8_t { no, yes };  // txt only

template <class Item>
struct Field {
    std::string_view prop;
    std::string_view txt;
    std::string_view xml;
    Scope scope;
    Quote quote;
    std::string (*value)(const Item&);
    bool (*shown)(const Item&) = nullptr;  // nullptr: always

    bool visible(const Item& item) const { return shown == nullptr || shown(item); }
};

template <class Item>
struct Section {
    std::string_view title;        // txt "Member:", also the reference's heading
    std::string_view xml_element;  // without the ns prefix
    std::span<const std::span<const Field<Item>>> parts;
};

// ---- the items each section reads ----------------------------------------------------------
struct HeaderItem {
    const StatusPage* page;
    std::string datetime;
    std::string tz;
};

struct CountItem {
    int count;
};

struct LbItem {
    const LbView* lb;
    int good;
    int degraded;
    int bad;
    std::int64_t now;
};

// A member of an lb (member != nullptr, owner = the lb's name) or a standalone ajp worker.
struct AjpItem {
    const AjpSettings* ajp;
    const AjpCounters* counters;
    const MemberView* member;
    std::string_view owner;
    std::size_t map_count;
    std::int64_t now;
};

struct MapItem {
    const MapEntry* map;
    int id;
};

struct ResultItem {
    std::string_view type;  // "OK", "ERROR"
    std::string_view message;
};

extern const Section<HeaderItem> kServer;
extern const Section<HeaderItem> kTime;
extern const Section<HeaderItem> kSoftware;
extern const Section<CountItem> kBalancerCount;
extern const Section<CountItem> kAjpCount;
extern const Section<LbItem> kBalancer;
extern const Section<AjpItem> kMember;
extern const Section<AjpItem> kAjp;
extern const Section<MapItem> kMap;
extern const Section<ResultItem> kResult;

// prop's fixed item name of the result section: worker.result.type.
inline constexpr std::string_view kResultItem = "result";

// conf/status-keys.md: every section's keys per format.
std::string render_reference();

}  // namespace ajpgate::status::keys
