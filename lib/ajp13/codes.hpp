// Code tables: HTTP methods and coded header names, both directions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ajpgate::ajp13 {

// Method name -> method byte (1..27). Case-sensitive, as HTTP methods are.
// nullopt: not in the table; send method_stored + attribute stored_method.
std::optional<std::uint8_t> method_code(std::string_view method) noexcept;
// Method byte -> name; empty for codes outside 1..27 (0xFF included).
std::string_view method_name(std::uint8_t code) noexcept;

// Request header name -> 0xA0xx code, matched case-insensitively (0xA001..0xA00E).
std::optional<std::uint16_t> request_header_code(std::string_view name) noexcept;
// 0xA0xx -> lower-case name as the container expands it; empty if not a valid code.
std::string_view request_header_name(std::uint16_t code) noexcept;

// Response header name -> 0xA0xx code, case-insensitively (0xA001..0xA00B).
std::optional<std::uint16_t> response_header_code(std::string_view name) noexcept;
// 0xA0xx -> canonical name ("Content-Type"); empty if not a valid code.
std::string_view response_header_name(std::uint16_t code) noexcept;

// Standard reason phrase for a status code ("Not Found"); empty if unknown.
std::string_view reason_phrase(std::uint16_t status) noexcept;

}  // namespace ajpgate::ajp13
