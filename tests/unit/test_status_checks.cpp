// What the status worker decides before rendering: member ratings (good/degraded/bad) from
// the good/bad lists, the target checks and their messages, the order of request errors,
// the user list; and describe_maps() (mod_jk's display_map).
#include <string>
#include <vector>

#include "config/uri_map.hpp"
#include "status/status_maps.hpp"
#include "status/status_messages.hpp"
#include "status/status_render.hpp"
#include "status_golden_page.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate;
using namespace ajpgate::status;

MemberView member(const char* activation, const char* state) {
    MemberView m;
    m.activation = activation;
    m.state = state;
    return m;
}

config::StatusWorker rating(std::vector<std::string> good, std::vector<std::string> bad) {
    config::StatusWorker w;
    w.good = std::move(good);
    w.bad = std::move(bad);
    return w;
}

const char* const kStates[] = {"OK", "OK/IDLE", "OK/BUSY", "ERR", "ERR/REC", "ERR/FRC", "ERR/PRB"};
const char* const kActivations[] = {"ACT", "DIS", "STP"};

// Defaults a.o,a.i,a.b,a.r good and s,e bad: active and not in error is good, stopped or in
// error is bad, the rest (disabled and not in error) degraded. Recovering states count as r.
void test_default_rating(void**) {
    const config::StatusWorker defaults = rating({"a.o", "a.i", "a.b", "a.r"}, {"s", "e"});
    const config::StatusWorker empty = rating({}, {});
    for (const char* activation : kActivations) {
        for (const char* state : kStates) {
            const std::string a = activation, s = state;
            const int expected = (a == "STP" || s == "ERR") ? -1 : a == "ACT" ? 1 : 0;
            assert_int_equal(rate_member(member(activation, state), defaults), expected);
            assert_int_equal(rate_member(member(activation, state), empty), expected);
        }
    }
}

void test_custom_rating(void**) {
    // Letters: one letter is every state of an activation (or every activation of a state).
    assert_int_equal(rate_member(member("DIS", "OK"), rating({"d"}, {"e"})), 1);
    assert_int_equal(rate_member(member("STP", "OK/IDLE"), rating({"i"}, {"e"})), 1);
    assert_int_equal(rate_member(member("STP", "OK/IDLE"), rating({"n"}, {"e"})), 1);  // n = i
    assert_int_equal(rate_member(member("ACT", "ERR/FRC"), rating({"a.o"}, {"r"})), -1);
    assert_int_equal(rate_member(member("ACT", "ERR/PRB"), rating({"R"}, {"e"})), 1);  // upper case
    // Bad wins over good.
    assert_int_equal(rate_member(member("ACT", "OK"), rating({"a"}, {"o"})), -1);
    // mod_jk's parsing: blanks and dots in front skipped; after the first letter everything
    // up to '.' ignored; only the letter right after the dot counts.
    assert_int_equal(rate_member(member("ACT", "OK/BUSY"), rating({" .a.b"}, {"e"})), 1);
    assert_int_equal(rate_member(member("ACT", "OK/BUSY"), rating({"active.busy"}, {"e"})), 1);
    assert_int_equal(rate_member(member("ACT", "OK"), rating({"a.ob"}, {"e"})), 1);
    assert_int_equal(rate_member(member("ACT", "OK/BUSY"), rating({"a.ob"}, {"e"})), 0);
    assert_int_equal(rate_member(member("ACT", "OK"), rating({"a."}, {"e"})), 1);
    // Unknown letters mask nothing: a.x is never good; an unknown state is degraded.
    assert_int_equal(rate_member(member("ACT", "OK"), rating({"a.x"}, {"e"})), 0);
    assert_int_equal(rate_member(member("ACT", "OK"), rating({"x"}, {"e"})), 0);
    assert_int_equal(rate_member(member("ACT", "weird"), rating({"a"}, {"e"})), 0);
    assert_int_equal(rate_member(member("???", "OK"), rating({"o"}, {"e"})), 0);
    // capture.sh's jkstatus2: good=a, bad=e,d.o.
    const config::StatusWorker st = status_test::jkstatus2();
    assert_int_equal(rate_member(member("DIS", "OK"), st), -1);
    assert_int_equal(rate_member(member("DIS", "OK/IDLE"), st), 0);
    assert_int_equal(rate_member(member("STP", "ERR"), st), -1);
    assert_int_equal(rate_member(member("ACT", "ERR/REC"), st), 1);
}

std::optional<std::string> target(const char* query, bool wildcards = false) {
    static const StatusPage page = status_test::golden_page();
    return check_target(page, parse_status_request(query), wildcards);
}

void expect(const std::optional<std::string>& got, std::string_view message) {
    assert_true(got.has_value());
    assert_string_equal(got->c_str(), std::string(message).c_str());
}

