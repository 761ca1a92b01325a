// Unit tests of ajp-testd's per-request options (the X-Testd header) and command line.
#include <string>
#include <string_view>
#include <vector>

#include "testd/cli_options.hpp"
#include "testd/request_options.hpp"

#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
extern "C" {  // cmocka.h wraps only part of its declarations in extern "C"
#include <cmocka.h>
}

using namespace ajpgate::testd;
using std::chrono::milliseconds;

namespace {

RequestOptions parse_ok(std::string_view header) {
    RequestOptions options;
    std::string error;
    if (!apply_testd_header(options, header, error))
        fail_msg("'%s' rejected: %s", std::string(header).c_str(), error.c_str());
    return options;
}

void header_defaults_untouched(void**) {
    for (const char* header : {"", ";", " ; ;  "}) {
        const RequestOptions o = parse_ok(header);
        assert_true(o.mode == BodyMode::echo);
        assert_int_equal(o.status, 200);
        assert_true(o.fault == Fault::none);
        assert_int_equal(o.delay.count(), 0);
        assert_int_equal(o.hang.count(), 30000);
    }
}

void header_modes_and_sizes(void**) {
    struct Case {
        const char* header;
        BodyMode mode;
        std::uint64_t size;
        std::size_t chunk;
        bool flush;
    } cases[] = {
        {"mode=fixed;size=100000", BodyMode::fixed, 100000, 0, false},
        {"size=10", BodyMode::fixed, 10, 0, false},  // size alone implies fixed
        {"mode=empty;size=10", BodyMode::empty, 10, 0, false},
        {" mode = fixed ; size = 1k ; chunk=100 ; flush ", BodyMode::fixed, 1024, 100, true},
        {"size=2M;flush=1;flush=0", BodyMode::fixed, 2 * 1024 * 1024, 0, false},
        {"size=1G", BodyMode::fixed, std::uint64_t{1} << 30, 0, false},
        {"size=16G", BodyMode::fixed, std::uint64_t{16} << 30, 0, false},
        {"mode=echo", BodyMode::echo, 0, 0, false},
        {"size=0", BodyMode::fixed, 0, 0, false},
        {"chunk=65536", BodyMode::echo, 0, 65536, false},
    };
    for (const auto& c : cases) {
        const RequestOptions o = parse_ok(c.header);
        assert_true(o.mode == c.mode);
        assert_int_equal(o.size, c.size);
        assert_int_equal(o.chunk, c.chunk);
        assert_int_equal(o.flush, c.flush);
    }
}

void header_body_request(void**) {
    assert_int_equal(parse_ok("").body_request, 0);
    assert_int_equal(parse_ok("body-request=1").body_request, 1);
    assert_int_equal(parse_ok("body-request=1k").body_request, 1024);
    assert_int_equal(parse_ok("body-request=65536").body_request, 65536);
}

void header_status_headers_delays(void**) {
    const RequestOptions o =
        parse_ok("status=404;reason=Gone Away;header=X-A: 1;header=X-B:two words;delay=250;body-delay=5;hang-ms=100");
    assert_int_equal(o.status, 404);
    assert_string_equal(o.reason.c_str(), "Gone Away");
    assert_int_equal(o.headers.size(), 2);
    assert_string_equal(o.headers[0].name.c_str(), "X-A");
    assert_string_equal(o.headers[0].value.c_str(), "1");
    assert_string_equal(o.headers[1].name.c_str(), "X-B");
    assert_string_equal(o.headers[1].value.c_str(), "two words");
    assert_true(o.delay == milliseconds(250));
    assert_true(o.body_delay == milliseconds(5));
    assert_true(o.hang == milliseconds(100));
    // A header with an empty value is allowed; a later status wins.
    const RequestOptions p = parse_ok("header=X-Empty:;status=500;status=201");
    assert_string_equal(p.headers[0].value.c_str(), "");
    assert_int_equal(p.status, 201);
}

void header_faults(void**) {
    const struct {
        const char* name;
        Fault fault;
    } faults[] = {
        {"none", Fault::none},
        {"close-before-headers", Fault::close_before_headers},
        {"close-mid-body", Fault::close_mid_body},
        {"garbage", Fault::garbage},
        {"oversize-packet", Fault::oversize_packet},
        {"chunk-length-overflow", Fault::chunk_length_overflow},
        {"no-cpong", Fault::no_cpong},
        {"second-response", Fault::second_response},
        {"no-reuse", Fault::no_reuse},
        {"headers-twice", Fault::headers_twice},
        {"slow", Fault::slow},
        {"hang", Fault::hang},
    };
    for (const auto& f : faults) {
        const RequestOptions o = parse_ok("fault=" + std::string(f.name));
        assert_true(o.fault == f.fault);
        assert_string_equal(std::string(fault_name(f.fault)).c_str(), f.name);
        assert_true(fault_from_name(f.name) == f.fault);
    }
    assert_false(fault_from_name("Garbage").has_value());
    assert_false(fault_from_name("").has_value());
}

void header_rejects_bad_input(void**) {
    const struct {
        const char* header;
        const char* error_part;
    } cases[] = {
        {"mode=banana", "mode must be"},
        {"size=-1", "size must be"},
        {"size=", "size must be"},
        {"size=12x", "size must be"},
        {"size=17G", "size must be"},
        {"size=99999999999999999999", "size must be"},
        {"chunk=0", "chunk must be"},
        {"chunk=65537", "chunk must be"},
        {"body-request=0", "body-request must be"},
        {"body-request=65537", "body-request must be"},
        {"body-request=x", "body-request must be"},
        {"status=99", "status must be"},
        {"status=1000", "status must be"},
        {"status=abc", "status must be"},
        {"delay=soon", "delay must be"},
        {"delay=86400001", "delay must be"},
        {"body-delay=-3", "body-delay must be"},
        {"hang-ms=", "hang-ms must be"},
        {"flush=2", "flush must be"},
        {"header=NoColon", "header wants"},
        {"header=:value", "header wants"},
        {"header=Bad Name:v", "header wants"},
        {"fault=explode", "unknown fault"},
        {"colour=red", "unknown X-Testd key"},
        {"=1", "unknown X-Testd key"},
        {"mode=fixed;bogus", "unknown X-Testd key"},
    };
    for (const auto& c : cases) {
        RequestOptions o;
        std::string error;
        assert_false(apply_testd_header(o, c.header, error));
        if (error.find(c.error_part) == std::string::npos) fail_msg("'%s': error '%s'", c.header, error.c_str());
    }
    // A rejected key leaves that field alone (earlier items stay applied: stop at first error).
    RequestOptions o;
    std::string error;
    assert_false(apply_option(o, "status", "42", error));
    assert_int_equal(o.status, 200);
}

CliOutcome parse_cli(std::vector<std::string_view> args, ServerOptions& options, std::string& error) {
    return parse_command_line(args, options, error);
}

void cli_full(void**) {
    ServerOptions o;
    std::string error;
    assert_true(parse_cli({"--port", "0", "--host", "::1", "--packet-size", "9000", "--route", "was1", "--name=n1",
                           "--secret", "s", "--record", "/tmp/r", "--ready-file", "/tmp/p", "--no-cpong", "--quiet",
                           "--cpong-delay", "3000", "--fault-after", "3000", "--fault-for", "10000",
                           "--mode", "fixed", "--size=1k", "--chunk", "10", "--flush", "--status", "503",
                           "--header", "X-A:1", "--delay", "5", "--body-delay", "6", "--hang-ms", "7",
                           "--fault", "no-reuse", "--reason", "Busy", "--body-request", "512",
                           "--max-connections", "3", "--accept-count=0"},
                          o, error) == CliOutcome::run);
    assert_int_equal(o.port, 0);
    assert_string_equal(o.host.c_str(), "::1");
    assert_int_equal(o.packet_size, 9216);  // aligned up to 1024 as mod_jk does
    assert_string_equal(o.route.c_str(), "was1");
    assert_string_equal(o.name.c_str(), "n1");
    assert_string_equal(o.secret.value().c_str(), "s");
    assert_string_equal(o.record_path.c_str(), "/tmp/r");
    assert_string_equal(o.ready_file.c_str(), "/tmp/p");
    assert_true(o.no_cpong && o.quiet && o.defaults.flush);
    assert_true(o.cpong_delay == milliseconds(3000));
    assert_true(o.fault_after == milliseconds(3000) && o.fault_for == milliseconds(10000));
    assert_true(o.defaults.mode == BodyMode::fixed);
    assert_int_equal(o.defaults.size, 1024);
    assert_int_equal(o.defaults.chunk, 10);
    assert_int_equal(o.defaults.status, 503);
    assert_string_equal(o.defaults.reason.c_str(), "Busy");
    assert_int_equal(o.defaults.headers.size(), 1);
    assert_true(o.defaults.delay == milliseconds(5) && o.defaults.body_delay == milliseconds(6) &&
                o.defaults.hang == milliseconds(7));
    assert_true(o.defaults.fault == Fault::no_reuse);
    assert_int_equal(o.defaults.body_request, 512);
    assert_int_equal(o.max_connections, 3);
    assert_int_equal(o.accept_count, 0);
}

void cli_defaults_and_packet_sizes(void**) {
    ServerOptions o;
    std::string error;
    assert_true(parse_cli({"--port", "8009"}, o, error) == CliOutcome::run);
    assert_string_equal(o.host.c_str(), "127.0.0.1");
    assert_int_equal(o.packet_size, 8192);
    assert_true(o.route.empty() && !o.secret && !o.no_cpong);
    assert_true(o.cpong_delay == milliseconds(0));  // CPONG at once unless told
    assert_true(o.fault_after == milliseconds(0) && o.fault_for == milliseconds(0));  // from the start, for ever
    assert_true(o.max_connections == 0 && o.accept_count == 1024);  // no limit, a deep backlog
    const struct {
        const char* given;
        std::size_t aligned;
    } sizes[] = {{"8192", 8192}, {"100", 8192}, {"8193", 9216}, {"65536", 65536}, {"65535", 65536}};
    for (const auto& s : sizes) {
        ServerOptions p;
        assert_true(parse_cli({"--port", "1", "--packet-size", s.given}, p, error) == CliOutcome::run);
        assert_int_equal(p.packet_size, s.aligned);
    }
}

void cli_errors_and_help(void**) {
    const std::vector<std::vector<std::string_view>> bad = {
        {},                                  // no --port
        {"--port"},                          // missing value
        {"--port", "65536"},
        {"--port", "-1"},
        {"--port", "80x"},
        {"--port", "1", "--packet-size", "65537"},
        {"--port", "1", "--packet-size", "0"},
        {"--port", "1", "--bogus", "x"},
        {"--port", "1", "--status", "42"},
        {"--port", "1", "--fault", "nope"},
        {"--port", "1", "--mode"},
        {"--port", "1", "--cpong-delay", "-1"},
        {"--port", "1", "--max-connections", "-1"},
        {"--port", "1", "--accept-count", "65536"},
        {"--port", "1", "--cpong-delay", "3s"},
        {"--port", "1", "--cpong-delay", "3600001"},
        {"--port", "1", "--fault-for", "-5"},
        {"--port", "1", "--fault-after", "x"},
    };
    for (const auto& args : bad) {
        ServerOptions o;
        std::string error;
        assert_true(parse_cli(args, o, error) == CliOutcome::error);
        assert_false(error.empty());
    }
    ServerOptions o;
    std::string error;
    assert_true(parse_cli({"--port", "1", "--help"}, o, error) == CliOutcome::help);
    assert_true(parse_cli({"-h"}, o, error) == CliOutcome::help);
    const std::string usage = usage_text();
    for (const char* documented : {"--port", "--host", "--packet-size", "--route", "--secret", "--record",
                                   "--ready-file", "--no-cpong", "--cpong-delay", "--fault-after", "--fault-for", "--hang-ms", "--body-request", "X-Testd", "close-mid-body",
                                   "chunk-length-overflow", "second-response", "headers-twice"}) {
        if (usage.find(documented) == std::string::npos) fail_msg("--help does not mention %s", documented);
    }
}

void cli_fault_window(void**) {
    ServerOptions o;
    std::string error;
    assert_true(parse_cli({"--port", "1", "--size", "5", "--header", "X-B:1", "--delay", "3000", "--body-delay", "7",
                           "--fault", "hang", "--hang-ms", "9", "--cpong-delay", "3000"},
                          o, error) == CliOutcome::run);
    // Without a window the command line's faults apply from the start, for ever.
    assert_true(command_line_faults_apply(o, milliseconds(0)));
    assert_true(command_line_faults_apply(o, milliseconds(86400000)));
    assert_true(defaults_at(o, milliseconds(86400000)).delay == milliseconds(3000));
    o.fault_for = milliseconds(10000);  // from the start for 10 s
    assert_true(command_line_faults_apply(o, milliseconds(0)));
    assert_true(command_line_faults_apply(o, milliseconds(9999)));
    assert_false(command_line_faults_apply(o, milliseconds(10000)));
    o.fault_after = milliseconds(3000);  // from 3 s for 10 s
    assert_false(command_line_faults_apply(o, milliseconds(2999)));
    assert_true(command_line_faults_apply(o, milliseconds(3000)));
    assert_true(command_line_faults_apply(o, milliseconds(12999)));
    assert_false(command_line_faults_apply(o, milliseconds(13000)));
    o.fault_for = milliseconds(0);  // from 3 s for ever
    assert_true(command_line_faults_apply(o, milliseconds(86400000)));
    o.fault_for = milliseconds(10000);
    const RequestOptions during = defaults_at(o, milliseconds(12999));
    assert_true(during.delay == milliseconds(3000) && during.fault == Fault::hang && during.hang == milliseconds(9));
    // Outside the window: answered normally, the body and headers unchanged.
    const RequestOptions normal;
    for (const auto at : {milliseconds(0), milliseconds(13000)}) {
        const RequestOptions outside = defaults_at(o, at);
        assert_true(outside.delay == normal.delay && outside.body_delay == normal.body_delay &&
                    outside.hang == normal.hang);
        assert_true(outside.fault == Fault::none);
        assert_true(outside.mode == BodyMode::fixed);
        assert_int_equal(outside.size, 5);
        assert_int_equal(outside.headers.size(), 1);
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_defaults_untouched),
        cmocka_unit_test(cli_fault_window),
        cmocka_unit_test(header_modes_and_sizes),
        cmocka_unit_test(header_body_request),
        cmocka_unit_test(header_status_headers_delays),
        cmocka_unit_test(header_faults),
        cmocka_unit_test(header_rejects_bad_input),
        cmocka_unit_test(cli_full),
        cmocka_unit_test(cli_defaults_and_packet_sizes),
        cmocka_unit_test(cli_errors_and_help),
    };
    return cmocka_run_group_tests_name("testd_options", tests, nullptr, nullptr);
}
