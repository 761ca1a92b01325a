// Finding the session route(s) of a request, as mod_jk and Tomcat see them.
//
// The session id comes from the path parameter (session_path, default ";jsessionid") first,
// then from every cookie named session_cookie in every Cookie header, in order. The route is
// the text after the FIRST '.' of the id (Tomcat's jvmRoute suffix); an empty id, or an id
// without '.', carries no route. Nothing is allocated: the results are views into the
// request's own strings.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace ajpgate::balancer {

struct SessionId {
    std::string_view id;     // the whole session id
    std::string_view route;  // after the first '.'; empty when the id has none
};

// Up to kMaxSessionIds ids, in the order they must be tried. More than that many are not
// kept (a request with that many session cookies is not worth routing by all of them).
inline constexpr std::size_t kMaxSessionIds = 8;

class SessionIds {
public:
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const SessionId& operator[](std::size_t i) const noexcept { return ids_[i]; }
    const SessionId* begin() const noexcept { return ids_.data(); }
    const SessionId* end() const noexcept { return ids_.data() + size_; }
    // True when some id was found (with or without a route): the request "has a session".
    bool has_session() const noexcept { return size_ > 0; }
    // Adds a non-empty id; false when full or empty.
    bool add(std::string_view id) noexcept;

private:
    std::array<SessionId, kMaxSessionIds> ids_{};
    std::size_t size_ = 0;
};

struct SessionNames {
    std::string_view cookie = "JSESSIONID";   // lb session_cookie
    std::string_view path = ";jsessionid";    // lb session_path (with or without the ';')
};

// The route part of one id ("abc.node1.x" -> "node1.x"; "abc" and "" -> "").
std::string_view route_of(std::string_view session_id) noexcept;

// The value of the path parameter `names.path` in `uri` (any segment; the value ends at '?',
// ';', '/' or '#'), or an empty view. mod_jk matches the parameter name case-sensitively.
std::string_view session_from_path(std::string_view uri, std::string_view path_param) noexcept;

// Appends the values of every cookie named `name` in `cookie_header` to `out`, in order.
void sessions_from_cookie_header(std::string_view cookie_header, std::string_view name, SessionIds& out) noexcept;

// All session ids of a request: path parameter first, then each Cookie header in order.
SessionIds find_session_ids(std::string_view uri, std::span<const std::string_view> cookie_headers,
                            const SessionNames& names) noexcept;

}  // namespace ajpgate::balancer
