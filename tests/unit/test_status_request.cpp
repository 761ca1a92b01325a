// parse_status_request() as mod_jk 1.2.48's status_parse_uri(): splitting, decoding, the
// '@' mask of < > ? ", repeated names, defaults, numbers read like atoi, malformed escapes.
#include <string>

#include "status/status_request.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate::status;

void test_defaults(void**) {
    const StatusRequest r = parse_status_request("");
    assert_int_equal(static_cast<int>(r.cmd), static_cast<int>(Command::list));
    assert_int_equal(static_cast<int>(r.mime), static_cast<int>(Mime::html));
    assert_true(r.params.empty());
    assert_false(r.malformed);
    assert_int_equal(r.refresh, 0);
    assert_int_equal(r.options, 0);
    assert_null(r.find("w"));
}

void test_commands_and_mimes(void**) {
    struct {
        const char* text;
        Command cmd;
    } const commands[] = {{"list", Command::list},       {"show", Command::show},      {"edit", Command::edit},
                          {"update", Command::update},   {"reset", Command::reset},    {"recover", Command::recover},
                          {"version", Command::version}, {"dump", Command::dump},      {"drain", Command::drain},
                          {"LIST", Command::unknown},
                          {"", Command::unknown},        {"unknown", Command::unknown}};
    for (const auto& c : commands) {
        assert_int_equal(static_cast<int>(parse_status_request(std::string("cmd=") + c.text).cmd),
                         static_cast<int>(c.cmd));
    }
    struct {
        const char* text;
        Mime mime;
    } const mimes[] = {{"html", Mime::html}, {"xml", Mime::xml},      {"prop", Mime::prop},
                       {"txt", Mime::txt},   {"text", Mime::unknown}, {"", Mime::unknown}};
    for (const auto& m : mimes) {
        assert_int_equal(static_cast<int>(parse_status_request(std::string("mime=") + m.text).mime),
                         static_cast<int>(m.mime));
    }
    assert_string_equal(std::string(to_string(Command::recover)).c_str(), "recover");
    assert_string_equal(std::string(to_string(Mime::prop)).c_str(), "prop");
    assert_string_equal(std::string(to_string(Command::unknown)).c_str(), "unknown");
}

void test_arguments(void**) {
    const StatusRequest r = parse_status_request("cmd=show&w=lb&sw=node1&att=vwa&from=list&re=5&opt=3");
    assert_string_equal(r.worker.c_str(), "lb");
    assert_string_equal(r.sub_worker.c_str(), "node1");
    assert_string_equal(r.attribute.c_str(), "vwa");
    assert_string_equal(r.from.c_str(), "list");
    assert_int_equal(r.refresh, 5);
    assert_int_equal(r.options, 3);
    assert_int_equal(r.params.size(), 7);
}

void test_decoding(void**) {
    const StatusRequest r = parse_status_request("w=a%20b+c&sw=%41%62&vwn=x%2By");
    assert_string_equal(r.worker.c_str(), "a b c");
    assert_string_equal(r.sub_worker.c_str(), "Ab");
    assert_string_equal(r.find("vwn")->c_str(), "x+y");
    // Names are taken as written: %77 is not "w".
    const StatusRequest raw = parse_status_request("%77=lb&a+b=1");
    assert_null(raw.find("w"));
    assert_non_null(raw.find("%77"));
    assert_non_null(raw.find("a+b"));
}

void test_masking(void**) {
    // Raw and decoded < > ? " become '@'; ' and & (decoded) stay.
    const StatusRequest r = parse_status_request("w=<b>&sw=%3Cscript%3E&vwn=%22x%3F%27&vwr=a%26b");
    assert_string_equal(r.worker.c_str(), "@b@");
    assert_string_equal(r.sub_worker.c_str(), "@script@");
    assert_string_equal(r.find("vwn")->c_str(), "@x@'");
    assert_string_equal(r.find("vwr")->c_str(), "a&b");
    assert_string_equal(r.query.c_str(), "w=@b@&sw=%3Cscript%3E&vwn=%22x%3F%27&vwr=a%26b");
    // Names are masked too (in the raw text).
    assert_non_null(parse_status_request("a<b=1").find("a@b"));
}

