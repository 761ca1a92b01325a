// lib/balancer's pass over the members (a request without a session, and a session whose
// route names a domain) against a plain reference written from the rules in selector.hpp:
// random lbs of 1 to 80 members with random state and activation bytes (out-of-range ones
// included), busy limits, distances, load values, per-mount overrides, members already tried
// and a random rotation start. The scan is written for speed (issue 15); this holds it to the
// rules.
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "test_balancer_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace balancer_test;
using balancer::ActivationOverride;
using balancer::RequestContext;

namespace {

struct Scenario {
    Setup setup;
    StateBuffer state;
    std::vector<ActivationOverride> overrides;  // empty, or one per member
    std::vector<bool> tried;
};

// The activation the rules see: the mount's override, else the byte as stored (0 active,
// 1 disabled, anything else stopped).
int activation_of(const Scenario& sc, std::size_t i) {
    if (!sc.overrides.empty() && sc.overrides[i] != ActivationOverride::none) {
        return sc.overrides[i] == ActivationOverride::active ? 0 : sc.overrides[i] == ActivationOverride::disabled ? 1 : 2;
    }
    const int raw = sc.state.view.member(i).activation;
    return raw <= 1 ? raw : 2;
}

// selector.hpp: a new session needs state OK or ERR/FRC and Active; a sticky request (here the
// session's domain) takes ERR/REC and Disabled too; both need a place under busy_limit. Among
// those, lowest distance, then lowest load (Busyness: busy x mult, then lb_value); the first
// such member counting from the rotation start.
std::optional<std::size_t> reference(const Scenario& sc, bool fresh, const std::string& domain) {
    const std::size_t n = sc.setup.lb.members.size();
    const std::size_t start = sc.state.view.header().next_offset % n;
    const bool busyness = sc.setup.lb.method == config::LbMethod::busyness;
    std::optional<std::size_t> best;
    std::tuple<int, std::uint64_t, std::uint64_t> best_key;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (start + k) % n;
        const balancer::MemberSlot& slot = sc.state.view.member(i);
        if (!domain.empty() && sc.setup.lb.members[i].domain != domain) continue;
        if (sc.tried[i]) continue;
        const int st = slot.state;  // 0 OK, 1 ERR/REC, 2 ERR/FRC
        if (fresh ? !(st == 0 || st == 2) : st > 2) continue;
        const int act = activation_of(sc, i);
        if (fresh ? act != 0 : act == 2) continue;
        if (slot.busy_limit > 0 && slot.busy >= slot.busy_limit) continue;
        const auto busy = static_cast<std::uint64_t>(slot.busy < 0 ? 0 : slot.busy);
        const auto key = busyness ? std::make_tuple(sc.setup.lb.members[i].distance, busy * slot.lb_mult, slot.lb_value)
                                  : std::make_tuple(sc.setup.lb.members[i].distance, slot.lb_value, std::uint64_t{0});
        if (!best || key < best_key) {
            best = i;
            best_key = key;
        }
    }
    return best;
}

Setup random_setup(std::mt19937& rng, std::size_t n) {
    std::vector<MemberSpec> specs;
    for (std::size_t i = 0; i < n; ++i) {
        MemberSpec m;
        m.route = "m" + std::to_string(i);
        m.lbfactor = 1 + static_cast<int>(rng() % 4);
        m.distance = rng() % 3 == 0 ? static_cast<int>(rng() % 3) : 0;
        m.domain = "d" + std::to_string(rng() % 3);
        specs.push_back(m);
    }
    return Setup(specs, rng() % 2 ? config::LbMethod::busyness : config::LbMethod::requests);
}

