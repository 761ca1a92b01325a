// The status worker's answer, in the four formats of mod_jk 1.2.48: one renderer per format
// (render_prop.cpp, render_txt.cpp, render_xml.cpp through libxml2's xmlTextWriter,
// render_html.cpp), all reading the same StatusPage.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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
    bool read_only = false;    // the worker's read_only, or opt=0x20
};

struct Rendered {
    std::string content_type;  // "text/html", "text/xml", "text/plain" (charset as mod_jk)
    std::string body;
};

// The whole answer for any command: header, the command's view (list, show, edit form,
// version, dump) or, for update/reset/recover, nothing but the result (and an HTML
// redirect back), then the result line (worker.result.type/message) and the footer.
// `page` may be partial for commands that show nothing.
Rendered render_status(const StatusPage& page, const RenderContext& context, const ActionResult& result);

// mod_jk's member rating for the lb summary (good/degraded/bad): +1 good, -1 bad, 0 degraded,
// from the status worker's `good` and `bad` lists (activation letter, '.', state letter).
int rate_member(const MemberView& member, const config::StatusWorker& settings);

// Checks that `w` (and `sw`) name a shown worker (and member) as mod_jk's check_worker does;
// the error message as mod_jk words it ("Could not find given worker", ...).
std::optional<std::string> check_target(const StatusPage& page, const StatusRequest& request, bool allow_wildcards);

}  // namespace ajpgate::status
