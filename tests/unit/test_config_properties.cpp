// workers.properties syntax: value parsers, the line reader, $(var)
// substitution, list concatenation and duplicates.
// <fstream> before cmocka.h: cmocka's fail() macro clashes with std::ios::fail().
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <unistd.h>

#include "test_config_workers_support.hpp"

#include "config/properties_reader.hpp"
#include "config/property_value.hpp"

using namespace ajpgate::config;
using test_support::count_diag;
using test_support::count_severity;
using test_support::dump;

namespace {

// ---- scalar parsers ---------------------------------------------------------------------

void test_parse_integer(void**) {
    struct Case {
        const char* text;
        std::optional<std::int64_t> expected;
    };
    const Case cases[] = {
        {"0", 0},          {"42", 42},          {"8k", 8192},        {"8K", 8192},
        {"2m", 2097152},   {"2M", 2097152},     {"-5", -5},          {"-1k", -1024},
        {"2147483647", 2147483647},             {"2147483648", std::nullopt},
        {"2097152k", std::nullopt},             {"2048M", std::nullopt},
        {"", std::nullopt},  {"k", std::nullopt}, {"-", std::nullopt}, {"1.5", std::nullopt},
        {"10kb", std::nullopt}, {"1x", std::nullopt}, {" 1", std::nullopt}, {"0x10", std::nullopt},
        {"--1", std::nullopt}, {"+1", std::nullopt}, {"1g", std::nullopt},
    };
    for (const auto& c : cases) {
        const auto got = parse_integer(c.text);
        if (got != c.expected) {
            std::fprintf(stderr, "parse_integer(\"%s\")\n", c.text);
            fail();
        }
    }
}

void test_parse_boolean(void**) {
    const std::pair<const char*, std::optional<bool>> cases[] = {
        {"1", true},      {"0", false},    {"on", true},    {"ON", true},     {"off", false},
        {"Off", false},   {"true", true},  {"True", true},  {"TRUE", true},   {"t", true},
        {"yes", true},    {"Y", true},     {"false", false}, {"F", false},    {"no", false},
        {"n", false},     {"nope", false}, {"yeah", true},  {"", std::nullopt},
        {"2", std::nullopt}, {"10", std::nullopt}, {"maybe", std::nullopt},
        {"o", std::nullopt}, {"enabled", std::nullopt}, {"-1", std::nullopt},
    };
    for (const auto& [text, expected] : cases) {
        if (parse_boolean(text) != expected) {
            std::fprintf(stderr, "parse_boolean(\"%s\")\n", text);
            fail();
        }
    }
}

void test_parse_choices(void**) {
    assert_true(parse_activation("A") == Activation::active);
    assert_true(parse_activation("active") == Activation::active);
    assert_true(parse_activation("d") == Activation::disabled);
    assert_true(parse_activation("Stopped") == Activation::stopped);
    assert_false(parse_activation("x").has_value());
    assert_false(parse_activation("").has_value());
    const std::pair<const char*, LbMethod> methods[] = {
        {"R", LbMethod::requests}, {"request", LbMethod::requests}, {"t", LbMethod::traffic},
        {"Busyness", LbMethod::busyness}, {"S", LbMethod::sessions}, {"next", LbMethod::next}};
    for (const auto& [text, method] : methods) assert_true(parse_lb_method(text) == method);
    assert_false(parse_lb_method("Q").has_value());
    assert_true(parse_lb_lock("O") == LbLock::optimistic);
    assert_true(parse_lb_lock("pessimistic") == LbLock::pessimistic);
    assert_false(parse_lb_lock("x").has_value());
}

void test_parse_ping_flags(void**) {
    assert_true(parse_ping_flags("") == (PingFlags{false, false, false}));
    assert_true(parse_ping_flags("C") == (PingFlags{true, false, false}));
    assert_true(parse_ping_flags("p") == (PingFlags{false, true, false}));
    assert_true(parse_ping_flags("I") == (PingFlags{false, false, true}));
    assert_true(parse_ping_flags("CI") == (PingFlags{true, false, true}));
    assert_true(parse_ping_flags("c, p") == (PingFlags{true, true, false}));
    assert_true(parse_ping_flags("A") == (PingFlags{true, true, true}));
    assert_true(parse_ping_flags("N") == (PingFlags{false, false, false}));  // ajpgate: none
    assert_false(parse_ping_flags("X").has_value());
    assert_false(parse_ping_flags("CPX").has_value());
}

void test_split_list(void**) {
    const auto items = split_list(" a,b c\t,,d ");
    assert_int_equal(items.size(), 4);
    assert_string_equal(items[0].c_str(), "a");
    assert_string_equal(items[3].c_str(), "d");
    assert_true(split_list(",, ,\t").empty());
    assert_true(split_list("").empty());
}

// ---- the line reader --------------------------------------------------------------------

struct Read {
    PropertyStore store;
    Diagnostics diagnostics;
};

Read read_text(std::string text, EnvLookup env = {}, EnvLookup extra = {},
               Strictness strictness = Strictness::compatible) {
    PropertySources sources;
    sources.sources.push_back(PropertySource::from_text("w.properties", std::move(text)));
    sources.process_env = std::move(env);
    sources.extra_env = std::move(extra);
    Read out{{}, Diagnostics(strictness)};
    out.store = read_properties(sources, out.diagnostics);
    return out;
}

Read read_strict(std::string text) { return read_text(std::move(text), {}, {}, Strictness::strict); }

std::string value_of(const Read& r, std::string_view key) {
    const auto* property = r.store.find(key);
    return property ? property->joined() : std::string("<unset>");
}

void test_comments_and_whitespace(void**) {
    const auto r = read_text(
        "# a comment line\n"
        "\n"
        "   \t  \n"
        "  worker.list = a , b  # trailing comment\n"
        "\tname\t=\tvalue with  inner  blanks\t\n"
        "   # indented comment\n"
        "eq=a=b=c\n");
    assert_int_equal(r.diagnostics.all().size(), 0);
    assert_int_equal(r.store.all().size(), 3);
    assert_string_equal(value_of(r, "worker.list").c_str(), "a , b");
    assert_string_equal(value_of(r, "name").c_str(), "value with  inner  blanks");
    assert_string_equal(value_of(r, "eq").c_str(), "a=b=c");
    assert_int_equal(r.store.find("name")->pieces[0].origin.line, 5);
}

void test_hash_inside_value(void**) {
    const auto r = read_text("worker.w.secret=abc#def\nworker.w.host=h # note\nx=#all\n");
    // mod_jk's rule: everything from '#' is a comment, even inside a value.
    assert_string_equal(value_of(r, "worker.w.secret").c_str(), "abc");
    assert_string_equal(value_of(r, "worker.w.host").c_str(), "h");
    assert_string_equal(value_of(r, "x").c_str(), "<unset>");
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "'#' starts a comment", 1), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "'#' starts a comment"), 1);
    // the secret itself is never echoed
    for (const auto& d : r.diagnostics.all()) {
        assert_null(std::strstr(d.message.c_str(), "abc"));
    }
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "empty value", 3), 1);
}

