#include "testd/response_plan.hpp"

#include <algorithm>
#include <random>

#include "ajp13/codes.hpp"
#include "testd/fixed_body.hpp"
#include "testd/request_json.hpp"
#include "testd/sha256.hpp"
#include "testd/text.hpp"

namespace ajpgate::testd {
namespace {

constexpr std::uint8_t method_head = 3;

std::string status_reason(std::uint16_t status, const std::string& configured) {
    if (!configured.empty()) return configured;
    const std::string_view phrase = ajp13::reason_phrase(status);
    // Tomcat sends the decimal code when it has no phrase; never send an empty reason (BZ 45026).
    return phrase.empty() ? std::to_string(status) : std::string(phrase);
}

// 128 random bits as upper-case hex, the shape of Tomcat's session ids.
std::string random_session_base() {
    thread_local std::mt19937_64 random{std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32)};
    const std::uint64_t words[2] = {random(), random()};
    std::string hex = to_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(words), sizeof words));
    for (char& c : hex) c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
    return hex;
}

struct SessionOutcome {
    std::optional<std::string_view> id_in;
    std::string id_out;
    std::uint64_t count = 0;
};

SessionOutcome route_session(ServerContext& context, const ajp13::DecodedForwardRequest& request,
                             std::vector<ExtraHeader>& headers) {
    SessionOutcome outcome;
    const std::string& route = context.options.route;
    outcome.id_in = incoming_session_id(request.headers, request.uri);
    const SessionDecision decision =
        decide_session(outcome.id_in, route, outcome.id_in ? std::string{} : random_session_base());
    outcome.id_out = decision.id_out;
    outcome.count = context.sessions.touch(decision.id_out);
    if (decision.set_cookie) headers.push_back({"Set-Cookie", session_set_cookie(decision.id_out)});
    if (outcome.id_in) headers.push_back({"X-Session-In", std::string(*outcome.id_in)});
    headers.push_back({"X-Session-Out", outcome.id_out});
    headers.push_back({"X-Route", route});
    headers.push_back({"X-Session-Count", std::to_string(outcome.count)});
    return outcome;
}

bool status_has_body(std::uint16_t status) noexcept {
    return status >= 200 && status != 204 && status != 304;
}

}  // namespace

ResponsePlan error_plan(std::uint16_t status, std::string text) {
    ResponsePlan plan;
    plan.status = status;
    plan.reason = status_reason(status, {});
    plan.text = std::move(text);
    plan.headers = {{"Content-Type", "text/plain"}, {"Content-Length", std::to_string(plan.text.size())}};
    return plan;
}

ResponsePlan plan_response(ServerContext& context, const ReceivedRequest& received, const RequestOptions& options) {
    const auto& request = received.request;
    ResponsePlan plan;
    plan.status = options.status;
    plan.reason = status_reason(options.status, options.reason);
    plan.send_body = options.fault == Fault::body_anyway ||
                     (status_has_body(options.status) && request.method_code != method_head);

    SessionOutcome session;
    if (!context.options.route.empty()) session = route_session(context, request, plan.headers);

    if (options.mode == BodyMode::echo) {
        EchoContext echo{received.body_length, received.body_sha256, received.connection, received.request_number,
                         context.options.name, context.options.route, session.id_in, std::nullopt, session.count,
                         context.requests.current(), context.requests.peak()};
        if (!context.options.route.empty()) echo.session_out = session.id_out;
        plan.text = echo_body(request, echo);
        plan.headers.push_back({"Content-Type", "application/json"});
    } else if (options.mode == BodyMode::fixed) {
        plan.fixed = true;
        plan.fixed_size = options.size;
        plan.headers.push_back({"Content-Type", "application/octet-stream"});
        plan.headers.push_back({"X-Body-Sha256", fixed_body_sha256(options.size)});
    }
    // An explicit Content-Length header (X-Testd header=) replaces the true one: a backend
    // whose declared length does not match its body.
    const bool declared = std::any_of(options.headers.begin(), options.headers.end(), [](const ExtraHeader& h) {
        return iequals(h.name, "Content-Length");
    });
    if ((status_has_body(options.status) || options.fault == Fault::body_anyway) && !declared) {
        plan.headers.push_back({"Content-Length", std::to_string(plan.body_size())});
    }
    for (const auto& header : options.headers) plan.headers.push_back(header);
    return plan;
}

}  // namespace ajpgate::testd
