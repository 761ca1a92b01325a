#include "status/status_render.hpp"

#include "status/render_formats.hpp"
#include "status/status_messages.hpp"

namespace ajpgate::status {

namespace {

// The dashboard and its files: nothing from elsewhere, nothing inline, no framing, no caching.
void strict_headers(Rendered& answer) {
    answer.headers = {{"Content-Security-Policy",
                       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Cache-Control", "no-store"},
                      {"Referrer-Policy", "no-referrer"},
                      {"X-Frame-Options", "DENY"}};
}

Rendered dashboard_answer(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    Rendered answer;
    if (const std::string* asset = context.request->find("asset")) {
        const auto file = detail::dashboard_asset(*asset);
        answer = file ? *file : Rendered{"text/plain", "no such file\n", 404, {}};
    } else {
        answer = {"text/html; charset=utf-8", detail::render_dashboard(page, context, result),
                  result.error ? answer_status(Mime::json, result) : 200, {}};
    }
    strict_headers(answer);
    return answer;
}

}  // namespace

int answer_status(Mime mime, const ActionResult& result) {
    // mod_jk's formats answer 200 whatever happened (scripts read worker.result.type); ours
    // say it in the status code, which is what a JSON client or a scraper looks at.
    if (!result.error || (mime != Mime::json && mime != Mime::prometheus)) return 200;
    const std::string_view e = *result.error;
    if (e == messages::kAccessDenied || e == messages::kReadOnly) return 403;
    if (e == messages::kUnknownWorker || e == messages::kUnknownSubWorker) return 404;
    if (e == messages::kUpdateFailed || e == messages::kResetFailed || e == messages::kRecoverFailed ||
        e == messages::kDrainFailed) {
        return 409;
    }
    return 400;  // the request itself: parse errors, unknown command, missing or bad parameters
}

Rendered render_status(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    const Mime mime = context.request ? context.request->mime : Mime::html;
    if (context.request && context.request->cmd == Command::dashboard) return dashboard_answer(page, context, result);
    if (context.request && context.request->cmd == Command::history) {
        return {"application/json", detail::render_history(page, result), answer_status(Mime::json, result)};
    }
    switch (mime) {
    case Mime::html:
        return {"text/html", detail::render_html(page, context, result)};
    case Mime::xml:
        return {"text/xml", detail::render_xml(page, context, result)};
    case Mime::txt:
        return {"text/plain", detail::render_txt(page, context, result)};
    case Mime::json:
        return {"application/json", detail::render_json(page, context, result), answer_status(mime, result)};
    case Mime::prometheus:
        return {"text/plain; version=0.0.4; charset=utf-8", detail::render_prometheus(page, context, result),
                answer_status(mime, result)};
    case Mime::prop:
    case Mime::unknown:  // mod_jk answers an unknown mime's error as prop
        break;
    }
    return {"text/plain", detail::render_prop(page, context, result)};
}

std::optional<Mime> mime_of_path(std::string_view path) {
    constexpr std::string_view kMetrics = "/metrics";
    if (path.ends_with(kMetrics)) return Mime::prometheus;
    return std::nullopt;
}

}  // namespace ajpgate::status
