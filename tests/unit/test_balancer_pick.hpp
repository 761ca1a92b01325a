// Picking helpers for the lib/balancer tests. They fail the test through cmocka, so this
// header comes after cmocka.h (and cmocka.h after every standard header, for its macros).
#pragma once

#include "test_balancer_support.hpp"

namespace balancer_test {

// Chooses a member for `request`; a test failure when none is found.
inline std::size_t pick(const Setup& s, const StateBuffer& b, balancer::RequestContext& request) {
    const balancer::Selection sel = balancer::select_member(s.lb, b.view, request);
    if (!sel.member) fail_msg("no member selected");
    return *sel.member;
}

// Chooses a member for a request without a session.
inline std::size_t pick_fresh(const Setup& s, const StateBuffer& b) {
    balancer::RequestContext request;
    return pick(s, b, request);
}

}  // namespace balancer_test