// mod_jk's fgets reads 8191 characters at a time: a longer line comes in pieces, each read as
// a line (the second piece here has no '=' and is skipped).
void test_line_length_limit(void**) {
    const std::string ok = "k=" + std::string(max_line_length - 3, 'v');        // 8191 characters
    const std::string too_long = "j=" + std::string(max_line_length - 2, 'v');  // 8192
    const auto r = read_text(ok + "\n" + too_long + "\nafter=1\n");
    assert_int_equal(value_of(r, "k").size(), max_line_length - 3);
    assert_int_equal(value_of(r, "j").size(), max_line_length - 3);
    assert_string_equal(value_of(r, "after").c_str(), "1");
    assert_false(r.diagnostics.has_errors());
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "longer than 8191 characters", 2), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "no '='", 2), 1);
    assert_string_equal(r.diagnostics.all()[0].to_string().substr(0, 15).c_str(),
                        "w.properties:2:");
}

void test_no_line_continuation(void**) {
    const auto r = read_text("worker.list=a,\\\nb\nnext=1\n");
    assert_string_equal(value_of(r, "worker.list").c_str(), "a,\\");
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "no line continuation", 1), 1);
    // mod_jk skips the continuation line "b": a compatibility warning, an error when strict
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "no '=' on this line", 2), 1);
    assert_int_equal(count_diag(read_strict("worker.list=a,\\\nb\n").diagnostics, Severity::error,
                                "no '=' on this line: skipped, as mod_jk skips it", 2),
                     1);
    assert_string_equal(value_of(r, "next").c_str(), "1");
}

