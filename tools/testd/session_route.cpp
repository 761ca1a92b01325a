#include "testd/session_route.hpp"

#include "testd/text.hpp"

namespace ajpgate::testd {
std::optional<std::string_view> find_session_cookie(std::string_view cookie_header) noexcept {
    while (!cookie_header.empty()) {
        const auto end = cookie_header.find_first_of(";,");
        const std::string_view pair = trim_blanks(cookie_header.substr(0, end));
        cookie_header = end == std::string_view::npos ? std::string_view{} : cookie_header.substr(end + 1);
        const auto equals = pair.find('=');
        if (equals == std::string_view::npos || trim_blanks(pair.substr(0, equals)) != session_cookie_name) continue;
        std::string_view value = trim_blanks(pair.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        if (!value.empty()) return value;
    }
    return std::nullopt;
}

std::optional<std::string_view> find_session_path_param(std::string_view uri) noexcept {
    const auto at = uri.find(session_path_param);
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view value = uri.substr(at + session_path_param.size());
    value = value.substr(0, value.find_first_of(";/"));
    if (value.empty()) return std::nullopt;
    return value;
}

std::optional<std::string_view> incoming_session_id(std::span<const ajp13::HeaderField> headers,
                                                    std::string_view uri) noexcept {
    for (const auto& header : headers) {
        if (!iequals(header.name, "cookie")) continue;
        if (auto id = find_session_cookie(header.value)) return id;
    }
    return find_session_path_param(uri);
}

std::string_view session_route(std::string_view session_id) noexcept {
    const auto dot = session_id.find('.');
    return dot == std::string_view::npos ? std::string_view{} : session_id.substr(dot + 1);
}

std::string_view session_base(std::string_view session_id) noexcept {
    return session_id.substr(0, session_id.find('.'));
}

SessionDecision decide_session(std::optional<std::string_view> id_in, std::string_view route,
                               std::string_view fresh_base) {
    SessionDecision decision;
    if (!id_in) {
        decision.action = SessionAction::created;
        decision.id_out = std::string(fresh_base) + "." + std::string(route);
        decision.set_cookie = true;
        return decision;
    }
    if (session_route(*id_in) == route) {
        decision.action = SessionAction::kept;
        decision.id_out = std::string(*id_in);
        return decision;
    }
    decision.action = SessionAction::rebound;
    decision.id_out = std::string(session_base(*id_in)) + "." + std::string(route);
    decision.set_cookie = true;
    return decision;
}

std::string session_set_cookie(std::string_view id) {
    return std::string(session_cookie_name) + "=" + std::string(id) + "; Path=/; HttpOnly";
}

std::uint64_t SessionCounter::touch(std::string_view session_id) {
    const std::lock_guard lock(mutex_);
    return ++counts_[std::string(session_base(session_id))];
}

}  // namespace ajpgate::testd
