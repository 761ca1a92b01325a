// The request policy in words, one row per rule in the order decide() applies them. The
// README's "Retries and failover" table is rendered from these rows (scripts/update-docs.sh);
// test_balancer_policy checks that every rule is reachable and that decide() does what each
// row says.
#include <array>
#include <string>

#include "balancer/request_policy.hpp"

namespace ajpgate::balancer {

namespace {

constexpr std::array<PolicyRuleDoc, kRuleCount> kDocs{{
    {Rule::answered, "the member answered (status not in `fail_on_status`)", "done", "same"},
    {Rule::client_side, "the client failed: body unreadable or short (400), request headers too large (413), "
                        "client gone during the answer",
     "stop; the member's health is untouched; with bit 4 the backend connection is reset (RST) so the "
     "application sees the failure",
     "same"},
    {Rule::under_way, "bytes of the answer already reached the client",
     "stop: the client connection is cut so a partial answer is never taken for a whole one", "same"},
    {Rule::body_consumed, "more request body was read than the first packet, which is all that is kept",
     "stop (502/504)", "same"},
    {Rule::before_sending,
     "nothing reached the backend: unresolved host, busy (no free connection), connect refused or timed "
     "out, no CPONG, request could not be written",
     "the same member again on a new connection while its `retries` last (connect, CPING and write "
     "failures), then another member; unresolved and busy go straight to another member",
     "same"},
    {Rule::status_listed, "the status is in `fail_on_status` (`-code`: the member stays OK)",
     "another member; 503 if none is left", "asks the same member `retries` times first"},
    {Rule::after_headers,
     "the backend's headers arrived, then it failed before anything went to the client",
     "another member for GET, HEAD, OPTIONS, TRACE, PUT, DELETE unless bit 2; otherwise stop (502/504)",
     "has already sent the headers to the client: bit 2 stops, otherwise any method is retried"},
    {Rule::sent_bit1, "the backend received the request and bit 1 is set (bit 8 lifts it for HEAD, bit 16 for GET)",
     "stop (502/504)", "checks bit 16 only when bit 8 is not set"},
    {Rule::timeout_unsafe,
     "no reply within `reply_timeout`, or the member found hung (`JkHungBackendCheck`), for a method that must not "
     "run twice (POST, PATCH, ...)",
     "stop (504): the backend may still be executing it", "sends it to another member"},
    {Rule::sent_replayable, "the backend received the request and closed, timed out, was found hung or sent garbage without a word",
     "closed: the same member on a new connection first (a pooled connection may have been closed as the "
     "request went), then another member; timeout, hung or protocol error: another member at once; the request and "
     "its first body packet are sent again as they were",
     "asks the same member `retries` times first"},
}};

}  // namespace

std::span<const PolicyRuleDoc> policy_rule_docs() noexcept { return kDocs; }

std::string render_policy_markdown() {
    std::string out =
        "| # | when | then | mod_jk |\n"
        "|---|---|---|---|\n";
    int n = 1;
    for (const auto& doc : kDocs) {
        out += "| " + std::to_string(n++) + " `" + std::string(to_string(doc.rule)) + "` | " + std::string(doc.when) +
               " | " + std::string(doc.then) + " | " + std::string(doc.mod_jk) + " |\n";
    }
    return out;
}

}  // namespace ajpgate::balancer
