// Typed values of workers.properties and the scalar parsers behind them
// (integers with k/M suffixes, mod_jk's boolean spellings, first-letter choices).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/worker_enums.hpp"

namespace ajpgate::config {

// One parsed property value. Durations keep their unit in the type, so a
// seconds property can never be read as milliseconds.
using PropertyValue = std::variant<std::string, std::int64_t, bool, std::chrono::seconds,
                                   std::chrono::milliseconds, std::vector<std::string>,
                                   std::vector<int>, PingFlags, Activation, LbMethod, LbLock,
                                   WorkerType>;

// Decimal with an optional k/K (x1024) or m/M (x1048576) suffix and an optional
// leading '-'. nullopt on anything else or on overflow (mod_jk falls back to
// the default there; we report it).
std::optional<std::int64_t> parse_integer(std::string_view text) noexcept;

// 0/1, on/off, and mod_jk's first-letter rule (t/y true, f/n false), case-insensitive.
std::optional<bool> parse_boolean(std::string_view text) noexcept;

std::optional<Activation> parse_activation(std::string_view text) noexcept;
std::optional<LbMethod> parse_lb_method(std::string_view text) noexcept;
std::optional<LbLock> parse_lb_lock(std::string_view text) noexcept;

// Letters C, P, I, A (all), case-insensitive; commas and blanks between them ignored.
std::optional<PingFlags> parse_ping_flags(std::string_view text) noexcept;

// Splits a list value at commas, blanks and tabs; empty items dropped.
std::vector<std::string> split_list(std::string_view text);

// Trims blanks, tabs, CR and LF at both ends.
std::string_view trim(std::string_view text) noexcept;

}  // namespace ajpgate::config
