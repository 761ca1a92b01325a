// mime=html: written in the next commit.
#include "status/render_formats.hpp"

namespace ajpgate::status::detail {

std::string render_html(const StatusPage&, const RenderContext&, const ActionResult&) {
    return {};
}

}  // namespace ajpgate::status::detail
