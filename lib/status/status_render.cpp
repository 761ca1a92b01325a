#include "status/status_render.hpp"

#include "status/render_formats.hpp"
#include "status/status_messages.hpp"

namespace ajpgate::status {

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
