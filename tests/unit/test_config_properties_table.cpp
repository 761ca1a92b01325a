// The property table: completeness, mod_jk's defaults, value validation,
// did-you-mean hints and the generated documentation.
#include "test_config_workers_support.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "config/property_parse.hpp"
#include "config/property_table.hpp"

using namespace ajpgate::config;

namespace {

void test_every_entry_is_complete(void**) {
    std::set<std::string_view> names;
    const auto table = property_table();
    assert_int_equal(table.size(), property_count);
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& spec = table[i];
        assert_int_equal(static_cast<std::size_t>(spec.id), i);
        assert_false(spec.name.empty());
        assert_true(names.insert(spec.name).second);  // unique
        assert_true(spec.doc.size() > 10);
        assert_true(spec.scope != 0);
        assert_ptr_equal(find_property(spec.name), &spec);
        if (spec.deprecation == Deprecation::obsolete) {
            // accepted because mod_jk accepts the name; nothing reads it
            assert_true(spec.successor == spec.id);
            assert_non_null(std::strstr(std::string(spec.doc).c_str(), "Obsolete"));
            continue;
        }
        if (spec.deprecation != Deprecation::none) {
            if (spec.deprecation != Deprecation::no_effect) {
                const auto& successor = property_spec(spec.successor);
                assert_true(successor.deprecation == Deprecation::none);
                assert_non_null(std::strstr(std::string(spec.doc).c_str(),
                                            std::string(successor.name).c_str()));
            }
            continue;
        }
        // Every default is either a rule or parses as the property's own type.
        const bool may_be_empty = spec.type == ValueType::text || is_list_type(spec.type) ||
                                  spec.type == ValueType::ping_flags ||
                                  spec.type == ValueType::reference;
        if (spec.default_is_rule) {
            assert_false(spec.default_text.empty());
        } else if (!may_be_empty) {
            if (!default_value(spec)) {
                std::fprintf(stderr, "default of %s does not parse\n", spec.name.data());
                fail();
            }
        }
        const bool numeric = spec.type == ValueType::integer ||
                             spec.type == ValueType::seconds ||
                             spec.type == ValueType::milliseconds;
        if (numeric) assert_true(spec.min <= spec.max);
        if (spec.type == ValueType::seconds) assert_string_equal(spec.unit.data(), "s");
        if (spec.type == ValueType::milliseconds) {
            assert_string_equal(std::string(spec.unit).c_str(), "ms");
        }
    }
    assert_null(find_property("nonsense"));
    assert_null(find_property(""));
}

