// The renderers behind render_status(), one per format. Internal to lib/status.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "status/status_render.hpp"

namespace ajpgate::status::detail {

std::string render_prop(const StatusPage& page, const RenderContext& context, const ActionResult& result);
std::string render_txt(const StatusPage& page, const RenderContext& context, const ActionResult& result);
std::string render_xml(const StatusPage& page, const RenderContext& context, const ActionResult& result);
std::string render_json(const StatusPage& page, const RenderContext& context, const ActionResult& result);
std::string render_prometheus(const StatusPage& page, const RenderContext& context, const ActionResult& result);
std::string render_history(const StatusPage& page, const ActionResult& result);
std::string render_dashboard(const StatusPage& page, const RenderContext& context, const ActionResult& result);
std::optional<Rendered> dashboard_asset(std::string_view name);
std::string render_html(const StatusPage& page, const RenderContext& context, const ActionResult& result);

}  // namespace ajpgate::status::detail
