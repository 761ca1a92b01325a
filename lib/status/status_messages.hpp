// mod_jk 1.2.48's status worker messages, word for word: scripts read them from
// worker.result.message (prop), Result: message="..." (txt) and <jk:result message=""/> (xml).
// One place, so the checks here and the commands in modules/ say exactly what mod_jk says.
#pragma once

#include <string_view>

namespace ajpgate::status::messages {

inline constexpr std::string_view kActionFinished = "Action finished";  // type=OK

// Decided before the command runs (request_error, check_target), in mod_jk's order.
inline constexpr std::string_view kParseError = "Error during parsing of URI";
inline constexpr std::string_view kAccessDenied = "Access denied.";
inline constexpr std::string_view kReadOnly = "This command is not allowed in read only mode.";
inline constexpr std::string_view kInvalidCommand = "Invalid command.";
inline constexpr std::string_view kInvalidMime = "Invalid mime type.";
inline constexpr std::string_view kNoWorker = "NULL or EMPTY worker param";
inline constexpr std::string_view kEmptySubWorker = "EMPTY sub worker param";
inline constexpr std::string_view kUnknownWorker = "Could not find given worker";
inline constexpr std::string_view kWildcardNotAllowed = "wildcard not allowed in sub worker for this command";
inline constexpr std::string_view kNoSubWorkers = "worker type has no sub workers";
inline constexpr std::string_view kUnknownSubWorker = "could not find sub worker";

// The commands' own failures (modules/ applies them).
inline constexpr std::string_view kUpdateFailed = "Update failed";
inline constexpr std::string_view kResetFailed = "Reset failed";
inline constexpr std::string_view kRecoverFailed = "Marking worker for recovery failed";
// ajpgate's own command (status_drain.hpp).
inline constexpr std::string_view kDrainFailed = "Drain failed";

}  // namespace ajpgate::status::messages