void test_pieces_without_value(void**) {
    const StatusRequest r = parse_status_request("&&cmd&=x&w=&sw=a=b&");
    assert_null(r.find("cmd"));
    assert_int_equal(static_cast<int>(r.cmd), static_cast<int>(Command::list));
    assert_non_null(r.find("w"));
    assert_string_equal(r.find("w")->c_str(), "");
    assert_string_equal(r.sub_worker.c_str(), "a=b");
    assert_int_equal(r.params.size(), 2);
}

// jk_map_put: the first position, the last value.
void test_repeats(void**) {
    const StatusRequest r = parse_status_request("w=one&cmd=show&w=two&cmd=list");
    assert_string_equal(r.worker.c_str(), "two");
    assert_int_equal(static_cast<int>(r.cmd), static_cast<int>(Command::list));
    assert_int_equal(r.params.size(), 2);
    assert_string_equal(r.params[0].first.c_str(), "w");
    assert_string_equal(r.params[0].second.c_str(), "two");
}

void test_numbers_like_atoi(void**) {
    assert_int_equal(parse_status_request("re=10s").refresh, 10);
    assert_int_equal(parse_status_request("re=+7").refresh, 7);
    assert_int_equal(parse_status_request("re=%207").refresh, 7);
    assert_int_equal(parse_status_request("re=x").refresh, 0);
    assert_int_equal(parse_status_request("re=-3").refresh, -3);
    assert_int_equal(parse_status_request("opt=0x20").options, 0);
    assert_int_equal(parse_status_request("opt=-1").options, 0xFFFFFFFFU);
    assert_int_equal(parse_status_request("re=99999999999").refresh, 2147483647);
}

// A bad escape stops the parsing; what came before stays (mod_jk reads cmd, not mime).
void test_malformed(void**) {
    for (const char* query : {"cmd=show&w=%zz&mime=prop", "cmd=show&w=%4&mime=prop", "cmd=show&w=a%00&mime=prop",
                              "cmd=show&w=%&mime=prop"}) {
        const StatusRequest r = parse_status_request(query);
        assert_true(r.malformed);
        assert_int_equal(static_cast<int>(r.cmd), static_cast<int>(Command::show));
        assert_null(r.find("mime"));
        assert_int_equal(static_cast<int>(r.mime), static_cast<int>(Mime::html));
    }
    // A bad name is not decoded, so it is no error.
    assert_false(parse_status_request("%zz=1").malformed);
}

// A POSTed form adds its parameters after the query's, with the same rules.
void test_form(void**) {
    const StatusRequest r = parse_status_request("cmd=list&mime=html", "cmd=update&w=lb&vwn=%3Cx%3E");
    assert_int_equal(static_cast<int>(r.cmd), static_cast<int>(Command::update));
    assert_string_equal(r.worker.c_str(), "lb");
    assert_string_equal(r.find("vwn")->c_str(), "@x@");
    assert_string_equal(r.params[0].first.c_str(), "cmd");
    assert_true(parse_status_request("cmd=list", "w=%g1").malformed);
    const StatusRequest bad_query = parse_status_request("w=%g1", "cmd=update");
    assert_true(bad_query.malformed);
    assert_null(bad_query.find("cmd"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),  cmocka_unit_test(test_commands_and_mimes),
        cmocka_unit_test(test_arguments), cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_masking),   cmocka_unit_test(test_pieces_without_value),
        cmocka_unit_test(test_repeats),   cmocka_unit_test(test_numbers_like_atoi),
        cmocka_unit_test(test_malformed), cmocka_unit_test(test_form),
    };
    return cmocka_run_group_tests_name("status_request", tests, nullptr, nullptr);
}
