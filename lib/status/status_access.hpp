// ajpgate's own rules for reaching a status worker, on top of mod_jk's (user lists and
// read-only: user_allowed, is_read_only and request_error in status_render.hpp).
//
// Against cross-site request forgery: a request that would change something (update, reset,
// recover, drain) and whose browser says it comes from another site (Sec-Fetch-Site cross-site or
// same-site, or an Origin that is not this server's) is refused with HTTP 403 and changes
// nothing. curl and scripts send neither header and keep working; a page elsewhere cannot
// make an administrator's browser disable a node.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "status/status_request.hpp"

namespace ajpgate::status {

// What the browser told about where the request comes from.
struct BrowserHints {
    std::optional<std::string> sec_fetch_site;
    std::optional<std::string> origin;
    std::string own_origin;  // "http://host:port" as the client addressed this server
};

// True for the commands that change shared state.
bool changes_state(Command cmd) noexcept;

// True when `cmd` would change state and the browser says another site sent it.
bool refused_as_cross_site(Command cmd, const BrowserHints& hints);

// A status worker answers only on the path its mount names as the client sent it: a path that
// reaches the mount only once normalised (";x" parameters, "/../", "//", encoded dots) is not
// the status worker's. So a <Location> written for the plain path cannot be sidestepped and
// nothing maps there by accident (mod_jk's CVE-2018-11759). `decoded_path` is the request's
// path after percent-decoding, `normalised_path` what the URI map matched.
bool reaches_status_worker(std::string_view decoded_path, std::string_view normalised_path) noexcept;

// Scheme, host and port, lower-cased, with the scheme's default port made explicit, so
// "HTTP://Example.org" and "http://example.org:80" compare equal.
std::string normalise_origin(std::string_view origin);

}  // namespace ajpgate::status
