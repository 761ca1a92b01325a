#include "status/status_render.hpp"

#include "status/render_formats.hpp"

namespace ajpgate::status {

Rendered render_status(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    const Mime mime = context.request ? context.request->mime : Mime::html;
    switch (mime) {
    case Mime::html:
        return {"text/html", detail::render_html(page, context, result)};
    case Mime::xml:
        return {"text/xml", detail::render_xml(page, context, result)};
    case Mime::txt:
        return {"text/plain", detail::render_txt(page, context, result)};
    case Mime::prop:
    case Mime::unknown:  // mod_jk answers an unknown mime's error as prop
        break;
    }
    return {"text/plain", detail::render_prop(page, context, result)};
}

}  // namespace ajpgate::status
