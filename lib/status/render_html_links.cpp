// Links and forms back to the status worker (mod_jk's status_write_uri() and
// status_start_form(), with the values URL-encoded and HTML-escaped).
#include "status/render_html.hpp"

namespace ajpgate::status::detail::html {

namespace {

bool remembers_origin(Command cmd) {
    return cmd == Command::edit || cmd == Command::reset || cmd == Command::recover || cmd == Command::drain;
}

Command or_list(Command cmd) {
    return cmd == Command::unknown ? Command::list : cmd;
}

}  // namespace

Params View::params(const Target& target) const {
    Params params;
    params.emplace_back("cmd", std::string(to_string(target.cmd)));
    if (remembers_origin(target.cmd)) {
        params.emplace_back("from", std::string(to_string(or_list(request.cmd))));
        if (!request.sub_worker.empty()) {
            params.emplace_back("psw", request.sub_worker);
        }
    }
    if (const std::string* mime = request.find("mime")) {
        params.emplace_back("mime", *mime);
    }
    if (!target.worker.empty()) params.emplace_back("w", std::string(target.worker));
    if (!target.sub_worker.empty()) params.emplace_back("sw", std::string(target.sub_worker));
    if (!target.attribute.empty()) params.emplace_back("att", std::string(target.attribute));
    const std::string* refresh = request.find("re");
    if (refresh && target.keep_refresh && (target.cmd == Command::list || target.cmd == Command::show)) {
        params.emplace_back("re", *refresh);
    }
    if (const unsigned opt = (request.options | target.add_options) & ~target.remove_options) {
        params.emplace_back("opt", std::to_string(opt));
    }
    return params;
}

std::string View::href(const Target& target) const {
    std::string url = context.request_uri;
    char separator = '?';
    for (const auto& [name, value] : params(target)) {
        url += separator + url_encode(name) + "=" + url_encode(value);
        separator = '&';
    }
    return escape(url);
}

void View::link(const Target& target, std::string_view label) const {
    out.raw("<a href=\"").raw(href(target)).raw("\">").text(label).raw("</a>");
}

void View::hidden_fields(const Params& fields) const {
    for (const auto& [name, value] : fields) {
        out.raw("<input type=\"hidden\" name=\"").text(name).raw("\" value=\"").text(value).raw("\">\n");
    }
}

void View::post_button(const Target& target, std::string_view label, std::string_view title) const {
    out.raw("<form class=\"inline\" method=\"post\" action=\"").text(context.request_uri).raw("\">");
    hidden_fields(params(target));
    out.raw("<button type=\"submit\" title=\"").text(title).raw("\">").text(label).raw("</button></form>");
}

Target View::here() const {
    Target target;
    target.cmd = or_list(request.cmd);
    if (target.cmd == Command::show || target.cmd == Command::edit) {
        target.worker = request.worker;
        target.sub_worker = request.sub_worker;
    }
    if (target.cmd == Command::edit) {
        target.attribute = request.attribute;
    }
    return target;
}

Target View::back() const {
    Target target;
    const Command from = parse_command(request.from);
    target.cmd = (from == Command::show || from == Command::edit) ? from : Command::list;
    if (target.cmd != Command::list) {
        target.worker = request.worker;
        target.sub_worker = previous_sub_worker();
    }
    return target;
}

std::string_view View::previous_sub_worker() const {
    const std::string* previous = request.find("psw");
    return previous ? std::string_view(*previous) : std::string_view{};
}

}  // namespace ajpgate::status::detail::html
