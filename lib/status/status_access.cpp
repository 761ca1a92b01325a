#include "status/status_access.hpp"

#include <algorithm>
#include <cctype>
#include <strings.h>

namespace ajpgate::status {

namespace {

bool user_listed(const config::StatusWorker& s, const std::string& user) {
    return std::any_of(s.user.begin(), s.user.end(), [&](const std::string& allowed) {
        return s.user_case_insensitive ? !strcasecmp(allowed.c_str(), user.c_str()) : allowed == user;
    });
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool from_another_site(const AccessRequest& r) {
    if (r.sec_fetch_site) {
        const std::string site = lower(*r.sec_fetch_site);
        if (site == "cross-site" || site == "same-site") return true;
    }
    return r.origin && normalise_origin(*r.origin) != normalise_origin(r.own_origin);
}

}  // namespace

bool reaches_status_worker(std::string_view decoded_path, std::string_view normalised_path) noexcept {
    return decoded_path == normalised_path;
}

bool changes_state(Command cmd) noexcept {
    return cmd == Command::update || cmd == Command::reset || cmd == Command::recover;
}

bool refused_when_read_only(Command cmd) noexcept { return cmd == Command::edit || changes_state(cmd); }

std::string normalise_origin(std::string_view origin) {
    std::string o = lower(origin);
    while (!o.empty() && o.back() == '/') o.pop_back();
    const auto scheme_end = o.find("://");
    if (scheme_end == std::string::npos) return o;  // "null" and other opaque origins stay as they are
    const std::string scheme = o.substr(0, scheme_end);
    std::string host = o.substr(scheme_end + 3);
    const auto bracket = host.rfind(']');  // an IPv6 literal's colons are not a port
    const auto colon = host.rfind(':');
    const bool has_port = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    if (!has_port) host += scheme == "https" ? ":443" : ":80";
    return scheme + "://" + host;
}

Access decide_access(const config::StatusWorker& settings, const AccessRequest& request) {
    Access a;
    a.read_only = settings.read_only || (request.options & opt_read_only) != 0;
    if (!settings.user.empty()) {
        if (!request.remote_user) {
            a.verdict = Verdict::denied_no_user;
            a.message = "Access denied.";
            return a;
        }
        if (!user_listed(settings, *request.remote_user)) {
            a.verdict = Verdict::denied_user;
            a.message = "Access denied.";
            return a;
        }
    }
    if (a.read_only && refused_when_read_only(request.cmd)) {
        a.verdict = Verdict::read_only;
        a.message = "This command is not allowed in read only mode.";
        return a;
    }
    if (changes_state(request.cmd) && from_another_site(request)) {
        a.verdict = Verdict::cross_site;
        a.message = "Refused: a request from another site may not change the load balancer.";
    }
    return a;
}

}  // namespace ajpgate::status
