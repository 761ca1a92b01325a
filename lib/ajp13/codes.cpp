// Code tables of AJP13 (methods, request and response header names) and HTTP reason phrases.
// The tables are indexed by code so both lookups stay trivially in sync.
#include "ajp13/codes.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace ajpgate::ajp13 {

namespace {

// Index i holds method code i + 1.
constexpr std::array<std::string_view, 27> method_names = {
    "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE",
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
    "ACL", "REPORT", "VERSION-CONTROL", "CHECKIN", "CHECKOUT", "UNCHECKOUT", "SEARCH",
    "MKWORKSPACE", "UPDATE", "LABEL", "MERGE", "BASELINE-CONTROL", "MKACTIVITY",
};

// Index i holds header code 0xA001 + i, lower case as the container expands them.
constexpr std::array<std::string_view, 14> request_header_names = {
    "accept", "accept-charset", "accept-encoding", "accept-language", "authorization",
    "connection", "content-type", "content-length", "cookie", "cookie2",
    "host", "pragma", "referer", "user-agent",
};

constexpr std::array<std::string_view, 11> response_header_names = {
    "Content-Type", "Content-Language", "Content-Length", "Date", "Last-Modified",
    "Location", "Set-Cookie", "Set-Cookie2", "Servlet-Engine", "Status", "WWW-Authenticate",
};

constexpr std::uint16_t first_header_code = 0xA001;

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

template <std::size_t N>
std::optional<std::uint16_t> header_code_in(const std::array<std::string_view, N>& table,
                                            std::string_view name) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        if (equals_ignore_case(table[i], name)) return static_cast<std::uint16_t>(first_header_code + i);
    }
    return std::nullopt;
}

template <std::size_t N>
std::string_view header_name_in(const std::array<std::string_view, N>& table, std::uint16_t code) noexcept {
    if (code < first_header_code || code >= first_header_code + N) return {};
    return table[code - first_header_code];
}

struct Reason {
    std::uint16_t status;
    std::string_view phrase;
};

// RFC 9110 wording (plus the WebDAV and RFC 6585 codes), sorted by status for binary search.
constexpr std::array<Reason, 61> reasons = {{
    {100, "Continue"}, {101, "Switching Protocols"}, {102, "Processing"}, {103, "Early Hints"},
    {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {203, "Non-Authoritative Information"},
    {204, "No Content"}, {205, "Reset Content"}, {206, "Partial Content"}, {207, "Multi-Status"},
    {208, "Already Reported"}, {226, "IM Used"},
    {300, "Multiple Choices"}, {301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"},
    {304, "Not Modified"}, {305, "Use Proxy"}, {307, "Temporary Redirect"}, {308, "Permanent Redirect"},
    {400, "Bad Request"}, {401, "Unauthorized"}, {402, "Payment Required"}, {403, "Forbidden"},
    {404, "Not Found"}, {405, "Method Not Allowed"}, {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"}, {408, "Request Timeout"}, {409, "Conflict"},
    {410, "Gone"}, {411, "Length Required"}, {412, "Precondition Failed"},
    {413, "Content Too Large"}, {414, "URI Too Long"}, {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"}, {417, "Expectation Failed"}, {421, "Misdirected Request"},
    {422, "Unprocessable Content"}, {423, "Locked"}, {424, "Failed Dependency"}, {425, "Too Early"},
    {426, "Upgrade Required"}, {428, "Precondition Required"}, {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"}, {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
    {503, "Service Unavailable"}, {504, "Gateway Timeout"}, {505, "HTTP Version Not Supported"},
    {506, "Variant Also Negotiates"}, {507, "Insufficient Storage"}, {508, "Loop Detected"},
    {510, "Not Extended"}, {511, "Network Authentication Required"},
}};

}  // namespace

std::optional<std::uint8_t> method_code(std::string_view method) noexcept {
    for (std::size_t i = 0; i < method_names.size(); ++i) {
        if (method_names[i] == method) return static_cast<std::uint8_t>(i + 1);
    }
    return std::nullopt;
}

std::string_view method_name(std::uint8_t code) noexcept {
    if (code < 1 || code > method_names.size()) return {};
    return method_names[code - 1];
}

std::optional<std::uint16_t> request_header_code(std::string_view name) noexcept {
    return header_code_in(request_header_names, name);
}

std::string_view request_header_name(std::uint16_t code) noexcept {
    return header_name_in(request_header_names, code);
}

std::optional<std::uint16_t> response_header_code(std::string_view name) noexcept {
    return header_code_in(response_header_names, name);
}

std::string_view response_header_name(std::uint16_t code) noexcept {
    return header_name_in(response_header_names, code);
}

std::string_view reason_phrase(std::uint16_t status) noexcept {
    const auto it = std::lower_bound(reasons.begin(), reasons.end(), status,
                                     [](const Reason& r, std::uint16_t s) { return r.status < s; });
    if (it == reasons.end() || it->status != status) return {};
    return it->phrase;
}

}  // namespace ajpgate::ajp13
