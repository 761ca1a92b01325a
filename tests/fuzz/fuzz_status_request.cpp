// Fuzz target for the status worker's request parser and renderers: the bytes up to the
// first '\n' are the query string, the rest a POSTed form body.
//
// Beyond "no crash": no parameter carries a character mod_jk masks (< > ? "), names are
// unique, and the answer renders; the XML answer is well-formed. Each input renders in one
// mime (by its length: every mime gets inputs of every shape), not in all six: rendering a
// page under ASan is most of an execution. The JSON answer has JSON's shape.
#include <libxml/parser.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "status/status_render.hpp"
#include "status/status_request.hpp"

using namespace ajpgate;

namespace {

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

status::StatusPage small_page() {
    status::StatusPage page;
    page.server_name = "fuzz";
    page.server_port = 80;
    page.now = 1700000000;
    status::LbView lb;
    lb.name = "lb";
    status::MemberView member;
    member.ajp.name = "node1";
    member.activation = "ACT";
    member.state = "ERR";
    member.counters.error_time = 1690000000;
    lb.members.push_back(member);
    page.workers.emplace_back(lb);
    status::AjpWorkerView ajp;
    ajp.ajp.name = "solo";
    page.workers.emplace_back(ajp);
    return page;
}

void check_parameters(const status::StatusRequest& request) {
    std::set<std::string_view> names;
    for (const auto& [name, value] : request.params) {
        require(names.insert(name).second);
        require(name.find_first_of("<>?\"") == std::string::npos);
        require(value.find_first_of("<>?\"") == std::string::npos);
    }
    require(request.query.find_first_of("<>?\"") == std::string::npos);
}

// JSON's shape without a parser: brackets balanced and nested right outside strings, no raw
// control character inside one, every escape one JSON knows, one top-level object.
bool json_shape_ok(std::string_view text) {
    std::string open;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (static_cast<unsigned char>(c) < 0x20) return false;
            if (c == '\\') {
                constexpr std::string_view kEscapes = "\"\\/bfnrtu";
                if (++i >= text.size() || kEscapes.find(text[i]) == std::string_view::npos) return false;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            open.push_back(c);
        } else if (c == '}' || c == ']') {
            if (open.empty() || open.back() != (c == '}' ? '{' : '[')) return false;
            open.pop_back();
            if (open.empty() && text.substr(i + 1) != "\n") return false;
        }
    }
    return open.empty() && !in_string && text.starts_with('{');
}

void render(const status::StatusPage& page, status::StatusRequest request, status::Mime mime) {
    config::StatusWorker settings;
    settings.prefix = "worker";
    settings.ns = "jk:";
    settings.xmlns = "xmlns:jk=\"http://tomcat.apache.org\"";
    request.mime = mime;
    status::RenderContext context;
    context.settings = &settings;
    context.request = &request;
    context.request_uri = "/jkstatus";
    context.read_only = status::is_read_only(settings, request);
    const auto error = status::request_error(page, request, settings, false);
    const status::Rendered rendered = status::render_status(page, context, status::ActionResult{error});
    require(!rendered.body.empty());
    if (mime == status::Mime::xml) {
        xmlDoc* doc = xmlReadMemory(rendered.body.data(), static_cast<int>(rendered.body.size()), "fuzz.xml",
                                    nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        require(doc != nullptr);
        xmlFreeDoc(doc);
    }
    if (mime == status::Mime::json) require(json_shape_ok(rendered.body));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const status::StatusPage page = small_page();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view query = input.substr(0, newline);
    const std::string_view form = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
    const status::StatusRequest request = status::parse_status_request(query, form);
    check_parameters(request);
    constexpr status::Mime mimes[] = {status::Mime::html, status::Mime::xml,  status::Mime::prop,
                                      status::Mime::txt,  status::Mime::json, status::Mime::prometheus};
    render(page, request, mimes[size % 6]);
    return 0;
}
