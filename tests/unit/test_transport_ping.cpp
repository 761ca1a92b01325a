// lib/transport ping(): every way a backend can answer a CPING is told apart (jkcheck --probe
// and the module's log name a different cause for each), and cping() is true only for a lone
// CPONG.
#include <string>

#include "transport/ajp_service.hpp"
#include "transport_fakes.hpp"

// cmocka.h last: its macros (fail, ...) must not meet the standard headers.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {
#include <cmocka.h>
}

using namespace ajpgate;
using namespace ajpgate::transport;
using namespace ajpgate::transport::testing;

namespace {

PingAnswer answer_to(ScriptedLink& link) {
    PacketChannel channel(link, 8192);
    const PingAnswer answer = ping(channel, std::chrono::milliseconds(100));
    assert_int_equal(link.writes.size() == 1 ? link.writes[0].size() : 5, 5);  // the CPING went out whole
    return answer;
}

PingAnswer answer_to(const Bytes& incoming, IoResult at_end = IoResult::eof) {
    ScriptedLink link;
    link.incoming = incoming;
    link.at_end = at_end;
    return answer_to(link);
}

void expect(PingAnswer got, PingAnswer want) { assert_int_equal(static_cast<int>(got), static_cast<int>(want)); }

void test_a_lone_cpong_is_the_only_yes(void**) {
    expect(answer_to(BackendScript().cpong().bytes()), PingAnswer::cpong);
    ScriptedLink link;
    link.incoming = BackendScript().cpong().bytes();
    PacketChannel channel(link, 8192);
    assert_true(cping(channel, std::chrono::milliseconds(100)));
}

void test_each_wrong_answer_has_its_name(void**) {
    expect(answer_to({}, IoResult::timeout), PingAnswer::silent);
    expect(answer_to({}, IoResult::eof), PingAnswer::closed);
    expect(answer_to({}, IoResult::error), PingAnswer::closed);
    const std::string http = "HTTP/1.1 400 \r\nContent-Length: 0\r\n\r\n";
    expect(answer_to(Bytes(http.begin(), http.end())), PingAnswer::not_ajp);
    expect(answer_to(BackendScript().headers(200).bytes()), PingAnswer::other);
    // A CPONG with more behind it: the stream holds something nobody asked for.
    expect(answer_to(BackendScript().cpong().cpong().bytes()), PingAnswer::other);
}

void test_a_failed_write_is_send_failed(void**) {
    ScriptedLink link;
    link.fail_write_number = 0;
    PacketChannel channel(link, 8192);
    expect(ping(channel, std::chrono::milliseconds(100)), PingAnswer::send_failed);
    assert_false(cping(channel, std::chrono::milliseconds(100)));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_lone_cpong_is_the_only_yes),
        cmocka_unit_test(test_each_wrong_answer_has_its_name),
        cmocka_unit_test(test_a_failed_write_is_send_failed),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
