#include "ajp13/response_checks.hpp"

#include <array>
#include <strings.h>

namespace ajpgate::ajp13 {

namespace {

bool same_name(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool has_control(std::string_view text) noexcept {
    for (const char c : text) {
        if (c == '\r' || c == '\n' || c == '\0') return true;
    }
    return false;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

HeaderProblem check_send_headers(const SendHeadersView& view, std::optional<std::uint64_t>& length) noexcept {
    length.reset();
    if (view.status < 100 || view.status > 599) return HeaderProblem::status_out_of_range;
    if (view.status < 200) return HeaderProblem::informational_final;
    if (view.header_count > kMaxResponseHeaders) return HeaderProblem::too_many_headers;
    if (view.reason && has_control(*view.reason)) return HeaderProblem::control_characters;
    SendHeadersView walk = view;
    HeaderField field;
    std::string_view declared;
    while (next_header(walk, field)) {
        if (field.name.empty() || has_control(field.name) || has_control(field.value)) {
            return HeaderProblem::control_characters;
        }
        if (same_name(field.name, "Content-Length")) {
            const std::string_view value = trim(field.value);
            if (length && value != declared) return HeaderProblem::conflicting_length;
            std::uint64_t n = 0;
            if (value.empty() || value.size() > 18) return HeaderProblem::bad_length;
            for (const char c : value) {
                if (c < '0' || c > '9') return HeaderProblem::bad_length;
                n = n * 10 + static_cast<std::uint64_t>(c - '0');
            }
            declared = value;
            length = n;
        }
    }
    return HeaderProblem::none;
}

std::string_view describe(HeaderProblem problem) noexcept {
    switch (problem) {
    case HeaderProblem::none: return "";
    case HeaderProblem::status_out_of_range: return "backend sent a status outside 100..599";
    case HeaderProblem::informational_final: return "backend sent a 1xx status as its final answer";
    case HeaderProblem::control_characters: return "backend sent a header with CR, LF or NUL in it";
    case HeaderProblem::conflicting_length: return "backend sent two different Content-Length values";
    case HeaderProblem::bad_length: return "backend sent a Content-Length that is not a number";
    case HeaderProblem::too_many_headers: return "backend sent more than 200 headers";
    }
    return "backend sent unsafe headers";
}

bool is_hop_by_hop(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 7> names{"Connection", "Keep-Alive", "Proxy-Connection", "TE",
                                                           "Trailer", "Transfer-Encoding", "Upgrade"};
    for (const auto n : names) {
        if (same_name(name, n)) return true;
    }
    return false;
}

bool connection_names(std::string_view value, std::string_view name) noexcept {
    while (!value.empty()) {
        const auto comma = value.find(',');
        const std::string_view token = trim(value.substr(0, comma));
        if (!token.empty() && same_name(token, name)) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

HopByHopFilter::HopByHopFilter(const SendHeadersView& headers) noexcept : headers_(headers) {
    HeaderField field;
    for (SendHeadersView walk = headers_; next_header(walk, field);) {
        if (same_name(field.name, "Connection")) {
            any_connection_ = true;
            break;
        }
    }
}

bool HopByHopFilter::drops(std::string_view name) const noexcept {
    if (is_hop_by_hop(name)) return true;
    if (!any_connection_) return false;
    HeaderField field;
    for (SendHeadersView walk = headers_; next_header(walk, field);) {
        if (same_name(field.name, "Connection") && connection_names(field.value, name)) return true;
    }
    return false;
}

}  // namespace ajpgate::ajp13
