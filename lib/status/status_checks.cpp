// What is decided before a status command runs: who may ask, whether the command may run in
// read-only mode, and whether `w` and `sw` name a worker and member (mod_jk's service(),
// check_worker(), search_worker() and search_sub_worker()).
#include <strings.h>

#include "config/uri_pattern.hpp"
#include "status/render_common.hpp"
#include "status/status_drain.hpp"
#include "status/status_messages.hpp"
#include "status/status_render.hpp"

namespace ajpgate::status {

namespace {

std::optional<std::string> message(std::string_view text) {
    return std::string(text);
}

bool same_user(std::string_view a, std::string_view b, bool case_insensitive) {
    if (!case_insensitive) {
        return a == b;
    }
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// search_sub_worker: an exact name, or with '*'/'?' (update only) at least one match.
bool has_member(const LbView& lb, std::string_view sub_worker) {
    const bool glob = detail::has_wildcards(sub_worker);
    for (const MemberView& member : lb.members) {
        if (glob ? config::wildcard_match(sub_worker, member.ajp.name) : member.ajp.name == sub_worker) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::optional<std::string> check_target(const StatusPage& page, const StatusRequest& request, bool allow_wildcards) {
    const std::string* worker = request.find("w");
    const std::string* sub_worker = request.find("sw");
    if (!worker || worker->empty()) {
        return message(messages::kNoWorker);
    }
    if (sub_worker && sub_worker->empty()) {
        return message(messages::kEmptySubWorker);
    }
    const WorkerView* found = detail::find_worker(page, *worker);
    if (!found) {
        return message(messages::kUnknownWorker);
    }
    if (!sub_worker) {
        return std::nullopt;
    }
    if (detail::has_wildcards(*sub_worker) && !allow_wildcards) {
        return message(messages::kWildcardNotAllowed);
    }
    const LbView* lb = std::get_if<LbView>(found);
    if (!lb) {
        return message(messages::kNoSubWorkers);
    }
    if (!has_member(*lb, *sub_worker)) {
        return message(messages::kUnknownSubWorker);
    }
    return std::nullopt;
}

bool is_read_only(const config::StatusWorker& settings, const StatusRequest& request) {
    return settings.read_only || (request.options & opt_read_only) != 0;
}

bool user_allowed(const config::StatusWorker& settings, std::optional<std::string_view> remote_user) {
    if (settings.user.empty()) {
        return true;
    }
    if (!remote_user) {
        return false;
    }
    for (const std::string& user : settings.user) {
        if (same_user(*remote_user, user, settings.user_case_insensitive)) {
            return true;
        }
    }
    return false;
}

std::optional<std::string> request_error(const StatusPage& page, const StatusRequest& request,
                                         const config::StatusWorker& settings, bool access_denied) {
    if (access_denied) {
        return message(messages::kAccessDenied);
    }
    if (request.malformed) {
        return message(messages::kParseError);
    }
    if (is_read_only(settings, request) && detail::needs_write(request.cmd)) {
        return message(messages::kReadOnly);
    }
    if (request.cmd == Command::unknown) {
        return message(messages::kInvalidCommand);
    }
    if (request.mime == Mime::unknown) {
        return message(messages::kInvalidMime);
    }
    if (detail::needs_target(request.cmd)) {
        auto error = check_target(page, request, request.cmd == Command::update);
        if (!error && request.cmd == Command::drain) error = parse_drain_order(request).error;
        return error;
    }
    return std::nullopt;
}

}  // namespace ajpgate::status
