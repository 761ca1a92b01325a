// Playing a Tomcat node with a jvmRoute: find the incoming session id, decide the
// outgoing one (create, keep, or rebind a foreign route as JvmRouteBinderValve does).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ajp13/messages.hpp"

namespace ajpgate::testd {

inline constexpr std::string_view session_cookie_name = "JSESSIONID";
inline constexpr std::string_view session_path_param = ";jsessionid=";

// JSESSIONID's value in one Cookie header value ("a=1; JSESSIONID=x.was1"); surrounding
// quotes are removed. nullopt when absent or empty.
std::optional<std::string_view> find_session_cookie(std::string_view cookie_header) noexcept;

// The `;jsessionid=` path parameter of a request URI (ends at ';', '/' or the end).
std::optional<std::string_view> find_session_path_param(std::string_view uri) noexcept;

// The cookie wins over the URL, as in Tomcat's default configuration. Header names are
// matched case-insensitively ("cookie" is how coded names come back).
std::optional<std::string_view> incoming_session_id(std::span<const ajp13::HeaderField> headers,
                                                    std::string_view uri) noexcept;

// Text after the first '.', or empty when the id carries no route.
std::string_view session_route(std::string_view session_id) noexcept;
// Text before the first '.'.
std::string_view session_base(std::string_view session_id) noexcept;

enum class SessionAction : std::uint8_t { created, kept, rebound };

struct SessionDecision {
    SessionAction action = SessionAction::kept;
    std::string id_out;      // the id the response carries
    bool set_cookie = false; // a new Set-Cookie is needed
};

// `fresh_base` is used only when there is no incoming id (random hex from the caller).
// An id without a route, or with another route, is rebound to `<base>.<route>`.
SessionDecision decide_session(std::optional<std::string_view> id_in, std::string_view route,
                               std::string_view fresh_base);

// "JSESSIONID=<id>; Path=/; HttpOnly"
std::string session_set_cookie(std::string_view id);

// Requests seen per session (keyed by the id's base, so a rebound session keeps counting).
class SessionCounter {
public:
    // Counts one more request and returns the new count (1 for a session never seen).
    std::uint64_t touch(std::string_view session_id);

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::uint64_t> counts_;
};

}  // namespace ajpgate::testd
