// jkcheck --probe: what one member answered, and what that means. The tool does the network
// part (tools/check/member_probe.cpp, with the module's own AJP code); the verdict is made
// here, on plain data, so it is tested without a network.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/check_input.hpp"
#include "check/finding.hpp"

namespace ajpgate::check {

struct ProbeResult {
    enum class Connect : std::uint8_t { ok, unresolved, refused, timeout };
    enum class Ping : std::uint8_t {
        not_sent,  // no connection
        cpong,
        silent,    // nothing within the timeout
        closed,    // the connection closed without an answer
        not_ajp,   // bytes that are not an AJP packet (an HTTP connector answers 400)
        other,     // an AJP packet, but not CPONG
    };
    Connect connect = Connect::ok;
    Ping ping = Ping::not_sent;
    bool secret_sent = false;           // the probe request carried the member's secret
    std::optional<std::uint16_t> status;  // the probe request's status, when headers came
    std::string failure;                // why the probe request got no status ("" when it did)
    std::chrono::milliseconds timeout{0};
};

// The findings (JKC601-JKC604) a member's probe result means; none when it answered CPING
// and its request was not refused.
void judge_probe(const CheckInput& in, const Binding& member, const ProbeResult& result, std::vector<Finding>& out);

}  // namespace ajpgate::check