void test_malformed_lines(void**) {
    const std::string text = "just words\n=value\n  = \nempty=\nempty2=   # c\nok=1\r\n";
    const auto r = read_text(text);
    // mod_jk skips lines 1-3 without a word: compatibility warnings
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "no '=' on this line", 1), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "missing property name", 2), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "missing property name", 3), 1);
    assert_int_equal(r.diagnostics.error_count(), 0);
    const auto strict = read_strict(text);  // JkStrict On: the same three are errors
    assert_int_equal(count_diag(strict.diagnostics, Severity::error, "no '=' on this line", 1), 1);
    assert_int_equal(count_diag(strict.diagnostics, Severity::error, "missing property name", 2), 1);
    assert_int_equal(count_diag(strict.diagnostics, Severity::error, "missing property name", 3), 1);
    assert_int_equal(strict.diagnostics.error_count(), 3);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "empty value", 4), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "empty value", 5), 1);
    assert_string_equal(value_of(r, "ok").c_str(), "1");  // CR of CRLF dropped
    assert_string_equal(value_of(r, "empty").c_str(), "<unset>");
    assert_int_equal(r.store.all().size(), 1);
}

EnvLookup table(std::map<std::string, std::string> values) {
    return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        const auto it = values.find(std::string(name));
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

void test_substitution_order(void**) {
    const auto env = table({{"both", "from-env"}, {"envonly", "E"}, {"later", "env-later"}});
    const auto extra = table({{"both", "from-extra"}, {"envonly", "X"}, {"extraonly", "XO"}});
    const auto r = read_text(
        "both=from-file\n"
        "a=$(both)\n"          // earlier property wins over both environments
        "b=$(envonly)\n"       // process environment before httpd's table
        "c=$(extraonly)\n"     // httpd's table last
        "d=$(later)\n"         // defined below: not visible yet
        "later=file-later\n"
        "e=x$(both)y$(envonly)z\n"
        "f=$(worker.w.port)\n"
        "worker.w.port=8010\n"
        "g=$(worker.w.port)\n",
        env, extra);
    assert_string_equal(value_of(r, "a").c_str(), "from-file");
    assert_string_equal(value_of(r, "b").c_str(), "E");
    assert_string_equal(value_of(r, "c").c_str(), "XO");
    assert_string_equal(value_of(r, "d").c_str(), "env-later");
    assert_string_equal(value_of(r, "e").c_str(), "xfrom-fileyEz");
    assert_string_equal(value_of(r, "f").c_str(), "$(worker.w.port)");
    assert_string_equal(value_of(r, "g").c_str(), "8010");
    assert_int_equal(
        count_diag(r.diagnostics, Severity::warning, "'worker.w.port' is not defined", 8), 1);
    assert_int_equal(r.diagnostics.all().size(), 1);
}

void test_substitution_unresolved_and_malformed(void**) {
    const auto r = read_text("a=$(nope)/x\nb=$(open\nc=$()\nd=$ (x)\ne=$(a)\n");
    assert_string_equal(value_of(r, "a").c_str(), "$(nope)/x");
    assert_string_equal(value_of(r, "b").c_str(), "$(open");
    assert_string_equal(value_of(r, "c").c_str(), "$()");
    assert_string_equal(value_of(r, "d").c_str(), "$ (x)");
    // substituted text is not expanded again
    assert_string_equal(value_of(r, "e").c_str(), "$(nope)/x");
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "'nope' is not defined", 1), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "without a closing", 2), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "is not defined", 3), 1);
    assert_int_equal(count_severity(r.diagnostics, Severity::warning), 3);
}

void test_substitution_limit(void**) {
    std::string value;
    for (int i = 0; i < max_substitutions + 1; ++i) value += "$(v)";
    const auto r = read_text("v=x\nmany=" + value + "\nexact=" + value.substr(4) + "\n");
    assert_string_equal(value_of(r, "many").c_str(), (std::string(20, 'x') + "$(v)").c_str());
    assert_string_equal(value_of(r, "exact").c_str(), std::string(20, 'x').c_str());
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "more than 20", 2), 1);
    assert_int_equal(r.diagnostics.all().size(), 1);
}

