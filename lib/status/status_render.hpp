// The status worker's answer, in the four formats of mod_jk 1.2.48: one renderer per format
// (render_prop.cpp, render_txt.cpp, render_xml.cpp through libxml2's xmlTextWriter,
// render_html.cpp), all reading the same StatusPage. prop, txt and xml keep mod_jk's keys,
// order and spellings (status_keys.hpp); html is our own page with mod_jk's content.
//
// What the caller (modules/) does with a status request:
//   1. request = parse_status_request(query, posted form body);
//   2. error = request_error(page, request, settings, !user_allowed(settings, remote user));
//   3. no error and cmd is update/reset/recover: apply it; its failure is the error
//      (messages::kUpdateFailed or the update's own message, kResetFailed, kRecoverFailed);
//   4. rendered = render_status(page, context, {error}); answer it with
//        status 200 (always, errors included, as mod_jk does),
//        Content-Type: rendered.content_type (exactly "text/html", "text/xml" or "text/plain",
//                      without charset, as mod_jk sends them),
//        Cache-Control: no-cache
//        Pragma: no-cache
//      and rendered.body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/worker_model.hpp"
#include "status/status_model.hpp"
#include "status/status_request.hpp"

namespace ajpgate::status {

// How the request went, decided before rendering (access, read-only, the command's own
// result). error: mod_jk's message for worker.result.message ("Invalid command.", ...).
struct ActionResult {
    std::optional<std::string> error;
};

struct RenderContext {
    const config::StatusWorker* settings = nullptr;  // prefix, ns, xmlns, doctype, css, read_only
    const StatusRequest* request = nullptr;
    std::string request_uri;   // the status worker's URI as requested (links, forms)
    bool read_only = false;    // the worker's read_only, or opt=0x20 (see is_read_only; html ORs it in)
};

struct Rendered {
    std::string content_type;  // "text/html", "text/xml" or "text/plain" (mod_jk: no charset)
    std::string body;
    int status = 200;          // mod_jk's formats: always 200; json and prometheus: answer_status()
    // More response headers (the dashboard's Content-Security-Policy and friends).
    std::vector<std::pair<std::string, std::string>> headers = {};
};

// The HTTP status of an answer: 200 for mod_jk's formats, errors included (as mod_jk); for
// json and prometheus 403 (access, read-only), 404 (no such worker or member), 409 (the
// action failed), 400 (any other error in the request).
int answer_status(Mime mime, const ActionResult& result);

// The format a request path asks for by itself: <mount>/metrics is Prometheus' (a scrape
// config names a path, not a query); nullopt for any other path.
std::optional<Mime> mime_of_path(std::string_view path);

// The whole answer for any command: header, the command's view (list, show, edit form,
// version, dump) or, for update/reset/recover, nothing but the result (and an HTML
// redirect back), then the result line (worker.result.type/message) and the footer.
// `page` may be partial for commands that show nothing. An unknown mime answers in prop
// format as text/plain (mod_jk does the same).
Rendered render_status(const StatusPage& page, const RenderContext& context, const ActionResult& result);

// mod_jk's member rating for the lb summary (good/degraded/bad): +1 good, -1 bad, 0 degraded,
// from the status worker's `good` and `bad` lists (activation letter, '.', state letter).
// Bad wins over good; empty lists mean mod_jk's defaults (a.o,a.i,a.b,a.r and s,e).
int rate_member(const MemberView& member, const config::StatusWorker& settings);

// Checks that `w` (and `sw`) name a shown worker (and member) as mod_jk's check_worker does;
// the error message as mod_jk words it ("Could not find given worker", ...).
std::optional<std::string> check_target(const StatusPage& page, const StatusRequest& request, bool allow_wildcards);

// Read-only for this request: the worker's read_only, or the opt bit 0x20.
bool is_read_only(const config::StatusWorker& settings, const StatusRequest& request);

// mod_jk's access rule: with a `user` list, only a listed user (compared case-insensitively
// with user_case_insensitive); without one, everybody. `remote_user` is nullopt when httpd
// authenticated nobody.
bool user_allowed(const config::StatusWorker& settings, std::optional<std::string_view> remote_user);

// The error decided before any command runs, in mod_jk's order: a malformed request, access
// denied (this one replaces the former), read-only, unknown command, unknown mime, then
// check_target for show/edit/update/reset/recover/drain (wildcards only for update), and
// cmd=drain's own parameters (status_drain.hpp).
std::optional<std::string> request_error(const StatusPage& page, const StatusRequest& request,
                                         const config::StatusWorker& settings, bool access_denied);

}  // namespace ajpgate::status
