// read_tomcat_node(): where a value comes from. ${...} substitution from -D and
// catalina.properties, Java's properties syntax, entities from local files, and an entity's
// URL refused without touching the network. Each test writes its files into its own scratch
// directory.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "check/server_xml.hpp"
#include "check/tomcat_properties.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

#include "test_check_support.hpp"

namespace {

using namespace check_test;

void test_substitution(void**) {
    const std::map<std::string, std::string> properties{
        {"a", "A"}, {"nested", "<${a}>"}, {"loop", "${loop}"}, {"x:-y", "whole"}, {"empty", ""}};
    struct {
        const char* in;
        const char* out;
        const char* unresolved;
    } const cases[] = {
        {"${a}", "A", ""},
        {"pre${a}post${a}", "preApostA", ""},
        {"${b:-def}", "def", ""},
        {"${a:-def}", "A", ""},
        {"${b:-}", "", ""},
        {"${empty:-def}", "", ""},
        {"${nested}", "<A>", ""},
        {"${x:-y}", "whole", ""},  // the whole text is tried as a name first
        {"${missing}", "${missing}", "missing"},
        {"a${missing}b${a}", "a${missing}bA", "missing"},
        {"${unclosed", "${unclosed", ""},
        {"$a {a} $", "$a {a} $", ""},
        {"${loop}", "${loop}", ""},  // resolves to itself: Tomcat stops there
        {"", "", ""},
    };
    for (const auto& c : cases) {
        std::vector<std::string> unresolved;
        assert_string_equal(substitute_tomcat_properties(c.in, properties, &unresolved).c_str(), c.out);
        assert_string_equal((unresolved.empty() ? std::string() : unresolved.front()).c_str(), c.unresolved);
    }
    assert_string_equal(substitute_tomcat_properties("${a}", properties, nullptr).c_str(), "A");
}

void test_java_properties(void**) {
    const auto p = detail::parse_java_properties(
        "# comment\n! also a comment\n  spaced = value with spaces  \ncolon: c\nblank b\n"
        "joined=one \\\n    two\\\n three\nescaped\\=key=v\\tw\\u0041\nempty=\r\nwin=dows\r\n"
        "# comment ending in a backslash \\\nafter=comment\n");
    assert_string_equal(p.at("spaced").c_str(), "value with spaces  ");
    assert_string_equal(p.at("colon").c_str(), "c");
    assert_string_equal(p.at("blank").c_str(), "b");
    assert_string_equal(p.at("joined").c_str(), "one twothree");
    assert_string_equal(p.at("escaped=key").c_str(), "v\twA");
    assert_string_equal(p.at("empty").c_str(), "");
    assert_string_equal(p.at("win").c_str(), "dows");
    assert_string_equal(p.at("after").c_str(), "comment");
    assert_int_equal(p.size(), 8);
}

void test_properties_from_files(void**) {
    Scratch s;
    s.write("conf/catalina.properties", "ajp.port=8019\nroute=fromfile\nshared=props\n");
    s.write("conf/server.xml", R"(<Server>
  <Service name="${service.name:-Catalina}">
    <Connector port="${ajp.port}" protocol="AJP/1.3" secret="${secret}" address="${bind:-::1}"/>
    <Engine name="Catalina" jvmRoute="${route}">
      <Host name="localhost" appBase="${catalina.base}/apps"/>
    </Engine>
  </Service>
</Server>
)");
    NodeSource source{"n1", s.dir(), std::nullopt, {{"secret", "s3cret"}, {"shared", "fromD"}}};
    const auto result = read_tomcat_node(source);
    assert_true(result.node.has_value());
    const Service& service = result.node->services.at(0);
    assert_string_equal(result.node->name.c_str(), "n1");
    assert_string_equal(service.name.c_str(), "Catalina");
    const Connector& c = service.connectors.at(0);
    assert_string_equal(c.port.value->c_str(), "8019");
    assert_string_equal(c.secret.value->c_str(), "s3cret");
    assert_string_equal(c.address.value->c_str(), "::1");
    assert_string_equal(service.engine.jvm_route.value->c_str(), "fromfile");
    assert_string_equal(service.engine.hosts.at(0).app_base.c_str(), (s.dir() + "/apps").c_str());
    // catalina.properties replaces a -D of the same name, as Tomcat's startup does.
    assert_true(has_note(*result.node, "replaces -Dshared=fromD"));

    // A -D that catalina.properties does not set, and a name nobody defines.
    s.write("conf/server.xml", "<Server>\n<Service name='x'>\n<Engine name='e'\n jvmRoute='${nobody}'/>\n"
                               "</Service></Server>");
    source.system_properties = {{"route", "ignored"}};
    const auto second = read_tomcat_node(source);
    assert_true(second.node.has_value());
    assert_string_equal(second.node->services.at(0).engine.jvm_route.value->c_str(), "${nobody}");
    assert_true(has_note(*second.node, "${nobody} is not defined", 3));
}

void test_entity_include(void**) {
    Scratch s;
    s.write("conf/connectors.xml", "\n\n<Connector port=\"8009\" protocol=\"org.apache.coyote.ajp.AjpNioProtocol\"\n"
                                   "  requiredSecret=\"old\"/>\n");
    s.write("conf/server.xml", R"(<?xml version="1.0"?>
<!DOCTYPE Server [
  <!ENTITY connectors SYSTEM "connectors.xml">
  <!ENTITY route "fromentity">
]>
<Server>
  <Service name="Catalina">
    &connectors;
    <Engine name="Catalina" jvmRoute="&route;"/>
    &connectors;
  </Service>
</Server>
)");
    const auto result = read_tomcat_node({"", s.dir(), std::nullopt, {}});
    assert_true(result.node.has_value());
    const Service& service = result.node->services.at(0);
    assert_int_equal(service.connectors.size(), 2);
    for (const Connector& c : service.connectors) {
        assert_true(c.ajp);
        assert_string_equal(c.secret.value->c_str(), "old");
        assert_string_equal(c.where.file.c_str(), s.path("conf/connectors.xml").c_str());
        assert_int_equal(c.where.line, 3);
    }
    assert_string_equal(service.engine.jvm_route.value->c_str(), "fromentity");
    assert_int_equal(service.engine.where.line, 9);
    assert_string_equal(service.engine.where.file.c_str(), s.path("conf/server.xml").c_str());

    // A missing entity file is a note, and the rest is read.
    s.write("conf/server.xml", "<!DOCTYPE Server [<!ENTITY gone SYSTEM 'gone.xml'>]>\n<Server>\n"
                               "<Service name='a'>&gone;</Service></Server>");
    const auto missing = read_tomcat_node({"", s.dir(), std::nullopt, {}});
    assert_true(missing.node.has_value());
    assert_true(has_note(*missing.node, "gone.xml not read"));
    assert_int_equal(missing.node->services.size(), 1);
}

// A listening socket nobody should connect to: the entity's URL points at it.
void test_network_entity_refused(void**) {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    assert_int_equal(::listen(listener, 4), 0);
    socklen_t length = sizeof address;
    assert_int_equal(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
    const std::string port = std::to_string(ntohs(address.sin_port));

    const std::string text = "<?xml version='1.0'?>\n<!DOCTYPE Server [\n"
                             "<!ENTITY remote SYSTEM 'http://127.0.0.1:" + port + "/x.xml'>\n"
                             "<!ENTITY ftp SYSTEM 'ftp://127.0.0.1:" + port + "/y.xml'>\n]>\n"
                             "<Server>\n<Service name='s'>\n&remote;\n&ftp;\n</Service>\n</Server>\n";
    const auto result = read_server_xml_text(text, "/nonexistent/conf/server.xml", {});
    assert_true(result.node.has_value());
    assert_true(has_note(*result.node, "'http://127.0.0.1:" + port + "/x.xml' not loaded", 8));
    assert_true(has_note(*result.node, "'ftp://127.0.0.1:" + port + "/y.xml' not loaded", 9));
    assert_int_equal(result.node->services.size(), 1);
    assert_int_equal(::accept(listener, nullptr, nullptr), -1);  // nobody knocked
    ::close(listener);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_substitution),
        cmocka_unit_test(test_java_properties),
        cmocka_unit_test(test_properties_from_files),
        cmocka_unit_test(test_entity_include),
        cmocka_unit_test(test_network_entity_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
