// Validators referenced by the property table, and the small helpers they share
// with the worker builder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/property_table.hpp"

namespace ajpgate::config {

// Worker names as mod_jk's documentation gives them: [A-Za-z0-9_-], 1..60 characters.
inline constexpr std::size_t max_worker_name_length = 60;
bool is_valid_worker_name(std::string_view name) noexcept;
// A name mod_jk takes although its documentation does not ('a.b', 'node@1'): any text up to
// 63 bytes (JK_MAX_NAME_LEN) without the characters that separate names, rules or
// extensions in ajpgate's syntaxes (blanks, ',', ';', '=', '|', '!', '*', '?'). Accepted
// with a compatibility warning.
inline constexpr std::size_t max_tolerated_worker_name_length = 63;
bool is_tolerated_worker_name(std::string_view name) noexcept;

// `host` may embed a port: "name:8010", "[::1]:8010"; a bare IPv6 address has no port.
struct HostPort {
    std::string host;
    std::optional<int> port;
};
std::optional<HostPort> split_host_port(std::string_view text);

CheckResult check_worker_names(PropertyValue& value);
CheckResult check_host(PropertyValue& value);
CheckResult check_recovery_options(PropertyValue& value);
CheckResult check_status_codes(PropertyValue& value);
CheckResult check_max_packet_size(PropertyValue& value);
CheckResult check_ratings(PropertyValue& value);

}  // namespace ajpgate::config
