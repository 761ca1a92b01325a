#include "config/property_lenient.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "config/property_checks.hpp"
#include "config/property_parse.hpp"

namespace ajpgate::config {

namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kIntMin = std::numeric_limits<std::int32_t>::min();

char lower(char c) noexcept {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

char upper(char c) noexcept {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

// The table's default; `fallback` for the deprecated booleans, which have none (false).
ModJkReading the_default(const PropertySpec& spec, PropertyValue fallback) {
    auto value = default_value(spec);
    if (!value) return {std::move(fallback), "the default"};
    return {std::move(*value), "the default '" + std::string(spec.default_text) + "'"};
}

// mod_jk's integer after the clamps its readers apply. Most clamp to the range ajpgate
// also accepts (lbfactor, retries and recover_time below 1 become 1; a timeout below 0 means
// none, as 0 does); two cut bits instead, as the C types they end up in do.
std::int64_t fit_range(const PropertySpec& spec, std::int64_t n) {
    switch (spec.id) {
        case PropertyId::port:
            // A port below 1 disables the worker; above 65535 the socket layer keeps 16 bits.
            return n <= 0 ? 0 : (n & 0xFFFF);
        case PropertyId::recovery_options:
            return n & 0xFF;  // a bit mask: only the low bits mean anything
        case PropertyId::max_packet_size:
            n = (n + 1023) / 1024 * 1024;  // aligned up to 1 KiB first, as mod_jk does
            break;
        default:
            break;
    }
    return std::clamp(n, spec.min, spec.max);
}

std::optional<ModJkReading> read_number(const PropertySpec& spec, std::string_view text) {
    const auto n = fit_range(spec, mod_jk_atoi(text));
    std::string shown = std::to_string(n);
    switch (spec.type) {
        case ValueType::seconds: return ModJkReading{std::chrono::seconds(n), shown};
        case ValueType::milliseconds: return ModJkReading{std::chrono::milliseconds(n), shown};
        default: return ModJkReading{n, shown};
    }
}

// By the first character, digits included (mod_jk takes '0', '1', ... for the choices in
// the order it lists them); anything else is the default.
std::optional<ModJkReading> read_choice(const PropertySpec& spec, std::string_view text) {
    const std::string_view letters = spec.type == ValueType::lb_method    ? "RTBSN"
                                     : spec.type == ValueType::activation ? "ADS"
                                                                          : "OP";
    const char c = text.empty() ? '\0' : upper(text.front());
    char letter = '\0';
    if (c >= '0' && c < static_cast<char>('0' + letters.size())) letter = letters[c - '0'];
    if (c != '\0' && letters.find(c) != std::string_view::npos) letter = c;
    if (letter == '\0') return the_default(spec, PropertyValue{});
    auto parsed = parse_property_value(spec, std::string_view(&letter, 1));
    return ModJkReading{std::move(*parsed.value), "'" + std::string(1, letter) + "'"};
}

// mod_jk looks for the letters C, P, I and A and ignores every other character.
std::optional<ModJkReading> read_ping_flags(const PropertySpec& spec, std::string_view text) {
    std::string letters;
    for (const char c : text) {
        const char l = lower(c);
        if (l == 'c' || l == 'p' || l == 'i' || l == 'a') letters += l;
    }
    if (letters.empty()) {
        // mod_jk's own default is no probe at all; ajpgate's, on purpose, is C.
        auto fallback = the_default(spec, PingFlags{});
        fallback.shown = "its default (no probe; ajpgate's default is 'C')";
        return fallback;
    }
    std::transform(letters.begin(), letters.end(), letters.begin(), upper);
    return ModJkReading{*parse_ping_flags(letters), "'" + letters + "'"};
}

// Worker names beyond the documented characters ('a.b', 'node@1'), as mod_jk takes them.
std::optional<ModJkReading> read_worker_names(std::string_view text) {
    auto names = split_list(text);
    std::string shown;
    for (const auto& name : names) {
        if (!is_tolerated_worker_name(name)) return std::nullopt;
        shown += (shown.empty() ? "" : ",") + name;
    }
    return ModJkReading{std::move(names), "'" + shown + "'"};
}

// Each item through atoi; an item that is no HTTP status (100..599, maybe negative) can
// never match a response, so leaving it out changes nothing.
std::optional<ModJkReading> read_status_codes(std::string_view text) {
    std::vector<int> codes;
    std::string shown;
    for (const auto& item : split_list(text)) {
        const auto code = mod_jk_atoi(item);
        const auto status = code < 0 ? -code : code;
        if (status < 100 || status > 599) continue;
        codes.push_back(static_cast<int>(code));
        shown += (shown.empty() ? "" : ",") + std::to_string(code);
    }
    return ModJkReading{std::move(codes), shown.empty() ? "no code at all" : "'" + shown + "'"};
}

}  // namespace

std::int64_t mod_jk_atoi(std::string_view text) noexcept {
    std::int64_t multiplier = 1;
    if (!text.empty()) {
        const char last = lower(text.back());
        if (last == 'k') multiplier = 1024;
        if (last == 'm') multiplier = 1024 * 1024;
    }
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    std::int64_t n = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        n = std::min<std::int64_t>(n * 10 + (text[i] - '0'), kIntMax + 1);
    }
    n = (negative ? -n : n) * multiplier;
    return std::clamp(n, kIntMin, kIntMax);
}

std::optional<ModJkReading> read_like_mod_jk(const PropertySpec& spec, std::string_view text) {
    switch (spec.type) {
        case ValueType::integer:
        case ValueType::seconds:
        case ValueType::milliseconds:
            return read_number(spec, text);
        case ValueType::boolean:
            return the_default(spec, false);
        case ValueType::lb_method:
        case ValueType::activation:
        case ValueType::lb_lock:
            return read_choice(spec, text);
        case ValueType::ping_flags:
            return read_ping_flags(spec, text);
        case ValueType::status_codes:
            return read_status_codes(text);
        case ValueType::text:
            // A host that is no host name: mod_jk cannot resolve it and disables the worker
            // (port 0); the worker builder does the same with a host it cannot split.
            if (spec.id == PropertyId::host) {
                return ModJkReading{std::string(text), "a host it cannot resolve, so it disables "
                                                       "the worker (port 0)"};
            }
            return std::nullopt;
        case ValueType::list:
            if (spec.id == PropertyId::list || spec.id == PropertyId::balance_workers) return read_worker_names(text);
            return std::nullopt;  // status ratings mod_jk would not read either
        case ValueType::worker_type:  // mod_jk refuses an unknown type too
        case ValueType::reference:    // resolved by the reference resolver
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace ajpgate::config