// mod_jk 1.2.x defaults (reference/mod_jk-features.md §2-§4, §8), written out
// independently of the table, except the few where ajpgate is safe by default on purpose
// (marked; the README lists them).
void test_defaults_are_mod_jk(void**) {
    const std::pair<const char*, const char*> literal[] = {
        {"maintain", "60"}, {"type", "ajp13"}, {"secret", ""}, {"retries", "2"},
        {"retry_interval", "100"}, {"host", "localhost"}, {"port", "8009"}, {"source", ""},
        {"prefer_ipv6", "false"}, {"socket_timeout", "0"}, {"socket_keepalive", "false"},
        {"socket_buffer", "0"}, {"ping_mode", "N" /* mod_jk: unset, the same */},
        {"ping_timeout", "10000"}, {"connect_timeout", "0"}, {"prepost_timeout", "0"},
        {"connection_pool_timeout", "300" /* ajpgate; mod_jk: 0 */},
        {"recovery_options", "0"}, {"reply_timeout", "0"}, {"fail_on_status", ""},
        {"busy_limit", "0"}, {"max_packet_size", "8192"}, {"lbfactor", "1"}, {"distance", "0"},
        {"redirect", ""}, {"activation", "A"}, {"sticky_session", "true"},
        {"sticky_session_force", "false"}, {"session_cookie", "JSESSIONID"},
        {"session_path", ";jsessionid"}, {"set_session_cookie", "false"},
        {"session_cookie_path", ""}, {"method", "R"}, {"lock", "O"}, {"lb_retries", "2"},
        {"recover_time", "60"}, {"max_reply_timeouts", "0"}, {"read_only", "false"},
        {"user", ""}, {"user_case_insensitive", "false"}, {"good", "a.o,a.i,a.b,a.r"},
        {"bad", "s,e"}, {"prefix", "worker"}, {"ns", "jk:"},
        {"xmlns", "xmlns:jk=\"http://tomcat.apache.org\""}, {"doctype", ""}, {"css", ""},
        {"mount", ""}, {"list", ""}, {"reference", ""}, {"balance_workers", ""},
    };
    for (const auto& [name, value] : literal) {
        const auto* spec = find_property(name);
        assert_non_null(spec);
        assert_false(spec->default_is_rule);
        if (spec->default_text != value) {
            std::fprintf(stderr, "%s: default '%s', mod_jk '%s'\n", name,
                         std::string(spec->default_text).c_str(), value);
            fail();
        }
    }
    const char* ruled[] = {"socket_connect_timeout", "connection_ping_interval",
                           "connection_pool_size", "connection_pool_minsize",
                           "connection_acquire_timeout", "route", "domain",
                           "error_escalation_time"};
    for (const char* name : ruled) assert_true(find_property(name)->default_is_rule);
    // every non-deprecated property is in one of the two lists
    std::size_t current = 0;
    for (const auto& spec : property_table()) current += spec.deprecation == Deprecation::none;
    assert_int_equal(current, std::size(literal) + std::size(ruled));
}

void test_units_and_scopes(void**) {
    const std::pair<const char*, ValueType> units[] = {
        {"socket_timeout", ValueType::seconds},
        {"socket_connect_timeout", ValueType::milliseconds},
        {"ping_timeout", ValueType::milliseconds},   {"connect_timeout", ValueType::milliseconds},
        {"prepost_timeout", ValueType::milliseconds},
        {"connection_ping_interval", ValueType::seconds},
        {"connection_pool_timeout", ValueType::seconds},
        {"connection_acquire_timeout", ValueType::milliseconds},
        {"retry_interval", ValueType::milliseconds}, {"reply_timeout", ValueType::milliseconds},
        {"recover_time", ValueType::seconds},        {"error_escalation_time", ValueType::seconds},
        {"maintain", ValueType::seconds},
    };
    for (const auto& [name, type] : units) assert_true(find_property(name)->type == type);
    assert_int_equal(find_property("list")->scope, scope_global);
    assert_int_equal(find_property("balance_workers")->scope, scope_lb);
    assert_int_equal(find_property("secret")->scope, scope_ajp13 | scope_lb);
    assert_int_equal(find_property("retries")->scope, scope_ajp13 | scope_lb);
    assert_int_equal(find_property("css")->scope, scope_status);
    assert_int_equal(find_property("lbfactor")->scope, scope_ajp13);
}

struct ValueCase {
    const char* property;
    const char* text;
    CheckResult::Kind kind;
    const char* message;  // substring, for errors and warnings
};

