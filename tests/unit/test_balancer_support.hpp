// Shared helpers for the lib/balancer tests: small lb configs and state in a raw buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "balancer/health.hpp"
#include "balancer/lb_state.hpp"
#include "balancer/selector.hpp"
#include "config/worker_model.hpp"


namespace balancer_test {

using namespace ajpgate;
using namespace std::chrono_literals;

struct MemberSpec {
    std::string route;
    int lbfactor = 1;
    int distance = 0;
    std::string domain = {};
    std::string redirect = {};
    config::Activation activation = config::Activation::active;
    int busy_limit = 0;
};

// An lb with one ajp13 worker per member, named after the route.
struct Setup {
    config::LbWorker lb;
    std::vector<config::Ajp13Worker> ajp13;

    explicit Setup(const std::vector<MemberSpec>& specs, config::LbMethod method = config::LbMethod::requests) {
        lb.name = "lb";
        lb.method = method;
        lb.session_cookie = "JSESSIONID";
        lb.session_path = ";jsessionid";
        lb.retries = 2;
        lb.lb_retries = 2;
        lb.recover_time = 60s;
        lb.error_escalation_time = 30s;
        for (const MemberSpec& spec : specs) {
            config::Ajp13Worker worker;
            worker.name = "w_" + spec.route;
            worker.busy_limit = spec.busy_limit;
            config::LbMember member;
            member.worker = ajp13.size();
            member.lbfactor = spec.lbfactor;
            member.distance = spec.distance;
            member.route = spec.route;
            member.domain = spec.domain;
            member.redirect = spec.redirect;
            member.activation = spec.activation;
            ajp13.push_back(worker);
            lb.members.push_back(member);
        }
    }
};

// State placed in a raw, suitably aligned byte buffer, as shared memory would hold it.
struct StateBuffer {
    std::vector<std::uint64_t> words;  // uint64_t storage: aligned for the state
    balancer::LbStateView view;

    explicit StateBuffer(const Setup& setup)
        : words(balancer::lb_state_bytes(setup.lb) / sizeof(std::uint64_t) + 1, 0xdeadbeefdeadbeefULL) {
        view = balancer::init_lb_state(bytes(), setup.lb, setup.ajp13);
    }
    std::span<std::byte> bytes() { return std::as_writable_bytes(std::span(words)); }
};

// A member's state in the shared buffer.
inline balancer::MemberState state_of(const StateBuffer& b, std::size_t member) {
    return balancer::member_state(b.view.member(member));
}

// The clock of the simulations: microseconds from an arbitrary positive epoch.
inline balancer::Micros at_seconds(long long s) { return balancer::Micros(1'000'000'000LL + s * 1'000'000LL); }

// A request carrying one Cookie header; the ids are views into `header`, which must outlive
// the request (tests pass literals).
inline balancer::RequestContext request_with_cookie(std::string_view header) {
    balancer::RequestContext request;
    const std::string_view views[] = {header};
    request.sessions = balancer::find_session_ids("/app/x", views, {});
    return request;
}

}  // namespace balancer_test
