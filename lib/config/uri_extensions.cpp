#include "config/uri_extensions.hpp"

#include <array>
#include <bitset>
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstdint>
#include <iterator>

#include "config/property_value.hpp"
#include "config/uri_text.hpp"

namespace ajpgate::config {

bool RuleExtensions::empty() const noexcept {
    return !reply_timeout && !sticky_ignore && !stateless && !use_server_errors && !active &&
           !disabled && !stopped && !fail_on_status && !session_cookie && !session_path &&
           !set_session_cookie && !session_cookie_path;
}

namespace {

// Status codes are three digits (RFC 9110 §15); anything else is a typo.
constexpr long long kMinStatus = 100;
constexpr long long kMaxStatus = 999;
constexpr long long kMaxTimeoutMs = INT32_MAX;

// Digits only: no sign, no spaces, no suffix (atoi would quietly read "30s" as 30).
bool parse_unsigned(std::string_view text, long long max, long long& out) {
    if (text.empty() || text.front() < '0' || text.front() > '9') {
        return false;
    }
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end && out <= max;
}

bool parse_status(std::string_view text, bool allow_negative, int& out) {
    const bool negative = allow_negative && !text.empty() && text.front() == '-';
    long long value = 0;
    if (!parse_unsigned(negative ? text.substr(1) : text, kMaxStatus, value) ||
        value < kMinStatus) {
        return false;
    }
    out = static_cast<int>(negative ? -value : value);
    return true;
}

bool set_flag(std::string_view v, std::optional<bool>& field, std::string& why) {
    if (v != "0" && v != "1") {
        why = "expects 0 or 1";
        return false;
    }
    field = v == "1";
    return true;
}

// A cookie or parameter name: an RFC 6265 token, so it cannot break the header it goes into.
bool set_token(std::string_view v, std::optional<std::string>& field, std::string& why) {
    if (v.empty() || v.find_first_of(" \t;,=\"()<>@:\\/[]?{}") != std::string_view::npos) {
        why = "expects a cookie/parameter name (a token without separators)";
        return false;
    }
    field = std::string(v);
    return true;
}

bool set_names(std::string_view v, std::optional<std::vector<std::string>>& field,
               std::string& why) {
    std::vector<std::string> names;
    for (std::string_view item : split_at(v, ',')) {
        item = trim(item);
        if (item.empty() || item.find_first_of(" \t") != std::string_view::npos) {
            why = "expects a comma-separated list of member names";
            return false;
        }
        names.emplace_back(item);
    }
    field = std::move(names);
    return true;
}

bool set_millis(std::string_view v, std::optional<std::chrono::milliseconds>& field,
                std::string& why) {
    long long ms = 0;
    if (!parse_unsigned(v, kMaxTimeoutMs, ms)) {
        why = "expects milliseconds (0..2147483647)";
        return false;
    }
    field = std::chrono::milliseconds(ms);
    return true;
}

bool set_status(std::string_view v, std::optional<int>& field, std::string& why) {
    int status = 0;
    if (!parse_status(v, false, status)) {
        why = "expects an HTTP status code (100..999)";
        return false;
    }
    field = status;
    return true;
}

bool set_status_list(std::string_view v, std::optional<std::vector<int>>& field, std::string& why) {
    std::vector<int> codes;
    for (std::string_view item : split_at(v, ',')) {
        int status = 0;
        if (!parse_status(trim(item), true, status)) {
            why =
                "expects a comma-separated list of status codes, optionally negative "
                "(e.g. 500,-503)";
            return false;
        }
        codes.push_back(status);
    }
    field = std::move(codes);
    return true;
}

bool set_cookie_path(std::string_view v, std::optional<std::string>& field, std::string& why) {
    if (v.empty() || v.front() != '/' || v.find_first_of(" \t;,") != std::string_view::npos) {
        why = "expects a cookie path starting with '/'";
        return false;
    }
    field = std::string(v);
    return true;
}

using Setter = bool (*)(std::string_view value, RuleExtensions& ext, std::string& why);
// What mod_jk makes of a value the setter refuses (it never refuses one): sets the field as
// mod_jk would and says how in `shown`; false when ajpgate ignores the extension instead.
using Lenient = bool (*)(std::string_view value, RuleExtensions& ext, std::string& shown);

// mod_jk reads the numeric extensions with C's atoi: leading digits, "30s" is 30, "x" is 0.
int c_atoi(std::string_view v) { return std::atoi(std::string(v).c_str()); }

template <auto Member>
bool lenient_millis(std::string_view v, RuleExtensions& ext, std::string& shown) {
    const int ms = std::max(0, c_atoi(v));
    ext.*Member = std::chrono::milliseconds(ms);
    shown = std::to_string(ms);
    return true;
}

template <auto Member>
bool lenient_flag(std::string_view v, RuleExtensions& ext, std::string& shown) {
    ext.*Member = c_atoi(v) != 0;
    shown = c_atoi(v) != 0 ? "1" : "0";
    return true;
}

// use_server_errors: 0 (what atoi makes of garbage) means off in mod_jk.
template <auto Member>
bool lenient_status_threshold(std::string_view v, RuleExtensions& ext, std::string& shown) {
    const int value = c_atoi(v);
    if (value > 0) ext.*Member = value;
    shown = value > 0 ? std::to_string(value) : "0 (off)";
    return true;
}

bool lenient_status_list(std::string_view v, RuleExtensions& ext, std::string& shown) {
    std::vector<int> codes;
    for (std::string_view item : split_at(v, ',')) {
        for (std::string_view part : split_at(item, ' ')) {
            if (!trim(part).empty()) codes.push_back(c_atoi(trim(part)));
        }
    }
    for (const int c : codes) shown += (shown.empty() ? "" : ",") + std::to_string(c);
    ext.fail_on_status = std::move(codes);
    return true;
}

template <auto Member>
bool lenient_names(std::string_view v, RuleExtensions& ext, std::string& shown) {
    std::vector<std::string> names;
    for (std::string_view item : split_at(v, ',')) {
        for (std::string_view part : split_at(item, ' ')) {
            if (!trim(part).empty()) names.emplace_back(trim(part));
        }
    }
    for (const auto& n : names) shown += (shown.empty() ? "" : ",") + n;
    ext.*Member = std::move(names);
    return true;
}

bool ignore(std::string_view, RuleExtensions&, std::string&) { return false; }

// Adapts a field parser (set_flag, set_names, set_token) to one RuleExtensions member.
template <auto Member, auto Parse>
bool member_setter(std::string_view value, RuleExtensions& ext, std::string& why) {
    return Parse(value, ext.*Member, why);
}

struct ExtensionDef {
    std::string_view name;
    Setter set;
    Lenient lenient;
    bool first_wins;  // mod_jk keeps the first of a repeated one ("only allowed once")
};

using E = RuleExtensions;
constexpr std::array kExtensions{
    ExtensionDef{"reply_timeout", member_setter<&E::reply_timeout, set_millis>, lenient_millis<&E::reply_timeout>,
                 false},
    ExtensionDef{"sticky_ignore", member_setter<&E::sticky_ignore, set_flag>, lenient_flag<&E::sticky_ignore>, false},
    ExtensionDef{"stateless", member_setter<&E::stateless, set_flag>, lenient_flag<&E::stateless>, false},
    ExtensionDef{"use_server_errors", member_setter<&E::use_server_errors, set_status>,
                 lenient_status_threshold<&E::use_server_errors>, false},
    ExtensionDef{"active", member_setter<&E::active, set_names>, lenient_names<&E::active>, true},
    ExtensionDef{"disabled", member_setter<&E::disabled, set_names>, lenient_names<&E::disabled>, true},
    ExtensionDef{"stopped", member_setter<&E::stopped, set_names>, lenient_names<&E::stopped>, true},
    ExtensionDef{"fail_on_status", member_setter<&E::fail_on_status, set_status_list>, lenient_status_list, true},
    // A cookie or parameter name ajpgate could not put in a header safely is left out.
    ExtensionDef{"session_cookie", member_setter<&E::session_cookie, set_token>, ignore, true},
    ExtensionDef{"session_path", member_setter<&E::session_path, set_token>, ignore, true},
    ExtensionDef{"set_session_cookie", member_setter<&E::set_session_cookie, set_flag>,
                 lenient_flag<&E::set_session_cookie>, true},
    ExtensionDef{"session_cookie_path", member_setter<&E::session_cookie_path, set_cookie_path>, ignore, true},
};

const ExtensionDef* find_extension(std::string_view name, std::size_t& index) {
    for (index = 0; index < kExtensions.size(); ++index) {
        if (kExtensions[index].name == name) {
            return &kExtensions[index];
        }
    }
    return nullptr;
}

// A member may carry one activation per rule; two would leave the outcome to list order.
// Each name is reported once per pair of lists, however often it repeats: a line of
// repeated names must not turn into n x m messages.
void check_activation_overlap(const RuleExtensions& e, std::string_view file, std::size_t line,
                              Diagnostics& diags) {
    const auto lists = e.activation_lists();
    std::array<std::vector<std::string_view>, lists.size()> sorted;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        if (!*lists[i].members) continue;
        sorted[i].assign((*lists[i].members)->begin(), (*lists[i].members)->end());
        std::sort(sorted[i].begin(), sorted[i].end());
        sorted[i].erase(std::unique(sorted[i].begin(), sorted[i].end()), sorted[i].end());
    }
    for (std::size_t a = 0; a < lists.size(); ++a) {
        for (std::size_t b = a + 1; b < lists.size(); ++b) {
            std::vector<std::string_view> both;
            std::set_intersection(sorted[a].begin(), sorted[a].end(), sorted[b].begin(), sorted[b].end(),
                                  std::back_inserter(both));
            for (const std::string_view name : both) {
                // mod_jk applies active, then disabled, then stopped: the last wins.
                diags.compat(std::string(file), line,
                             "member '" + std::string(name) + "' is listed in both '" + std::string(lists[a].name) +
                                 "' and '" + std::string(lists[b].name) + "': mod_jk (and so ajpgate) applies '" +
                                 std::string(lists[b].name) + "' (list it once)");
            }
        }
    }
}

}  // namespace

