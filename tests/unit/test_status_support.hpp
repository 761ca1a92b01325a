// Helpers of the status worker tests: golden files, the normalisation of time-derived values
// (the same on mod_jk's capture and on our rendering), XML compared as parsed trees, and a
// one-call render of a query.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <array>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "status/status_render.hpp"
#include "status/status_request.hpp"

namespace status_test {

// cmocka group setup: the page's times in UTC, as the captures were taken.
inline int setup_utc(void**) {
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

inline std::string read_data(const std::string& name) {
    std::ifstream in(std::string(TEST_DATA_DIR) + "/" + name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Values that depend on when the page was taken, under every spelling the formats use; lbvalue
// too: every maintenance run (worker.maintain) decays it.
inline constexpr std::array<std::string_view, 19> kVolatile{"lbvalue",
                                                            "time_datetime",
                                                            "time_tz",
                                                            "time_unix",
                                                            "datetime",
                                                            "tz",
                                                            "unix",
                                                            "last_reset_at",
                                                            "last_reset_ago",
                                                            "error_time_datetime",
                                                            "error_time_tz",
                                                            "error_time_unix seconds",
                                                            "error_time_ago seconds",
                                                            "error_time_unix_seconds",
                                                            "error_time_ago",
                                                            "time_to_maintenance_min",
                                                            "time_to_maintenance_max",
                                                            "time_to_recover_min",
                                                            "time_to_recover_max"};

inline bool is_volatile(std::string_view key) {
    for (std::string_view name : kVolatile) {
        if (key == name) return true;
    }
    return key == "ServerRoot";  // cmd=dump: the capture's temporary directory
}

// txt: "Title: key=value key="v" ..." (the ':' comes before the first '='); volatile
// values are never quoted nor hold a blank.
inline void normalize_txt_line(std::string& line) {
    for (std::string_view key : kVolatile) {
        const std::string token = " " + std::string(key) + "=";
        for (auto at = line.find(token); at != std::string::npos; at = line.find(token, at + 1)) {
            const auto from = at + token.size();
            const auto to = line.find(' ', from);
            line.replace(from, (to == std::string::npos ? line.size() : to) - from, "*");
        }
    }
}

// prop and dump: "a.b.key=value"; the key is what follows the last '.' before the '='.
inline void normalize_prop_line(std::string& line, std::size_t eq) {
    const auto dot = line.rfind('.', eq);
    const auto from = dot == std::string::npos ? 0 : dot + 1;
    if (is_volatile(line.substr(from, eq - from))) {
        line = line.substr(0, eq + 1) + "*";
    }
}

// prop or txt with every volatile value replaced by "*".
inline std::string normalize_text(std::string_view text) {
    std::string out;
    std::istringstream lines{std::string(text)};
    for (std::string line; std::getline(lines, line);) {
        const auto eq = line.find('=');
        const auto colon = line.find(':');
        if (eq != std::string::npos && colon < eq) {
            normalize_txt_line(line);
        } else if (eq != std::string::npos) {
            normalize_prop_line(line, eq);
        }
        out += line + "\n";
    }
    return out;
}

inline void canonical_element(const xmlNode* node, int depth, std::string& out) {
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE) continue;
        out.append(static_cast<std::size_t>(depth) * 2, ' ');
        out += "<";
        if (node->ns && node->ns->prefix) out += std::string(reinterpret_cast<const char*>(node->ns->prefix)) + ":";
        out += reinterpret_cast<const char*>(node->name);
        for (const xmlNs* ns = node->nsDef; ns; ns = ns->next) {
            out += std::string(" xmlns") +
                   (ns->prefix ? ":" + std::string(reinterpret_cast<const char*>(ns->prefix)) : "") + "=\"" +
                   reinterpret_cast<const char*>(ns->href) + "\"";
        }
        for (const xmlAttr* attr = node->properties; attr; attr = attr->next) {
            const std::string name = reinterpret_cast<const char*>(attr->name);
            xmlChar* value = xmlNodeGetContent(reinterpret_cast<const xmlNode*>(attr));
            out += " " + name + "=\"" + (is_volatile(name) ? "*" : reinterpret_cast<const char*>(value)) + "\"";
            xmlFree(value);
        }
        out += ">\n";
        canonical_element(node->children, depth + 1, out);
    }
}

// The document as "<element attr="value" ...>" lines, indented by depth, volatile values
// "*", the DOCTYPE's name first; nullopt when the text is not well-formed XML.
inline std::optional<std::string> canonical_xml(const std::string& text) {
    xmlDoc* doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), "status.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) return std::nullopt;
    std::string out;
    if (doc->intSubset) out += std::string("DOCTYPE ") + reinterpret_cast<const char*>(doc->intSubset->name) + "\n";
    canonical_element(xmlDocGetRootElement(doc), 0, out);
    xmlFreeDoc(doc);
    return out;
}

// "" when equal, else the first line that differs in both texts (cmocka's messages are short).
inline std::string first_difference(const std::string& ours, const std::string& theirs) {
    std::istringstream a(ours), b(theirs);
    std::string x, y;
    for (int line = 1;; ++line) {
        const bool more_a = static_cast<bool>(std::getline(a, x));
        const bool more_b = static_cast<bool>(std::getline(b, y));
        if (!more_a && !more_b) return {};
        if (!more_a || !more_b || x != y) {
            return "line " + std::to_string(line) + "\n  ours:   " + (more_a ? x : "(end)") +
                   "\n  mod_jk: " + (more_b ? y : "(end)");
        }
    }
}

inline ajpgate::status::Rendered render(const ajpgate::status::StatusPage& page,
                                        const ajpgate::config::StatusWorker& settings, std::string_view query,
                                        std::optional<std::string> error = std::nullopt, std::string_view form = {}) {
    const ajpgate::status::StatusRequest request = ajpgate::status::parse_status_request(query, form);
    ajpgate::status::RenderContext context;
    context.settings = &settings;
    context.request = &request;
    context.request_uri = "/jkstatus";
    context.read_only = ajpgate::status::is_read_only(settings, request);
    return ajpgate::status::render_status(page, context, ajpgate::status::ActionResult{std::move(error)});
}

}  // namespace status_test