void test_check_target(void**) {
    expect(target("cmd=show"), messages::kNoWorker);
    expect(target("cmd=show&w="), messages::kNoWorker);
    expect(target("cmd=show&w=lb&sw="), messages::kEmptySubWorker);
    expect(target("cmd=show&w=&sw="), messages::kNoWorker);
    expect(target("cmd=show&w=nosuch"), messages::kUnknownWorker);
    expect(target("cmd=show&w=a_ok"), messages::kUnknownWorker);  // a member is no worker of worker.list
    expect(target("cmd=show&w=lb&sw=nosuch"), messages::kUnknownSubWorker);
    expect(target("cmd=show&w=solo&sw=x"), messages::kNoSubWorkers);
    expect(target("cmd=show&w=lb&sw=a_*"), messages::kWildcardNotAllowed);
    expect(target("cmd=show&w=solo&sw=a*"), messages::kWildcardNotAllowed);  // before the type check
    // '?' never arrives through a query: mod_jk masks it (and < > ") with '@'.
    expect(target("cmd=show&w=lb&sw=a%3F"), messages::kUnknownSubWorker);
    expect(target("cmd=update&w=lb&sw=z*", true), messages::kUnknownSubWorker);
    expect(target("cmd=update&w=solo&sw=*", true), messages::kNoSubWorkers);
    assert_false(target("cmd=show&w=lb").has_value());
    assert_false(target("cmd=show&w=solo").has_value());
    assert_false(target("cmd=show&w=lb&sw=a_ok").has_value());
    assert_false(target("cmd=update&w=lb&sw=a_*", true).has_value());
    StatusRequest question = parse_status_request("cmd=update&w=lb");
    question.params.emplace_back("sw", "?_err");  // as a caller could build it
    static const StatusPage page = status_test::golden_page();
    assert_false(check_target(page, question, true).has_value());
    expect(check_target(page, question, false), messages::kWildcardNotAllowed);
    assert_false(target("cmd=update&w=lbf&sw=f*", true).has_value());
    expect(target("cmd=show&w=lb&sw=A_OK"), messages::kUnknownSubWorker);  // case matters
}

std::optional<std::string> error_of(const char* query, const config::StatusWorker& settings, bool denied = false) {
    static const StatusPage page = status_test::golden_page();
    return request_error(page, parse_status_request(query), settings, denied);
}

void test_request_error_order(void**) {
    const config::StatusWorker rw = status_test::jkstatus();
    const config::StatusWorker ro = status_test::jkstatus2();
    expect(error_of("cmd=bogus&w=%zz", rw, true), messages::kAccessDenied);
    expect(error_of("cmd=bogus&w=%zz", rw), messages::kParseError);
    expect(error_of("cmd=update&mime=bogus&w=x", ro), messages::kReadOnly);
    expect(error_of("cmd=edit&w=lb&opt=32", rw), messages::kReadOnly);
    expect(error_of("cmd=reset&w=lb&opt=-1", rw), messages::kReadOnly);
    expect(error_of("cmd=bogus&mime=bogus", ro), messages::kInvalidCommand);  // unknown is no write
    expect(error_of("cmd=list&mime=bogus", rw), messages::kInvalidMime);
    expect(error_of("cmd=show&w=nosuch&mime=bogus", rw), messages::kInvalidMime);
}

void test_request_error_targets(void**) {
    const config::StatusWorker rw = status_test::jkstatus();
    for (const char* ok : {"", "cmd=list&w=nosuch", "cmd=version&w=nosuch", "cmd=dump", "cmd=show&w=lb",
                           "cmd=edit&w=lb&sw=a_ok", "cmd=update&w=lb&sw=*", "cmd=reset&w=solo", "cmd=recover&w=lb"}) {
        assert_false(error_of(ok, rw).has_value());
    }
    expect(error_of("cmd=edit&w=lb&sw=a*", rw), messages::kWildcardNotAllowed);
    expect(error_of("cmd=reset&w=lb&sw=a*", rw), messages::kWildcardNotAllowed);
    expect(error_of("cmd=recover", rw), messages::kNoWorker);
    // Read-only lets the viewing commands through.
    const config::StatusWorker ro = status_test::jkstatus2();
    for (const char* ok : {"cmd=list", "cmd=show&w=lbf", "cmd=version", "cmd=dump"}) {
        assert_false(error_of(ok, ro).has_value());
    }
}

void test_users(void**) {
    config::StatusWorker w = status_test::jkstatus();
    assert_true(user_allowed(w, std::nullopt));
    assert_true(user_allowed(w, "anyone"));
    w.user = {"admin", "ops"};
    assert_false(user_allowed(w, std::nullopt));
    assert_true(user_allowed(w, "ops"));
    assert_false(user_allowed(w, "OPS"));
    assert_false(user_allowed(w, "op"));
    w.user_case_insensitive = true;
    assert_true(user_allowed(w, "OPS"));
    assert_false(user_allowed(w, "opsx"));
    assert_true(is_read_only(status_test::jkstatus2(), parse_status_request("")));
    assert_true(is_read_only(status_test::jkstatus(), parse_status_request("opt=33")));
    assert_false(is_read_only(status_test::jkstatus(), parse_status_request("opt=31")));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_rating),       cmocka_unit_test(test_custom_rating),
        cmocka_unit_test(test_check_target),         cmocka_unit_test(test_request_error_order),
        cmocka_unit_test(test_request_error_targets), cmocka_unit_test(test_users),
    };
    return cmocka_run_group_tests_name("status_checks", tests, nullptr, nullptr);
}
