// ajpgate's prop, txt and xml answers against mod_jk 1.2.48's, captured by
// data/status/capture.sh from the real module in the state status_golden_page.cpp rebuilds:
// same lines (prop, txt) and same parsed elements and attributes in the same order (xml),
// once the time-derived values are normalised on both sides (test_status_support.hpp).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <optional>
#include <string>
#include <vector>

#include "status/status_messages.hpp"
#include "status/status_render.hpp"
#include "status_golden_page.hpp"
#include "test_status_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate;
using namespace status_test;

enum class Settings { jkstatus, jkstatus2, jkstatus3 };

struct Case {
    const char* golden;  // data/status/<golden>.<format>
    const char* query;   // without mime
    Settings settings = Settings::jkstatus;
    const char* action_error = nullptr;  // the command's own failure, as modules/ reports it
    bool denied = false;
};

const Case kCases[] = {
    {"list", "cmd=list"},
    {"list_opt3", "opt=3"},
    {"list_opt24", "opt=24"},
    {"show_lb", "cmd=show&w=lb"},
    {"show_member", "cmd=show&w=lb&sw=a_ok"},
    {"show_lbf", "cmd=show&w=lbf"},
    {"show_solo", "cmd=show&w=solo"},
    {"version", "cmd=version"},
    {"edit", "cmd=edit&w=lb"},
    {"update", "cmd=update&w=lb&sw=a_idle&vwf=2"},
    {"update_wild", "cmd=update&w=lb&sw=s_*&vwd=3"},
    {"reset", "cmd=reset&w=lb&sw=a_idle"},
    {"recover", "cmd=recover&w=lb&sw=a_err"},
    {"err_no_worker", "cmd=show"},
    {"err_empty_sub", "cmd=show&w=lb&sw="},
    {"err_unknown_worker", "cmd=show&w=nosuch"},
    {"err_unknown_sub", "cmd=show&w=lb&sw=nosuch"},
    {"err_wildcard", "cmd=show&w=lb&sw=a_*"},
    {"err_no_sub_workers", "cmd=show&w=solo&sw=x"},
    {"err_read_only", "cmd=reset&w=lb&opt=32"},
    {"err_recover", "cmd=recover&w=lb&sw=a_ok", Settings::jkstatus, "Marking worker for recovery failed"},
    {"list_st", "cmd=list", Settings::jkstatus2},
    {"err_denied", "cmd=list", Settings::jkstatus3, nullptr, true},
};

config::StatusWorker settings_for(Settings which) {
    switch (which) {
    case Settings::jkstatus2: return jkstatus2();
    case Settings::jkstatus3: return jkstatus3();
    case Settings::jkstatus: break;
    }
    return jkstatus();
}

// What modules/ does: request_error, else the command's own result; then render.
status::Rendered answer(const status::StatusPage& page, const config::StatusWorker& settings, const std::string& query,
                        const char* action_error = nullptr, bool denied = false) {
    const status::StatusRequest request = status::parse_status_request(query);
    std::optional<std::string> error = status::request_error(page, request, settings, denied);
    if (!error && action_error) error = action_error;
    return render(page, settings, query, error);
}

void expect_same(const std::string& name, const std::string& ours, const std::string& golden, bool xml) {
    if (xml) {
        const auto theirs = canonical_xml(golden);
        const auto mine = canonical_xml(ours);
        if (!theirs) fail_msg("%s: mod_jk's capture is not well-formed XML", name.c_str());
        if (!mine) fail_msg("%s: our answer is not well-formed XML:\n%s", name.c_str(), ours.c_str());
        if (*mine != *theirs) fail_msg("%s differs at %s", name.c_str(), first_difference(*mine, *theirs).c_str());
        return;
    }
    const std::string mine = normalize_text(ours);
    const std::string theirs = normalize_text(golden);
    if (mine != theirs) fail_msg("%s differs at %s", name.c_str(), first_difference(mine, theirs).c_str());
}

void test_cases(void**) {
    const status::StatusPage page = golden_page();
    for (const Case& c : kCases) {
        const config::StatusWorker settings = settings_for(c.settings);
        for (const char* format : {"prop", "txt", "xml"}) {
            const std::string query = std::string(c.query) + "&mime=" + format;
            const status::Rendered ours = answer(page, settings, query, c.action_error, c.denied);
            const std::string name = std::string(c.golden) + "." + format;
            expect_same(name, ours.body, read_data(name), std::string(format) == "xml");
        }
    }
}

