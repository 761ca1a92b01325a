// One status for every primitive of the protocol library. Callers decide what a
// status means for the connection (close it) and for the client (502, 413, ...).
#pragma once

#include <cstdint>
#include <string_view>

namespace ajpgate::ajp13 {

enum class Status : std::uint8_t {
    ok,
    need_more,     // framing: not enough bytes received yet
    does_not_fit,  // writer: the message would exceed the packet buffer (nothing is truncated)
    malformed,     // reader: the bytes do not form a valid message of the expected kind
};

constexpr std::string_view to_string(Status s) noexcept {
    switch (s) {
    case Status::ok: return "ok";
    case Status::need_more: return "need_more";
    case Status::does_not_fit: return "does_not_fit";
    case Status::malformed: return "malformed";
    }
    return "unknown";
}

}  // namespace ajpgate::ajp13