std::optional<WorkerSpec> parse_worker_spec(std::string_view spec, std::string_view file,
                                            std::size_t line, Diagnostics& diags) {
    const std::size_t errors_before = diags.error_count();
    auto report = [&](std::string message) {
        diags.error(std::string(file), line, std::move(message));
    };
    WorkerSpec out;
    auto pieces = split_at(spec, ';');
    out.worker = std::string(trim(pieces.front()));
    if (out.worker.empty() || out.worker.find_first_of(" \t=") != std::string::npos) {
        report("bad worker name '" + out.worker + "' in '" + std::string(spec) + "'");
    }
    std::bitset<kExtensions.size()> seen;
    for (std::size_t i = 1; i < pieces.size(); ++i) {
        std::string_view piece = trim(pieces[i]);
        const std::size_t eq = piece.find('=');
        const std::string_view name = trim(piece.substr(0, eq));
        std::size_t index = 0;
        const ExtensionDef* def = find_extension(name, index);
        // mod_jk warns about an extension it does not know (one without '=' included) and
        // ignores it; it skips a stray ';' silently.
        if (def == nullptr) {
            diags.compat(std::string(file), line,
                         piece.empty() ? std::string("empty rule extension (stray ';'): ignored, "
                                                     "as mod_jk ignores it (remove it)")
                                       : "unknown rule extension '" + std::string(name) +
                                             "': ignored, as mod_jk ignores it (fix or remove it)");
            continue;
        }
        if (eq == std::string_view::npos) {
            diags.compat(std::string(file), line,
                         "rule extension '" + std::string(name) + "' needs a value ('" +
                             std::string(name) + "=...'): mod_jk ignores it, and so does ajpgate");
            continue;
        }
        if (seen.test(index)) {
            diags.warning(std::string(file), line,
                          "rule extension '" + std::string(name) + "' given twice; the " +
                              (def->first_wins ? "first" : "last") + " one wins, as in mod_jk");
            if (def->first_wins) continue;
        }
        seen.set(index);
        std::string why;
        const std::string_view value = trim(piece.substr(eq + 1));
        if (!def->set(value, out.extensions, why)) {
            std::string shown;
            const std::string bad =
                "bad value '" + std::string(value) + "' for rule extension '" + std::string(name) + "': " + why;
            if (def->lenient(value, out.extensions, shown)) {
                diags.compat(std::string(file), line,
                             bad + "; mod_jk reads it as '" + shown + "', and so does ajpgate (fix the value)");
            } else {
                diags.compat(std::string(file), line, bad + "; ajpgate ignores the extension (fix the value)");
            }
        }
    }
    check_activation_overlap(out.extensions, file, line, diags);
    if (diags.error_count() != errors_before) {
        return std::nullopt;
    }
    return out;
}

}  // namespace ajpgate::config
