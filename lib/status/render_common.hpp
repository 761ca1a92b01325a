// What every renderer of the status worker shares: mod_jk's command properties, the time
// formats, the status worker's resolved settings, finding a shown worker. Internal to
// lib/status.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/worker_model.hpp"
#include "status/status_model.hpp"
#include "status/status_render.hpp"
#include "status/status_request.hpp"

namespace ajpgate::status::detail {

// ---- mod_jk's status_cmd_props() ----------------------------------------------------------
// list/show/version/dump print time and software after the server line.
bool shows_head(Command cmd) noexcept;
// update/reset/recover/drain answer with nothing but their result.
bool is_action(Command cmd) noexcept;
// edit/update/reset/recover are refused in read-only mode.
bool needs_write(Command cmd) noexcept;
// show/edit/update/reset/recover name a worker (w, sw) that must exist.
bool needs_target(Command cmd) noexcept;

// ---- time ----------------------------------------------------------------------------------
// mod_jk's formats in the local time zone: "%Y%m%d%H%M%S" (html: "%Y-%m-%d %H:%M:%S %z")
// and "%z".
struct TimeText {
    std::string datetime;
    std::string tz;
};
TimeText format_time(std::int64_t unix_seconds, bool html);

// ---- settings ------------------------------------------------------------------------------
// mod_jk's defaults when the caller passes no settings.
const config::StatusWorker& default_settings();
const config::StatusWorker& settings_of(const RenderContext& context);
// ns and xmlns: a value starting with '-' means none (mod_jk's jk_get_worker_name_space).
std::string_view xml_prefix(const config::StatusWorker& settings);
std::string_view xml_namespace_text(const config::StatusWorker& settings);

// ---- the page ------------------------------------------------------------------------------
const WorkerView* find_worker(const StatusPage& page, std::string_view name);
const MemberView* find_member(const LbView& lb, std::string_view name);
bool has_wildcards(std::string_view name) noexcept;

struct Rating {
    int good = 0;
    int degraded = 0;
    int bad = 0;
};
Rating rate_members(const LbView& lb, const config::StatusWorker& settings);

// `text` as a JSON string, quotes included: '"' and '\' escaped, every control byte and
// every byte over 0x7e as \u00XX (names come from a properties file of no known encoding:
// each byte stays one character, Latin-1 style). For mime=json and cmd=history.
void append_json_string(std::string& out, std::string_view text);

struct WorkerCounts {
    int lb = 0;
    int ajp = 0;
};
WorkerCounts count_workers(const StatusPage& page);

// The request's options, or none when there is no request.
unsigned options_of(const RenderContext& context) noexcept;
const StatusRequest& request_of(const RenderContext& context);

// The one member `sw` names for cmd=show (nullptr: every member).
const MemberView* shown_member(const LbView& lb, const RenderContext& context);

}  // namespace ajpgate::status::detail
