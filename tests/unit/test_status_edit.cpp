// lib/status edit decisions (cmd=update): which values change, in mod_jk's ranges, with its
// log lines and messages; wildcards, mass edits, addresses that must resolve.
#include <string>
#include <vector>

#include "status/status_edit.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

using namespace ajpgate;
using namespace std::chrono_literals;
using balancer::RuntimeActivation;

namespace {

status::StatusRequest update(std::vector<std::pair<std::string, std::string>> params) {
    status::StatusRequest r;
    r.cmd = status::Command::update;
    for (const auto& [k, v] : params) {
        if (k == "sw") r.sub_worker = v;
        if (k == "att") r.attribute = v;
        if (k == "w") r.worker = v;
    }
    r.params = std::move(params);
    return r;
}

status::MemberValues member(const std::string& name) {
    status::MemberValues m;
    m.name = name;
    m.lb.route = name;
    m.ajp.host = "127.0.0.1";
    m.ajp.port = 8009;
    m.ajp.retries = 2;
    m.ajp.max_packet_size = 8192;
    return m;
}

status::LbValues two_members() {
    status::LbValues lb;
    lb.name = "lb";
    lb.settings.retries = 2;
    lb.settings.recover_time = 60s;
    lb.settings.error_escalation_time = 30s;
    lb.members = {member("was1"), member("was2")};
    return lb;
}

const status::Resolver always = [](const std::string&, int) { return true; };
const status::Resolver never = [](const std::string&, int) { return false; };

bool logged(const status::UpdateResult& r, const std::string& line) {
    for (const auto& c : r.changes) {
        if (c == line) return true;
    }
    return false;
}

void test_member_activation_and_factor(void**) {
    auto lb = two_members();
    auto r = status::plan_update(lb, update({{"w", "lb"}, {"sw", "was1"}, {"vwa", "D"}, {"vwf", "3"}}), "jkstatus", always);
    assert_false(r.error.has_value());
    assert_true(lb.members[0].activation == RuntimeActivation::disabled);
    assert_int_equal(lb.members[0].lbfactor, 3);
    assert_true(lb.members[1].activation == RuntimeActivation::active);  // only the named member
    assert_true(r.activation_changed);
    assert_true(r.lbfactor_changed);
    assert_true(logged(r, "Status worker 'jkstatus' changing 'activation' for sub worker 'was1' of lb worker 'lb' "
                          "from 'ACT' to 'DIS'"));
    assert_true(logged(r, "Status worker 'jkstatus' changing 'lbfactor' for sub worker 'was1' of lb worker 'lb' "
                          "from '1' to '3'"));
    // Unchanged and out-of-range values do nothing; an unknown letter is mod_jk's default (Active).
    r = status::plan_update(lb, update({{"sw", "was1"}, {"vwa", "D"}, {"vwf", "0"}}), "s", always);
    assert_true(r.changes.empty());
    assert_false(r.activation_changed);
    r = status::plan_update(lb, update({{"sw", "was1"}, {"vwa", "x"}}), "s", always);
    assert_true(lb.members[0].activation == RuntimeActivation::active);
    r = status::plan_update(lb, update({{"sw", "was2"}, {"vwa", "2"}}), "s", always);
    assert_true(lb.members[1].activation == RuntimeActivation::stopped);
}

void test_member_texts(void**) {
    auto lb = two_members();
    auto r = status::plan_update(lb, update({{"sw", "was2"}, {"vwn", "node.b"}, {"vwr", "was1"}}), "s", always);
    assert_false(r.error.has_value());
    assert_true(r.lb_changed);
    assert_string_equal(lb.members[1].lb.route.c_str(), "node.b");
    assert_string_equal(lb.members[1].lb.domain.c_str(), "node");  // derived, as mod_jk
    assert_string_equal(lb.members[1].lb.redirect.c_str(), "was1");
    const std::string long_route(64, 'r');
    r = status::plan_update(lb, update({{"sw", "was1"}, {"vwn", long_route}, {"vwd", "2"}}), "s", always);
    assert_true(r.error.has_value());
    assert_string_equal(r.error->c_str(), ("Update failed (at least partially): new route '" + long_route +
                                           "' too long for sub worker 'was1', see log file for details.")
                                              .c_str());
    assert_string_equal(lb.members[0].lb.route.c_str(), "was1");
    assert_int_equal(lb.members[0].lb.distance, 2);  // the other values of the request still apply
}

void test_ajp_values_of_a_member(void**) {
    auto lb = two_members();
    auto r = status::plan_update(
        lb, update({{"sw", "was1"}, {"vart", "5000"}, {"var", "0"}, {"vamps", "9000"}, {"vabl", "10"}}), "s", always);
    assert_false(r.error.has_value());
    assert_true(r.ajp_changed[0]);
    assert_false(r.ajp_changed[1]);
    assert_int_equal(lb.members[0].ajp.reply_timeout.count(), 5000);
    assert_int_equal(lb.members[0].ajp.retries, 2);            // 0 is below mod_jk's minimum 1
    assert_int_equal(lb.members[0].ajp.max_packet_size, 9216);  // rounded up to 1024
    assert_int_equal(lb.members[0].ajp.busy_limit, 10);
    r = status::plan_update(lb, update({{"sw", "was1"}, {"vamps", "70000"}}), "s", always);
    assert_int_equal(lb.members[0].ajp.max_packet_size, 9216);  // above 65536: ignored
}

void test_address_must_resolve(void**) {
    auto lb = two_members();
    auto r = status::plan_update(lb, update({{"sw", "was1"}, {"vahst", "nowhere.invalid"}, {"vaprt", "9009"}}), "s", never);
    assert_true(r.error.has_value());
    assert_string_equal(r.error->c_str(),
                        "Update failed (at least partially): could not resolve address 'nowhere.invalid:9009' for sub "
                        "worker 'was1'.");
    assert_string_equal(lb.members[0].ajp.host.c_str(), "127.0.0.1");
    assert_int_equal(lb.members[0].ajp.port, 8009);
    r = status::plan_update(lb, update({{"sw", "was1"}, {"vaprt", "9009"}}), "s", always);
    assert_false(r.error.has_value());
    assert_int_equal(lb.members[0].ajp.port, 9009);
    assert_true(r.ajp_changed[0]);
}

void test_wildcards(void**) {
    auto lb = two_members();
    auto r = status::plan_update(lb, update({{"sw", "was*"}, {"vwa", "S"}}), "s", always);
    assert_false(r.error.has_value());
    assert_true(lb.members[0].activation == RuntimeActivation::stopped);
    assert_true(lb.members[1].activation == RuntimeActivation::stopped);
    r = status::plan_update(lb, update({{"sw", "W*"}, {"vwa", "A"}}), "s", always);  // case matters
    assert_string_equal(r.error->c_str(), "could not find sub worker");
    r = status::plan_update(lb, update({{"sw", "w?s2"}, {"vwa", "A"}}), "s", always);
    assert_false(r.error.has_value());
    assert_true(lb.members[1].activation == RuntimeActivation::active);
    assert_true(lb.members[0].activation == RuntimeActivation::stopped);
    r = status::plan_update(lb, update({{"sw", "x*"}, {"vwa", "A"}}), "s", always);
    assert_string_equal(r.error->c_str(), "could not find sub worker");
    r = status::plan_update(lb, update({{"sw", "*"}, {"vwn", std::string(70, 'x')}}), "s", always);
    assert_true(r.error->find("Aborting further wildcard updates.") != std::string::npos);
}

void test_lb_attributes(void**) {
    auto lb = two_members();
    auto r = status::plan_update(
        lb, update({{"w", "lb"}, {"vlr", "3"}, {"vlt", "0"}, {"vls", "off"}, {"vlm", "B"}, {"vll", "P"}, {"vlx", "0"}}),
        "jkstatus", always);
    assert_false(r.error.has_value());
    assert_true(r.lb_changed);
    assert_int_equal(lb.settings.retries, 3);
    assert_int_equal(lb.settings.recover_time.count(), 60);  // 0 is not > 0
    assert_false(lb.settings.sticky_session);
    assert_true(lb.settings.method == config::LbMethod::busyness);
    assert_true(lb.settings.lock == config::LbLock::pessimistic);
    assert_true(logged(r, "Status worker 'jkstatus' changing 'method' for lb worker 'lb' from 'Request' to 'Busyness'"));
    assert_true(logged(r, "Status worker 'jkstatus' changing 'sticky_session' for lb worker 'lb' from '1' to '0'"));
    assert_int_equal(r.changes.size(), 4);  // vlx=0 equals the current value
}

void test_mass_edit(void**) {
    auto lb = two_members();
    auto r = status::plan_update(lb, update({{"w", "lb"}, {"att", "vwf"}, {"val0", "4"}, {"val1", "2"}}), "s", always);
    assert_false(r.error.has_value());
    assert_int_equal(lb.members[0].lbfactor, 4);
    assert_int_equal(lb.members[1].lbfactor, 2);
    assert_true(r.lbfactor_changed);
    r = status::plan_update(lb, update({{"w", "lb"}, {"att", "vacpt"}, {"val1", "30"}}), "s", always);
    assert_false(r.ajp_changed[0]);
    assert_true(r.ajp_changed[1]);
    assert_int_equal(lb.members[1].ajp.connection_pool_timeout.count(), 30);
    r = status::plan_update(lb, update({{"w", "lb"}, {"att", "bogus"}, {"val0", "1"}}), "s", always);
    assert_true(r.changes.empty());
    // The lb's own attributes are not read in a mass edit.
    r = status::plan_update(lb, update({{"w", "lb"}, {"att", "vwa"}, {"val0", "D"}, {"vlr", "9"}}), "s", always);
    assert_true(lb.members[0].activation == RuntimeActivation::disabled);
    assert_int_equal(lb.settings.retries, 2);
}

void test_standalone_ajp_worker(void**) {
    status::AjpValues ajp;
    ajp.name = "single";
    ajp.settings.host = "127.0.0.1";
    ajp.settings.port = 8009;
    ajp.settings.retries = 2;
    ajp.settings.max_packet_size = 8192;
    auto r = status::plan_update(ajp, update({{"w", "single"}, {"vapng", "2500"}, {"vwa", "D"}}), "jk", always);
    assert_false(r.error.has_value());
    assert_true(r.ajp_changed[0]);
    assert_int_equal(ajp.settings.ping_timeout.count(), 2500);
    assert_true(logged(r, "Status worker 'jk' changing 'ping_timeout' for ajp worker 'single' from '0' to '2500'"));
    assert_int_equal(r.changes.size(), 1);  // no activation on a worker outside an lb
    r = status::plan_update(ajp, update({{"vahst", std::string(64, 'h')}}), "jk", always);
    assert_true(r.error->find("new host name") != std::string::npos);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_member_activation_and_factor),
        cmocka_unit_test(test_member_texts),
        cmocka_unit_test(test_ajp_values_of_a_member),
        cmocka_unit_test(test_address_must_resolve),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_lb_attributes),
        cmocka_unit_test(test_mass_edit),
        cmocka_unit_test(test_standalone_ajp_worker),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
