// request_rec -> ajp13::ForwardRequest: everything the backend learns about a request.
// All strings live in the request's pool; the ForwardRequest only points at them.
#pragma once

#include <optional>
#include <string_view>

#include "ajp13/messages.hpp"
#include "modules/httpd.hpp"

namespace ajpgate::httpd {

struct BuildInputs {
    const ServerConfig* server = nullptr;
    std::string_view secret;              // the worker's (or its lb's) secret; empty: none
    std::optional<std::string_view> route;         // the lb member's route, when balanced
    std::optional<std::string_view> lb_activation;  // JK_LB_ACTIVATION (ACT, DIS, STP) for lb members
    std::string_view request_id;          // sent as JkRequestIdAttribute, when that names one
};

struct BuiltRequest {
    ajp13::ForwardRequest request;
    // nullopt: length unknown (chunked); the body then goes only on GET_BODY_CHUNK.
    std::optional<std::uint64_t> content_length;
    bool bad_content_length = false;  // unparsable Content-Length: answer 400
};

BuiltRequest build_forward_request(request_rec* r, const BuildInputs& inputs);

// The path forwarded to the backend under JkOptions ForwardURIProxy: the normalised path
// with the characters a URI path may not carry percent-encoded, so the backend decodes
// exactly what httpd decoded (no double decoding, no smuggled separators).
std::string encode_path_for_proxy(std::string_view decoded_path);

}  // namespace ajpgate::httpd
