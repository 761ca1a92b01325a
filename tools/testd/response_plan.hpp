// Decides what to answer to one request: secret check, session routing, body mode,
// status and headers. The writer then puts it on the wire.
#pragma once

#include <cstdint>
#include <string>

#include "ajp13/messages.hpp"
#include "testd/request_options.hpp"
#include "testd/response_writer.hpp"
#include "testd/server_context.hpp"

namespace ajpgate::testd {

struct ReceivedRequest {
    const ajp13::DecodedForwardRequest& request;
    std::uint64_t body_length = 0;
    std::string body_sha256;
    std::uint64_t connection = 0;
    std::uint64_t request_number = 0;
};

ResponsePlan plan_response(ServerContext& context, const ReceivedRequest& received, const RequestOptions& options);

// A short text/plain answer (400 for a bad X-Testd header, 403 for a wrong secret).
ResponsePlan error_plan(std::uint16_t status, std::string text);

}  // namespace ajpgate::testd