// cmd=dump: the configuration as read, ServerRoot first; a .secret never shows (mod_jk skips
// it; capture.sh's solo has one). XML is compared with prop's lines: mod_jk's own dump.xml is
// not well-formed (it does not escape the doctype value's '<'); ours is.
void test_dump(void**) {
    status::StatusPage page = golden_page();
    const std::string golden = read_data("dump.prop");
    page.server_root = "/tmp/status-capture";
    bool in_config = false;
    std::istringstream lines(golden);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("ServerRoot=")) {
            in_config = true;
            continue;
        }
        if (!in_config || line.starts_with("worker.result.")) continue;
        const auto eq = line.find('=');
        page.dump.emplace_back(line.substr(0, eq), line.substr(eq + 1));
        if (line.starts_with("worker.solo.port=")) page.dump.emplace_back("worker.solo.secret", "capture-secret");
    }
    const config::StatusWorker settings = jkstatus();
    expect_same("dump.prop", answer(page, settings, "cmd=dump&mime=prop").body, golden, false);
    expect_same("dump.txt", answer(page, settings, "cmd=dump&mime=txt").body, read_data("dump.txt"), false);
    const std::string xml = answer(page, settings, "cmd=dump&mime=xml").body;
    assert_true(canonical_xml(xml).has_value());
    assert_null(strstr(xml.c_str(), "capture-secret"));
    assert_non_null(strstr(xml.c_str(), "worker.jkstatus2.doctype=\"&lt;!DOCTYPE status&gt;\""));
}

// Errors found before the command: unknown command in every format, unknown mime (answered
// as prop), a bad escape (parameters after it are lost: mime=html then).
void test_request_errors(void**) {
    const status::StatusPage page = golden_page();
    const config::StatusWorker settings = jkstatus();
    for (const char* format : {"prop", "txt", "xml"}) {
        const std::string command = std::string("err_command.") + format;
        expect_same(command, answer(page, settings, std::string("cmd=bogus&mime=") + format).body, read_data(command),
                    std::string(format) == "xml");
        const std::string parse = std::string("err_parse_first.") + format;
        expect_same(parse, answer(page, settings, std::string("mime=") + format + "&cmd=show&w=%zz").body,
                    read_data(parse), std::string(format) == "xml");
    }
    const status::Rendered mime = answer(page, settings, "cmd=list&mime=bogus");
    expect_same("err_mime.prop", mime.body, read_data("err_mime.prop"), false);
    assert_string_equal(mime.content_type.c_str(), "text/plain");
    const status::Rendered late = answer(page, settings, "cmd=show&w=%zz&mime=prop");
    assert_string_equal(late.content_type.c_str(), "text/html");
}

// mod_jk's Content-Type values, exactly (no charset).
void test_content_types(void**) {
    const status::StatusPage page = golden_page();
    const config::StatusWorker settings = jkstatus();
    for (const char* format : {"xml", "html", "txt"}) {
        const std::string header = read_data(std::string("headers.") + format);
        const std::string ours =
            "Content-Type: " + answer(page, settings, std::string("mime=") + format).content_type + "\n";
        assert_string_equal(ours.c_str(), header.c_str());
    }
    assert_string_equal(answer(page, settings, "mime=prop").content_type.c_str(), "text/plain");
}

// Our XML is valid for xmllint too (libxml2's parser above; this is the command line tool).
void test_xmllint(void**) {
    const std::string xml = answer(golden_page(), jkstatus(), "mime=xml").body;
    const std::string path = "test_status_golden.xmllint.xml";
    std::ofstream(path, std::ios::binary) << xml;
    const int rc = std::system(("xmllint --noout " + path).c_str());
    std::remove(path.c_str());
    assert_int_equal(rc, 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),         cmocka_unit_test(test_dump),    cmocka_unit_test(test_request_errors),
        cmocka_unit_test(test_content_types), cmocka_unit_test(test_xmllint),
    };
    return cmocka_run_group_tests_name("status_golden", tests, setup_utc, nullptr);
}