void test_value_validation(void**) {
    using K = CheckResult::Kind;
    const ValueCase cases[] = {
        {"port", "65535", K::ok, ""},
        {"port", "0", K::ok, ""},
        {"port", "65536", K::error, "out of range 0..65535"},
        {"port", "-1", K::error, "out of range"},
        {"port", "80a", K::error, "is not an integer"},
        {"lbfactor", "0", K::error, "out of range 1.."},
        {"retries", "0", K::error, "out of range 1.."},
        {"recover_time", "0", K::error, "out of range 1.."},
        {"socket_timeout", "-3", K::error, "out of range 0..2147483647 s"},
        {"max_packet_size", "8192", K::ok, ""},
        {"max_packet_size", "65536", K::ok, ""},
        {"max_packet_size", "8193", K::warning, "rounded up to 9216"},
        {"max_packet_size", "4096", K::error, "out of range 8192..65536"},
        {"max_packet_size", "65537", K::error, "out of range"},
        {"max_packet_size", "64k", K::ok, ""},
        {"recovery_options", "31", K::ok, ""},
        {"recovery_options", "32", K::warning, "no meaning"},
        {"recovery_options", "256", K::error, "out of range"},
        {"fail_on_status", "500, -503 404", K::ok, ""},
        {"fail_on_status", "99", K::error, "not an HTTP status code"},
        {"fail_on_status", "600", K::error, "not an HTTP status code"},
        {"fail_on_status", "5k", K::error, "not an HTTP status code"},
        {"fail_on_status", "abc", K::error, "not an HTTP status code"},
        {"host", "tomcat1", K::ok, ""},
        {"host", "tomcat1:8010", K::ok, ""},
        {"host", "[::1]:8010", K::ok, ""},
        {"host", "::1", K::ok, ""},
        {"host", "tomcat1:x", K::error, "is not a host"},
        {"host", "tomcat1:70000", K::error, "is not a host"},
        {"host", ":8009", K::error, "is not a host"},
        {"host", "[::1", K::error, "is not a host"},
        {"good", "a.o,d.i,s,e", K::ok, ""},
        {"good", "active.ok", K::ok, ""},
        {"good", "a.x", K::error, "is not a rating"},
        {"bad", "a.o.b", K::error, "is not a rating"},
        {"bad", "a.", K::error, "is not a rating"},
        {"balance_workers", "was1,was-2,w_3", K::ok, ""},
        {"balance_workers", "was1,was.2", K::error, "not a valid worker name"},
        {"list", "a,b@c", K::error, "not a valid worker name"},
        {"type", "ajp13", K::ok, ""},
        {"type", "lb", K::ok, ""},
        {"type", "status", K::ok, ""},
        {"type", "ajp14", K::error, "not supported"},
        {"type", "ajp12", K::error, "obsolete"},
        {"type", "jni", K::error, "obsolete"},
        {"type", "AJP13", K::error, "unknown worker type"},
        {"reference", "worker.tmpl", K::ok, ""},
        {"reference", "tmpl", K::error, "worker.<name>"},
        {"reference", "worker.", K::error, "worker.<name>"},
        {"ping_mode", "CPX", K::error, "not a ping_mode"},
        {"activation", "X", K::error, "not an activation"},
        {"method", "Q", K::error, "not a method"},
        {"lock", "Q", K::error, "not a lock"},
        {"sticky_session", "maybe", K::error, "not a boolean"},
    };
    for (const auto& c : cases) {
        const auto parsed = parse_property_value(*find_property(c.property), c.text);
        const bool kind_ok = parsed.check.kind == c.kind;
        const bool value_ok = (c.kind == K::error) != parsed.value.has_value();
        const bool message_ok = parsed.check.message.find(c.message) != std::string::npos;
        if (!kind_ok || !value_ok || !message_ok) {
            std::fprintf(stderr, "%s=%s: got '%s'\n", c.property, c.text,
                         parsed.check.message.c_str());
            fail();
        }
    }
    const auto codes = parse_property_value(*find_property("fail_on_status"), "500, -503 404");
    assert_true(std::get<std::vector<int>>(*codes.value) == (std::vector<int>{500, -503, 404}));
    const auto packet = parse_property_value(*find_property("max_packet_size"), "8193");
    assert_int_equal(std::get<std::int64_t>(*packet.value), 9216);
    const auto timeout = parse_property_value(*find_property("socket_timeout"), "2k");
    assert_true(std::get<std::chrono::seconds>(*timeout.value) == std::chrono::seconds(2048));
}

