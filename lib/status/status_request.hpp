// A status request's parameters, parsed once from the query string (and, for the HTML
// forms, the POSTed body): the command, the output format and the arguments of mod_jk
// 1.2.48's status worker (cmd, mime, w, sw, att, val<N>, re, opt, from and the edit values).
//
// Parsing follows mod_jk's status_parse_uri():
//   - the text is split at '&' (empty pieces skipped); a piece without '=' or with an empty
//     name is ignored; the name is taken as written (never decoded), the value is decoded
//     ('+' is a space, %XX a byte);
//   - the characters < > ? " (JK_STATUS_ESC_CHARS) are replaced by '@', once in the raw text
//     (names included) and once more in each decoded value, so no parameter can carry markup;
//   - a bad escape (% not followed by two hex digits) or %00 stops the parsing: the
//     parameters before it are kept, `malformed` is set (mod_jk: "Error during parsing of URI");
//   - a repeated name keeps its first position and takes the last value (mod_jk's jk_map_put);
//   - cmd and mime absent: list and html; present but not a known word (even empty): unknown;
//   - re and opt are read like atoi() (leading number, else 0; opt=-1 sets every bit).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ajpgate::status {

// history, dashboard and drain are ajpgate's own (render_history.cpp, render_dashboard.cpp,
// status_drain.hpp).
enum class Command : std::uint8_t {
    unknown, list, show, edit, update, reset, recover, version, dump, history, dashboard, drain
};
// json and prometheus are ajpgate's own (render_json.cpp, render_prometheus.cpp).
enum class Mime : std::uint8_t { unknown, html, xml, prop, txt, json, prometheus };

// The `opt` bits (mod_jk's JK_STATUS_ARG_OPTION_*).
enum Option : unsigned {
    opt_no_members = 0x0001,
    opt_no_maps = 0x0002,
    opt_no_legend = 0x0004,
    opt_no_lb = 0x0008,
    opt_no_ajp = 0x0010,
    opt_read_only = 0x0020,
    opt_no_lb_conf = 0x0040,
    opt_no_lb_summary = 0x0080,
    opt_no_ajp_conf = 0x0100,
};

struct StatusRequest {
    Command cmd = Command::list;   // absent: list
    Mime mime = Mime::html;        // absent: html
    std::string worker;            // w
    std::string sub_worker;        // sw
    std::string attribute;         // att (mass edit)
    std::string from;              // from (the command to go back to)
    int refresh = 0;               // re (seconds, HTML auto refresh)
    unsigned options = 0;          // opt
    bool malformed = false;        // a parameter could not be decoded
    // Every parameter, decoded and masked, one entry per name in the order the names first
    // appeared, with the last value given (the edit values vwa, vlr, val0, ... are read here).
    std::vector<std::pair<std::string, std::string>> params;
    std::string query;             // the query string as received, masked (auto refresh links)

    // The parameter's value, nullptr when absent (an empty value is present).
    const std::string* find(std::string_view name) const;
};

// mod_jk's spellings: "list", "show", ...; "html", "xml", "prop", "txt".
Command parse_command(std::string_view text);
Mime parse_mime(std::string_view text);
std::string_view to_string(Command cmd) noexcept;
std::string_view to_string(Mime mime) noexcept;

// `query` is the raw query string; `form` a POSTed application/x-www-form-urlencoded body
// (may be empty), whose parameters come after the query's.
StatusRequest parse_status_request(std::string_view query, std::string_view form = {});

}  // namespace ajpgate::status
