#include "status/status_access.hpp"

#include <cctype>

namespace ajpgate::status {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

bool changes_state(Command cmd) noexcept {
    return cmd == Command::update || cmd == Command::reset || cmd == Command::recover || cmd == Command::drain;
}

bool refused_as_cross_site(Command cmd, const BrowserHints& hints) {
    if (!changes_state(cmd)) return false;
    if (hints.sec_fetch_site) {
        const std::string site = lower(*hints.sec_fetch_site);
        if (site == "cross-site" || site == "same-site") return true;
    }
    return hints.origin && normalise_origin(*hints.origin) != normalise_origin(hints.own_origin);
}

bool reaches_status_worker(std::string_view decoded_path, std::string_view normalised_path) noexcept {
    return decoded_path == normalised_path;
}

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

}  // namespace ajpgate::status