// Random bytes in every field the pass reads; about half the members fully usable.
void scramble(std::mt19937& rng, Scenario& sc) {
    const std::size_t n = sc.setup.lb.members.size();
    for (std::size_t i = 0; i < n; ++i) {
        balancer::MemberSlot& slot = sc.state.view.member(i);
        slot.state = rng() % 2 ? 0 : static_cast<std::uint8_t>(rng() % 8);
        slot.activation = rng() % 2 ? 0 : static_cast<std::uint8_t>(rng() % 5);
        slot.busy_limit = rng() % 3 == 0 ? static_cast<std::int32_t>(rng() % 4) : 0;
        slot.busy = static_cast<std::int32_t>(rng() % 5) - 1;
        slot.lb_value = rng() % 6;
    }
    sc.state.view.header().next_offset = static_cast<std::uint32_t>(rng() % (2 * n + 1));
    if (rng() % 4 == 0) {
        sc.overrides.resize(n);
        for (auto& o : sc.overrides) o = static_cast<ActivationOverride>(rng() % 4);
    }
    sc.tried.assign(n, false);
    if (rng() % 4 == 0) {
        for (std::size_t i = 0; i < n; ++i) sc.tried[i] = rng() % 4 == 0;
    }
}

RequestContext request_for(const Scenario& sc) {
    RequestContext request;
    request.activation_overrides = sc.overrides;
    for (std::size_t i = 0; i < sc.tried.size(); ++i) {
        if (sc.tried[i]) request.tried.insert(i);
    }
    return request;
}

// 4,000 random scenarios: `check(scenario, rng, round)` says whether the rules chose a member
// there (and fails the test when the pass chose otherwise). Most scenarios must have one.
template <typename Check> void over_random_lbs(unsigned seed, Check check) {
    std::mt19937 rng(seed);
    int chosen = 0;
    for (int round = 0; round < 4000; ++round) {
        const std::size_t n = 1 + rng() % 80;
        Setup setup = random_setup(rng, n);
        Scenario sc{setup, StateBuffer(setup), {}, {}};
        scramble(rng, sc);
        if (check(sc, rng, round)) ++chosen;
    }
    assert_true(chosen > 2000);
}

void test_new_session_matches_reference(void**) {
    over_random_lbs(15, [](Scenario& sc, std::mt19937&, int round) {
        const auto expected = reference(sc, true, "");
        RequestContext request = request_for(sc);
        const balancer::Selection sel = balancer::select_member(sc.setup.lb, sc.state.view, request);
        if (!expected) {
            // Nothing usable: forced recovery may still find one (test_balancer_select covers it).
            if (sel && sel.reason != balancer::PickReason::forced_recovery) {
                fail_msg("round %d: chose %zu where nothing was usable", round, *sel.member);
            }
            return false;
        }
        if (!sel || *sel.member != *expected || sel.reason != balancer::PickReason::by_method) {
            fail_msg("round %d (%zu members): chose %zu, the rules say %zu", round, sc.setup.lb.members.size(),
                     sel ? *sel.member : 999, *expected);
        }
        return true;
    });
}

void test_session_domain_matches_reference(void**) {
    over_random_lbs(16, [](Scenario& sc, std::mt19937& rng, int round) {
        const std::string domain = "d" + std::to_string(rng() % 3);
        const auto expected = reference(sc, false, domain);
        const std::string cookie = "JSESSIONID=ABC." + domain;  // a route that names no member
        RequestContext request = request_for(sc);
        const std::string_view headers[] = {cookie};
        request.sessions = balancer::find_session_ids("/app/x", headers, {});
        const balancer::Selection sel = balancer::select_member(sc.setup.lb, sc.state.view, request);
        if (!expected) {
            if (sel && sel.reason == balancer::PickReason::domain) fail_msg("round %d: a domain member nobody can use", round);
            return false;
        }
        if (!sel || *sel.member != *expected || sel.reason != balancer::PickReason::domain) {
            fail_msg("round %d (%zu members, %s): chose %zu, the rules say %zu", round, sc.setup.lb.members.size(),
                     domain.c_str(), sel ? *sel.member : 999, *expected);
        }
        return true;
    });
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_session_matches_reference),
        cmocka_unit_test(test_session_domain_matches_reference),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