void test_lists_concatenate_uniques_override(void**) {
    const auto r = read_text(
        "worker.list=a\n"
        "worker.lb.balance_workers=m1\n"
        "worker.w.port=1\n"
        "worker.list=b,c\n"
        "worker.lb.balance_workers=m2\n"
        "worker.w.port=2\n"
        "worker.w.mount=/a/*\n"
        "worker.w.mount=/b/*\n"
        "worker.s.user=u1\nworker.s.user=u2\n"
        "worker.s.good=a.o\nworker.s.good=a.i\nworker.s.bad=s\nworker.s.bad=e\n"
        "worker.w.fail_on_status=500\nworker.w.fail_on_status=-503\n"
        "var=1\nvar=2\n");
    assert_string_equal(value_of(r, "worker.list").c_str(), "a,b,c");
    assert_string_equal(value_of(r, "worker.lb.balance_workers").c_str(), "m1,m2");
    assert_string_equal(value_of(r, "worker.w.mount").c_str(), "/a/*,/b/*");
    assert_string_equal(value_of(r, "worker.s.user").c_str(), "u1,u2");
    assert_string_equal(value_of(r, "worker.s.good").c_str(), "a.o,a.i");
    assert_string_equal(value_of(r, "worker.s.bad").c_str(), "s,e");
    assert_string_equal(value_of(r, "worker.w.fail_on_status").c_str(), "500,-503");
    assert_string_equal(value_of(r, "worker.w.port").c_str(), "2");
    assert_string_equal(value_of(r, "var").c_str(), "2");
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "overrides line 3", 6), 1);
    assert_int_equal(count_diag(r.diagnostics, Severity::warning, "overrides line 17", 18), 1);
    assert_int_equal(r.diagnostics.all().size(), 2);
    // each piece keeps its own line
    const auto* list = r.store.find("worker.list");
    assert_int_equal(list->pieces.size(), 2);
    assert_int_equal(list->pieces[1].origin.line, 4);
}

std::string write_temp(const std::string& content) {
    char path[] = "/tmp/ajpg-props-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    std::ofstream(path) << content;
    return path;
}

void test_file_and_directive_sources(void**) {
    const auto path = write_temp("base=/opt\nworker.w.port=8009\n");
    PropertySources sources;
    sources.sources.push_back(PropertySource::from_file(path));
    sources.sources.push_back(
        PropertySource::from_text("JkWorkerProperty", "worker.w.host=$(base)"));
    sources.sources.push_back(PropertySource::from_text("JkWorkerProperty", "worker.w.port=9"));
    Diagnostics diagnostics;
    const auto store = read_properties(sources, diagnostics);
    std::remove(path.c_str());
    assert_string_equal(store.find("worker.w.host")->joined().c_str(), "/opt");
    assert_string_equal(store.find("worker.w.port")->joined().c_str(), "9");
    assert_int_equal(diagnostics.all().size(), 1);
    const auto& d = diagnostics.all()[0];
    assert_string_equal(d.file.c_str(), "JkWorkerProperty");
    assert_int_equal(d.line, 1);
    assert_non_null(std::strstr(d.message.c_str(), (path + ":2").c_str()));
}

void test_missing_file(void**) {
    PropertySources sources;
    sources.sources.push_back(PropertySource::from_file("/nonexistent/dir/workers.properties"));
    Diagnostics diagnostics;
    const auto store = read_properties(sources, diagnostics);
    assert_int_equal(store.all().size(), 0);
    assert_int_equal(diagnostics.error_count(), 1);
    assert_string_equal(diagnostics.all()[0].file.c_str(), "/nonexistent/dir/workers.properties");
    assert_non_null(std::strstr(diagnostics.all()[0].message.c_str(), "cannot open workers file"));
    // a directory opens as a stream and reads as nothing: refused, not taken as empty
    PropertySources directory;
    directory.sources.push_back(PropertySource::from_file("/tmp"));
    Diagnostics more;
    (void)read_properties(directory, more);
    assert_int_equal(more.error_count(), 1);
    assert_non_null(std::strstr(more.all()[0].message.c_str(), "it is a directory"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_integer),
        cmocka_unit_test(test_parse_boolean),
        cmocka_unit_test(test_parse_choices),
        cmocka_unit_test(test_parse_ping_flags),
        cmocka_unit_test(test_split_list),
        cmocka_unit_test(test_comments_and_whitespace),
        cmocka_unit_test(test_hash_inside_value),
        cmocka_unit_test(test_line_length_limit),
        cmocka_unit_test(test_no_line_continuation),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_substitution_order),
        cmocka_unit_test(test_substitution_unresolved_and_malformed),
        cmocka_unit_test(test_substitution_limit),
        cmocka_unit_test(test_lists_concatenate_uniques_override),
        cmocka_unit_test(test_file_and_directive_sources),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests_name("config_properties", tests, nullptr, nullptr);
}
