#include "modules/status_handler.hpp"

#include <apr_strings.h>

#include "modules/drain_checks.hpp"
#include "modules/jk_log_file.hpp"
#include "modules/lb_shared.hpp"
#include "modules/messages.hpp"
#include "modules/request_id.hpp"
#include "modules/status_actions.hpp"
#include "modules/status_snapshot.hpp"
#include "status/status_access.hpp"
#include "status/status_render.hpp"

namespace ajpgate::httpd {

namespace {

constexpr apr_off_t kMaxForm = 64 * 1024;  // the edit forms post a few hundred bytes

std::optional<std::string> header(request_rec* r, const char* name) {
    const char* v = apr_table_get(r->headers_in, name);
    return v ? std::optional<std::string>(v) : std::nullopt;
}

bool is_form(request_rec* r) {
    const char* type = apr_table_get(r->headers_in, "Content-Type");
    return type && !strncasecmp(type, "application/x-www-form-urlencoded", 33);
}

// The POSTed form of the HTML pages; false (status set) when it cannot be read.
bool read_form(request_rec* r, std::string& form, int& status) {
    if (r->method_number != M_POST || !is_form(r)) return true;
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK) {
        status = HTTP_BAD_REQUEST;
        return false;
    }
    if (!ap_should_client_block(r)) return true;
    char buffer[4096];
    for (long got; (got = ap_get_client_block(r, buffer, sizeof buffer)) > 0;) {
        form.append(buffer, static_cast<std::size_t>(got));
        if (static_cast<apr_off_t>(form.size()) > kMaxForm) {
            status = HTTP_REQUEST_ENTITY_TOO_LARGE;
            return false;
        }
    }
    return true;
}

// "from 127.0.0.1 (user admin)": who asked, for every line about a change or a refusal.
std::string who(request_rec* r) {
    std::string text = std::string("from ") + (r->useragent_ip ? r->useragent_ip : "?");
    if (r->user) text += std::string(" (user ") + r->user + ")";
    return text;
}

std::string own_origin(request_rec* r) {
    const char* host = apr_table_get(r->headers_in, "Host");
    return std::string(ap_http_scheme(r)) + "://" +
           (host ? std::string(host) : std::string(ap_get_server_name(r)) + ":" + std::to_string(ap_get_server_port(r)));
}

ActionOutcome run_action(ChildRuntime& runtime, const status::StatusRequest& request, const config::StatusWorker& worker,
                         request_rec* r) {
    switch (request.cmd) {
    case status::Command::update: return run_update(runtime, request, worker.name);
    case status::Command::reset: return run_reset(runtime, request, apr_time_sec(r->request_time));
    case status::Command::recover: return run_recover(runtime, request, worker.name);
    case status::Command::drain: return run_drain(runtime, request, worker.name);
    default: return {};
    }
}

int send(request_rec* r, const status::Rendered& answer) {
    r->status = answer.status;
    ap_set_content_type(r, apr_pstrdup(r->pool, answer.content_type.c_str()));
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    apr_table_setn(r->headers_out, "Pragma", "no-cache");
    for (const auto& [name, value] : answer.headers) {
        apr_table_set(r->headers_out, name.c_str(), value.c_str());
    }
    ap_set_content_length(r, static_cast<apr_off_t>(answer.body.size()));
    if (!r->header_only) ap_rwrite(answer.body.data(), static_cast<int>(answer.body.size()), r);
    return OK;
}

}  // namespace

int serve_status(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const GlobalConfig& global,
                 const config::StatusWorker& worker) {
    r->allowed = (AP_METHOD_BIT << M_GET) | (AP_METHOD_BIT << M_POST);
    if (r->method_number != M_GET && r->method_number != M_POST) return HTTP_METHOD_NOT_ALLOWED;
    const auto logger = request_logger(r, cfg);
    std::string form;
    int refused = OK;
    if (!read_form(r, form, refused)) return refused;
    status::StatusRequest request = status::parse_status_request(r->args ? r->args : "", form);
    if (!request.find("mime")) {
        if (const auto by_path = status::mime_of_path(r->uri ? r->uri : "")) request.mime = *by_path;
    }

    status::BrowserHints hints;
    hints.sec_fetch_site = header(r, "Sec-Fetch-Site");
    hints.origin = header(r, "Origin");
    hints.own_origin = own_origin(r);
    if (status::refused_as_cross_site(request.cmd, hints)) {
        logger.log(log::Level::warn, msg::status_refused,
                   "Status worker '" + worker.name + "': " + std::string(status::to_string(request.cmd)) +
                       " refused: sent by another site's page (" + who(r) + ", Origin " + hints.origin.value_or("none") +
                       ", Sec-Fetch-Site " + hints.sec_fetch_site.value_or("none") + ")");
        return HTTP_FORBIDDEN;
    }

    const std::optional<std::string_view> user = r->user ? std::optional<std::string_view>(r->user) : std::nullopt;
    run_drain_checks(runtime, logger);  // the progress shown is this moment's
    status::StatusPage page = take_snapshot(r, runtime, global);
    if (request.cmd == status::Command::history || request.cmd == status::Command::dashboard) {
        page.history = history_snapshot(runtime);
    }
    status::ActionResult result;
    result.error = status::request_error(page, request, worker, !status::user_allowed(worker, user));
    if (!result.error && status::changes_state(request.cmd)) {
        const ActionOutcome outcome = run_action(runtime, request, worker, r);
        for (const auto& change : outcome.changes) {
            logger.log(log::Level::info, msg::status_change, change + " (" + who(r) + ")");
            if (runtime.lb_shared_present() && runtime.lb_shared().actions()) {
                balancer::append_action(*runtime.lb_shared().actions(), apr_time_sec(r->request_time),
                                        change + " (" + who(r) + ")");
            }
        }
        result.error = outcome.error;
    }
    if (result.error) {
        logger.log(log::Level::warn, msg::status_refused, "Status worker '" + worker.name + "': " + *result.error +
                                                              " (" + std::string(status::to_string(request.cmd)) + " " +
                                                              who(r) + ")");
    }
    if (runtime.lb_shared_present() && runtime.lb_shared().actions()) {
        page.admin_actions = balancer::read_actions(*runtime.lb_shared().actions());  // after this request's own
    }
    status::RenderContext context;
    context.settings = &worker;
    context.request = &request;
    context.request_uri = r->uri;
    context.read_only = status::is_read_only(worker, request);
    return send(r, status::render_status(page, context, result));
}

}  // namespace ajpgate::httpd