void test_did_you_mean(void**) {
    const unsigned workers = scope_ajp13 | scope_lb | scope_status;
    const std::pair<const char*, const char*> cases[] = {
        {"lbfacter", "lbfactor"},           {"lbfactr", "lbfactor"},
        {"sticky_sesion", "sticky_session"}, {"balance_worker", "balance_workers"},
        {"prot", "port"},                   {"socket_timout", "socket_timeout"},
        {"Host", "host"},                   {"conection_pool_size", "connection_pool_size"},
    };
    for (const auto& [typo, expected] : cases) {
        const auto got = suggest_property(typo, workers);
        if (got != expected) {
            std::fprintf(stderr, "%s -> '%s'\n", typo, std::string(got).c_str());
            fail();
        }
    }
    assert_true(suggest_property("lsit", scope_global) == "list");
    assert_true(suggest_property("xyzzyplugh", workers).empty());
    assert_true(suggest_property("", workers).empty());
    assert_true(suggest_property(std::string(200, 'a'), workers).empty());
    // deprecated names are never suggested
    assert_true(suggest_property("cachesiz", workers) != "cachesize");
}

// The whole edit distance, no shortcuts: what suggest_property's pruned one must agree with.
std::size_t plain_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        }
    }
    return d[a.size()][b.size()];
}

// The hint search stops hopeless comparisons early (fuzz_workers_properties spent most of its
// time in it); the hints must stay exactly those of the full comparison.
void test_did_you_mean_pruning_changes_nothing(void**) {
    const unsigned workers = scope_ajp13 | scope_lb | scope_status;
    std::vector<std::string> names{"x", "ab", "hostt", "lbfactorlbfactor", std::string(64, 'p'), "_timeout"};
    for (const auto& spec : property_table()) {
        const std::string name(spec.name);
        names.push_back(name.substr(1));
        names.push_back(name + "s");
        names.push_back(name.substr(0, name.size() / 2) + "zz" + name.substr(name.size() / 2));
    }
    for (const auto& name : names) {
        std::string_view expected;
        std::size_t best = std::max<std::size_t>(2, name.size() / 3) + 1;
        for (const auto& spec : property_table()) {
            if ((spec.scope & workers) == 0 || spec.deprecation != Deprecation::none) continue;
            const std::size_t distance = plain_distance(name, spec.name);
            if (distance < best) {
                best = distance;
                expected = spec.name;
            }
        }
        assert_true(suggest_property(name, workers) == expected);
    }
}

void test_rendered_documentation(void**) {
    const auto markdown = render_properties_markdown();
    const auto sample = render_properties_sample();
    for (const auto& spec : property_table()) {
        const std::string cell = "| `" + std::string(spec.name) + "` |";
        assert_non_null(std::strstr(markdown.c_str(), cell.c_str()));
        if (spec.deprecation != Deprecation::none) continue;
        const std::string key = "." + std::string(spec.name) + "=";
        assert_non_null(std::strstr(sample.c_str(), key.c_str()));
    }
    assert_non_null(std::strstr(sample.c_str(), "\n#worker.node1.port=8009\n"));
    assert_non_null(std::strstr(sample.c_str(), "\n#worker.maintain=60\n"));
    assert_non_null(std::strstr(sample.c_str(), "\n#worker.loadbalancer.method=R\n"));
    assert_non_null(std::strstr(sample.c_str(), "default: socket_timeout*1000"));
    assert_non_null(std::strstr(markdown.c_str(), "### Differences from mod_jk"));
    assert_non_null(
        std::strstr(markdown.c_str(), "| `ping_timeout` | milliseconds | `10000` | ms |"));
    // the sample is itself valid workers.properties syntax once uncommented lines are read
    Diagnostics diagnostics;
    PropertySources sources;
    sources.sources.push_back(PropertySource::from_text("sample", sample));
    (void)read_properties(sources, diagnostics);
    assert_int_equal(diagnostics.all().size(), 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_entry_is_complete),
        cmocka_unit_test(test_defaults_are_mod_jk),
        cmocka_unit_test(test_units_and_scopes),
        cmocka_unit_test(test_value_validation),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_did_you_mean_pruning_changes_nothing),
        cmocka_unit_test(test_rendered_documentation),
    };
    return cmocka_run_group_tests_name("config_properties_table", tests, nullptr, nullptr);
}
