// Session id and route extraction from the URI path parameter and Cookie headers.
#include "balancer/session_route.hpp"

namespace ajpgate::balancer {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

// Cookie values may be quoted (RFC 6265 allows DQUOTE around the value); the route is inside.
std::string_view unquote(std::string_view value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return value.substr(1, value.size() - 2);
    return value;
}

// Is `name` at `pos` of `text` a cookie name (start of the header, or after ';', ',' or space)?
bool at_name_boundary(std::string_view text, std::size_t pos) {
    if (pos == 0) return true;
    const char before = text[pos - 1];
    return before == ';' || before == ',' || is_space(before);
}

}  // namespace

bool SessionIds::add(std::string_view id) noexcept {
    if (id.empty() || size_ == ids_.size()) return false;
    ids_[size_++] = SessionId{id, route_of(id)};
    return true;
}

std::string_view route_of(std::string_view session_id) noexcept {
    const std::size_t dot = session_id.find('.');
    return dot == std::string_view::npos ? std::string_view{} : session_id.substr(dot + 1);
}

std::string_view session_from_path(std::string_view uri, std::string_view path_param) noexcept {
    // The parameter is always introduced by ';', whether or not the config spelled it.
    if (!path_param.empty() && path_param.front() == ';') path_param.remove_prefix(1);
    if (path_param.empty()) return {};
    const std::size_t query = uri.find_first_of("?#");
    if (query != std::string_view::npos) uri = uri.substr(0, query);
    for (std::size_t pos = uri.find(';'); pos != std::string_view::npos; pos = uri.find(';', pos + 1)) {
        const std::string_view rest = uri.substr(pos + 1);
        if (rest.size() <= path_param.size() || rest.substr(0, path_param.size()) != path_param ||
            rest[path_param.size()] != '=') {
            continue;
        }
        const std::string_view value = rest.substr(path_param.size() + 1);
        return value.substr(0, value.find_first_of(";/"));
    }
    return {};
}

void sessions_from_cookie_header(std::string_view header, std::string_view name, SessionIds& out) noexcept {
    if (name.empty()) return;
    for (std::size_t pos = header.find(name); pos != std::string_view::npos; pos = header.find(name, pos + 1)) {
        if (!at_name_boundary(header, pos)) continue;
        std::size_t at = pos + name.size();
        while (at < header.size() && is_space(header[at])) ++at;
        if (at >= header.size() || header[at] != '=') continue;
        const std::string_view rest = header.substr(at + 1);
        const std::size_t end = rest.find_first_of(";,");
        out.add(unquote(trim(rest.substr(0, end))));
        pos = at;
    }
}

SessionIds find_session_ids(std::string_view uri, std::span<const std::string_view> cookie_headers,
                            const SessionNames& names) noexcept {
    SessionIds ids;
    ids.add(session_from_path(uri, names.path));
    for (const std::string_view header : cookie_headers) sessions_from_cookie_header(header, names.cookie, ids);
    return ids;
}

}  // namespace ajpgate::balancer
