// JSON renderings of what ajp-testd received: the echo body and the --record lines share
// the description of a FORWARD_REQUEST so the two can never disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ajp13/messages.hpp"
#include "log/json_writer.hpp"

namespace ajpgate::testd {

using log::JsonWriter;

// Writes method, method_code, uri, query, protocol, remote/server fields, is_ssl,
// "headers" ([{name, value}] in wire order) and "attributes" (every attribute, null when
// absent, req_attributes in order, and the attribute codes in wire order) as members of
// the object currently open in `json`.
void write_request_fields(JsonWriter& json, const ajp13::DecodedForwardRequest& request);

struct EchoContext {
    std::uint64_t body_length = 0;
    std::string body_sha256;
    std::uint64_t connection = 0;  // 1-based connection number since start
    std::uint64_t request = 0;     // 1-based request number on that connection
    std::string_view backend_name;
    std::string_view route;                     // empty: no route configured
    std::optional<std::string_view> session_in;
    std::optional<std::string_view> session_out;
    std::uint64_t session_count = 0;
    std::uint64_t in_flight = 0;       // requests being answered as this answer is planned, itself included
    std::uint64_t peak_in_flight = 0;  // the most ever answered at once
};

// The echo mode body: one JSON object.
std::string echo_body(const ajp13::DecodedForwardRequest& request, const EchoContext& context);

}  // namespace ajpgate::testd
