#include "status/status_request.hpp"

#include <array>
#include <climits>

namespace ajpgate::status {

namespace {

// mod_jk's JK_STATUS_ESC_CHARS: what it replaces by '@' against cross-site scripting.
constexpr std::string_view kMaskedChars = "<>?\"";
constexpr char kMask = '@';

constexpr std::array<std::string_view, 12> kCommandNames{"unknown", "list",    "show",      "edit",
                                                         "update",  "reset",   "recover",   "version",
                                                         "dump",    "history", "dashboard", "drain"};
constexpr std::array<std::string_view, 7> kMimeNames{"unknown", "html", "xml", "prop", "txt", "json", "prometheus"};

std::string masked(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (kMaskedChars.find(c) != std::string_view::npos) {
            c = kMask;
        }
    }
    return out;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded value decoding as mod_jk's jk_unescape_url(..., plus=1):
// false on a '%' without two hex digits or on an encoded NUL.
bool decode_value(std::string_view text, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c != '%') {
            out += c;
        } else {
            const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
            const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if (high < 0 || low < 0) {
                return false;
            }
            const char decoded = static_cast<char>(high * 16 + low);
            if (decoded == '\0') {
                return false;
            }
            out += decoded;
            i += 2;
        }
    }
    return true;
}

// jk_map_put: a known name keeps its place and takes the new value.
void put(std::vector<std::pair<std::string, std::string>>& params, std::string name, std::string value) {
    for (auto& [known, old] : params) {
        if (known == name) {
            old = std::move(value);
            return;
        }
    }
    params.emplace_back(std::move(name), std::move(value));
}

// Adds the parameters of `text` (already masked); false when a value cannot be decoded.
bool add_parameters(std::string_view text, StatusRequest& request) {
    std::string value;
    while (!text.empty()) {
        const auto amp = text.find('&');
        const std::string_view piece = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        const auto eq = piece.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            continue;
        }
        if (!decode_value(piece.substr(eq + 1), value)) {
            return false;
        }
        put(request.params, std::string(piece.substr(0, eq)), masked(value));
    }
    return true;
}

// atoi(): optional blanks and sign, then digits; anything else ends the number.
int leading_int(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        negative = text[i] == '-';
        ++i;
    }
    long long value = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        value = value * 10 + (text[i] - '0');
        if (value > INT_MAX) {
            value = INT_MAX;  // atoi's overflow is undefined; saturate
        }
    }
    return static_cast<int>(negative ? -value : value);
}

std::string value_or_empty(const StatusRequest& request, std::string_view name) {
    const std::string* value = request.find(name);
    return value ? *value : std::string{};
}

}  // namespace

const std::string* StatusRequest::find(std::string_view name) const {
    for (const auto& [key, value] : params) {
        if (key == name) {
            return &value;
        }
    }
    return nullptr;
}

Command parse_command(std::string_view text) {
    for (std::size_t i = 1; i < kCommandNames.size(); ++i) {
        if (kCommandNames[i] == text) {
            return static_cast<Command>(i);
        }
    }
    return Command::unknown;
}

Mime parse_mime(std::string_view text) {
    for (std::size_t i = 1; i < kMimeNames.size(); ++i) {
        if (kMimeNames[i] == text) {
            return static_cast<Mime>(i);
        }
    }
    return Mime::unknown;
}

std::string_view to_string(Command cmd) noexcept {
    const auto index = static_cast<std::size_t>(cmd);
    return index < kCommandNames.size() ? kCommandNames[index] : kCommandNames[0];
}

std::string_view to_string(Mime mime) noexcept {
    const auto index = static_cast<std::size_t>(mime);
    return index < kMimeNames.size() ? kMimeNames[index] : kMimeNames[0];
}

StatusRequest parse_status_request(std::string_view query, std::string_view form) {
    StatusRequest request;
    request.query = masked(query);
    request.malformed = !add_parameters(request.query, request) || !add_parameters(masked(form), request);

    const std::string* cmd = request.find("cmd");
    const std::string* mime = request.find("mime");
    request.cmd = cmd ? parse_command(*cmd) : Command::list;
    request.mime = mime ? parse_mime(*mime) : Mime::html;
    request.worker = value_or_empty(request, "w");
    request.sub_worker = value_or_empty(request, "sw");
    request.attribute = value_or_empty(request, "att");
    request.from = value_or_empty(request, "from");
    request.refresh = leading_int(value_or_empty(request, "re"));
    request.options = static_cast<unsigned>(leading_int(value_or_empty(request, "opt")));
    return request;
}

}  // namespace ajpgate::status
