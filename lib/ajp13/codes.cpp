// Code tables of AJP13 (methods, request and response header names) and HTTP reason phrases.
// The tables are indexed by code so both lookups stay trivially in sync.
#include "ajp13/codes.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

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

// ascii_lower of every byte of a word at once. Bytes of 0x80 and above stay as they are.
// No carry crosses a byte: a 7-bit value plus at most 0x3F stays below 0x100.
template <typename Word>
constexpr Word lower_bytes(Word w) noexcept {
    constexpr Word ones = static_cast<Word>(~Word{0}) / 0xFF;  // 0x0101...
    constexpr Word high = ones * 0x80;
    const Word seven = w & (ones * 0x7F);
    const Word at_least_a = seven + ones * (0x80 - 'A');   // high bit: byte >= 'A'
    const Word above_z = seven + ones * (0x80 - 'Z' - 1);  // high bit: byte > 'Z'
    return w | ((at_least_a & ~above_z & ~w & high) >> 2);   // 0x80 >> 2 is the case bit
}

template <typename Word>
Word load(const char* at) noexcept {
    Word w;
    std::memcpy(&w, at, sizeof w);
    return w;
}

// name (of the same size as lower, between sizeof(Word) and 2 * sizeof(Word) bytes) equals
// lower ignoring ASCII case: two possibly overlapping words cover every byte.
template <typename Word>
bool equals_lower(std::string_view name, const char* lower) noexcept {
    const std::size_t last = name.size() - sizeof(Word);
    const Word head = lower_bytes(load<Word>(name.data())) ^ load<Word>(lower);
    const Word tail = lower_bytes(load<Word>(name.data() + last)) ^ load<Word>(lower + last);
    return (head | tail) == 0;
}

// Header name -> code without scanning the table (a linear scan with a case-insensitive
// compare cost ~300 instructions per header, on every request): a perfect hash of the
// size and the first and last letters picks the only candidate, and one compare of at
// most two word pairs decides. Built from the name table at compile time; valid() is
// false (and the static_assert below fires) if the table ever gets two names in one slot.
template <std::size_t N>
class HeaderIndex {
public:
    constexpr explicit HeaderIndex(const std::array<std::string_view, N>& names) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            const std::string_view name = names[i];
            if (name.size() < min_size || name.size() > max_size) valid_ = false;
            if (!valid_) return;
            Entry& entry = slots_[slot_of(name)];
            if (entry.size != 0) valid_ = false;
            entry.size = name.size();
            entry.code = static_cast<std::uint16_t>(first_header_code + i);
            for (std::size_t j = 0; j < name.size(); ++j) entry.lower[j] = ascii_lower(name[j]);
        }
    }

    constexpr bool valid() const noexcept { return valid_; }

    std::optional<std::uint16_t> find(std::string_view name) const noexcept {
        if (name.size() < min_size || name.size() > max_size) return std::nullopt;  // no such name
        const Entry& entry = slots_[slot_of(name)];
        if (entry.size != name.size()) return std::nullopt;
        const bool same = name.size() < 8 ? equals_lower<std::uint32_t>(name, entry.lower.data())
                                          : equals_lower<std::uint64_t>(name, entry.lower.data());
        if (!same) return std::nullopt;
        return entry.code;
    }

private:
    // The word compare needs at least 4 bytes; no AJP header name is shorter or longer.
    static constexpr std::size_t min_size = 4;
    static constexpr std::size_t max_size = 16;
    static constexpr std::size_t slot_count = 64;

    static constexpr std::size_t slot_of(std::string_view name) noexcept {
        const auto first = static_cast<unsigned char>(ascii_lower(name.front()));
        const auto last = static_cast<unsigned char>(ascii_lower(name.back()));
        return (name.size() + 4 * first + last) % slot_count;
    }

    struct Entry {
        std::array<char, max_size> lower{};
        std::size_t size = 0;  // 0: no name hashes to this slot
        std::uint16_t code = 0;
    };

    std::array<Entry, slot_count> slots_{};
    bool valid_ = true;
};

constexpr HeaderIndex request_header_index(request_header_names);
constexpr HeaderIndex response_header_index(response_header_names);
static_assert(request_header_index.valid() && response_header_index.valid(),
              "header name table: a name of unsupported size, or two names in one slot (change slot_of)");

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
    return request_header_index.find(name);
}

std::string_view request_header_name(std::uint16_t code) noexcept {
    return header_name_in(request_header_names, code);
}

std::optional<std::uint16_t> response_header_code(std::string_view name) noexcept {
    return response_header_index.find(name);
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
