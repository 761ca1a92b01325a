// Who may do what with a status worker, decided before anything is shown or changed.
//
// As mod_jk 1.2.48: a `user` list admits only those authenticated users (compared exactly, or
// ignoring case with user_case_insensitive); read_only (or opt=0x20 in the request) refuses
// edit, update, reset and recover. Refusals are answered like mod_jk: HTTP 200 with
// worker.result.type=ERROR and its message, so scripts see the error where they look for it.
//
// ajpgate's own rule, against cross-site request forgery: a request that would change
// something (update, reset, recover) and whose browser says it comes from another site
// (Sec-Fetch-Site cross-site or same-site, or an Origin that is not this server's) is refused
// with HTTP 403 and changes nothing. curl and scripts send neither header and keep working; a
// page elsewhere cannot make an administrator's browser disable a node.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/worker_model.hpp"
#include "status/status_request.hpp"

namespace ajpgate::status {

enum class Verdict : std::uint8_t {
    allowed,
    denied_user,     // authenticated, but not in `user`
    denied_no_user,  // `user` is set and the request is not authenticated
    read_only,       // a changing command on a read-only status worker
    cross_site,      // a changing command sent by another site's page (403)
};

struct AccessRequest {
    Command cmd = Command::list;
    unsigned options = 0;                    // opt
    std::optional<std::string> remote_user;  // httpd's authenticated user
    std::optional<std::string> sec_fetch_site;
    std::optional<std::string> origin;
    std::string own_origin;                  // "http://host:port" as the client addressed this server
};

struct Access {
    Verdict verdict = Verdict::allowed;
    bool read_only = false;  // the page is shown read-only (no edit links or forms)
    std::string message;     // mod_jk's worker.result.message for a refusal
};

Access decide_access(const config::StatusWorker& settings, const AccessRequest& request);

// True for the commands that change shared state.
bool changes_state(Command cmd) noexcept;
// True for the commands read_only refuses (mod_jk also refuses edit, which only shows a form).
bool refused_when_read_only(Command cmd) noexcept;

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
