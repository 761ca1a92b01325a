// read_tomcat_node() and read_server_xml_text(): the server.xml of the integration tests'
// two-node cluster, malformed files, context files and web.xml, absent attributes pointing at
// their element, Cluster on a Host, static members of an interceptor, the version from a
// symlinked catalina.jar. Where values come from (substitution, properties, entities):
// test_check_server_xml_values.cpp. Each test writes its files into its own scratch directory.
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "check/server_xml.hpp"

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

// The shape tests/integration/tomcat.py and tomcat_cluster.py write for node 0 of two.
const char* const cluster_server_xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector address="127.0.0.1" port="18080" protocol="HTTP/1.1" connectionTimeout="20000"/>
    <Connector address="127.0.0.1" port="18009" protocol="AJP/1.3" secretRequired="false"
               packetSize="8192" connectionTimeout="60000"
               tomcatAuthentication="false" allowedRequestAttributesPattern="MY_.*"/>
    <Engine name="Catalina" defaultHost="localhost" jvmRoute="was1">
      <Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster" channelSendOptions="6">
        <Manager className="org.apache.catalina.ha.session.DeltaManager" expireSessionsOnShutdown="false"
                 notifyListenersOnReplication="true" stateTransferTimeout="30"/>
        <Channel className="org.apache.catalina.tribes.group.GroupChannel">
          <Membership className="org.apache.catalina.tribes.membership.StaticMembershipService"
                      connectTimeout="500" expirationTime="3000" rpcTimeout="2000" pingInterval="500">
            <LocalMember className="org.apache.catalina.tribes.membership.StaticMember" host="127.0.0.1"
                         port="14000" securePort="-1" domain="ajpgate-test" uniqueId="{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1}"/>
            <Member className="org.apache.catalina.tribes.membership.StaticMember" host="127.0.0.1"
                    port="14001" securePort="-1" domain="ajpgate-test" uniqueId="{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2}"/>
          </Membership>
          <Receiver className="org.apache.catalina.tribes.transport.nio.NioReceiver" address="127.0.0.1"
                    port="14000" autoBind="0" selectorTimeout="100" maxThreads="6"/>
          <Sender className="org.apache.catalina.tribes.transport.ReplicationTransmitter">
            <Transport className="org.apache.catalina.tribes.transport.nio.PooledParallelSender" timeout="3000"/>
          </Sender>
          <Interceptor className="org.apache.catalina.tribes.group.interceptors.TcpFailureDetector"
                       connectTimeout="500"/>
          <Interceptor className="org.apache.catalina.tribes.group.interceptors.MessageDispatchInterceptor"/>
        </Channel>
        <Valve className="org.apache.catalina.ha.tcp.ReplicationValve" filter=""/>
        <Valve className="org.apache.catalina.ha.session.JvmRouteBinderValve"/>
        <ClusterListener className="org.apache.catalina.ha.session.ClusterSessionListener"/>
      </Cluster>
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"></Host>
    </Engine>
  </Service>
</Server>
)";

const char* const jakarta_web_xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <distributable/>
  <session-config><session-timeout>30</session-timeout></session-config>
</web-app>
)";

void test_cluster_node(void**) {
    Scratch s;
    s.write("conf/server.xml", cluster_server_xml);
    s.write("webapps/app/WEB-INF/web.xml", jakarta_web_xml);
    const auto result = read_tomcat_node({"", s.dir(), std::nullopt, {}});
    assert_true(result.node.has_value());
    const TomcatNode& node = *result.node;
    assert_string_equal(node.name.c_str(), fs::path(s.dir()).filename().c_str());
    assert_string_equal(node.server_xml.c_str(), s.path("conf/server.xml").c_str());
    assert_false(node.version.has_value());
    assert_int_equal(node.services.size(), 1);
    const Service& service = node.services[0];
    assert_string_equal(service.name.c_str(), "Catalina");
    assert_int_equal(service.connectors.size(), 2);
    assert_false(service.connectors[0].ajp);
    const Connector& ajp = service.connectors[1];
    assert_true(ajp.ajp);
    assert_int_equal(ajp.where.line, 5);
    assert_string_equal(ajp.where.file.c_str(), node.server_xml.c_str());
    assert_string_equal(ajp.port.value->c_str(), "18009");
    assert_string_equal(ajp.secret_required.value->c_str(), "false");
    assert_string_equal(ajp.packet_size.value->c_str(), "8192");
    assert_string_equal(ajp.connection_timeout.value->c_str(), "60000");
    assert_string_equal(ajp.tomcat_authentication.value->c_str(), "false");
    assert_string_equal(ajp.allowed_request_attributes_pattern.value->c_str(), "MY_.*");
    assert_false(ajp.secret.present());
    assert_string_equal(service.engine.name.c_str(), "Catalina");
    assert_string_equal(service.engine.jvm_route.value->c_str(), "was1");

    assert_true(service.cluster.has_value());
    const Cluster& cluster = *service.cluster;
    assert_false(cluster.on_host);
    assert_int_equal(cluster.where.line, 9);
    assert_string_equal(cluster.class_name.c_str(), "org.apache.catalina.ha.tcp.SimpleTcpCluster");
    assert_string_equal(cluster.channel_send_options.value->c_str(), "6");
    assert_true(cluster.manager.has_value());
    assert_string_equal(cluster.manager->class_name.c_str(), "org.apache.catalina.ha.session.DeltaManager");
    assert_string_equal(cluster.expire_sessions_on_shutdown.value->c_str(), "false");
    assert_int_equal(cluster.valves.size(), 2);
    assert_string_equal(cluster.valves[1].class_name.c_str(), "org.apache.catalina.ha.session.JvmRouteBinderValve");
    assert_false(cluster.valves[1].enabled.present());
    assert_int_equal(cluster.listeners.size(), 1);
    assert_string_equal(cluster.receiver_address.value->c_str(), "127.0.0.1");
    assert_string_equal(cluster.receiver_port.value->c_str(), "14000");
    assert_int_equal(cluster.receiver_where.line, 20);
    assert_true(cluster.static_membership);
    assert_int_equal(cluster.members.size(), 2);
    assert_true(cluster.members[0].local);
    assert_string_equal(cluster.members[0].port.value->c_str(), "14000");
    assert_false(cluster.members[1].local);
    assert_string_equal(cluster.members[1].host.value->c_str(), "127.0.0.1");
    assert_int_equal(cluster.members[1].where.line, 17);

    assert_int_equal(service.engine.hosts.size(), 1);
    const Host& host = service.engine.hosts[0];
    assert_string_equal(host.app_base.c_str(), "webapps");
    assert_int_equal(host.apps.size(), 1);
    const WebApp& app = host.apps[0];
    assert_string_equal(app.path.c_str(), "/app");
    assert_true(app.distributable);
    assert_false(app.javax_namespace);
    assert_int_equal(app.web_xml.line, 2);
    assert_string_equal(app.web_xml.file.c_str(), s.path("webapps/app/WEB-INF/web.xml").c_str());
    assert_false(app.session_cookie_name.present());
    assert_false(app.manager.has_value());
    assert_true(node.notes.empty());
}


void test_malformed_and_missing(void**) {
    Scratch s;
    s.write("conf/server.xml", "<?xml version='1.0'?>\n<Server>\n  <Service name='a'>\n  </Servic>\n</Server>\n");
    const auto result = read_tomcat_node({"", s.dir(), std::nullopt, {}});
    assert_false(result.node.has_value());
    assert_int_equal(result.where.line, 4);
    assert_string_equal(result.where.file.c_str(), s.path("conf/server.xml").c_str());
    assert_non_null(std::strstr(result.error.c_str(), s.path("conf/server.xml").c_str()));
    assert_non_null(std::strstr(result.error.c_str(), "line 4"));
    assert_non_null(std::strstr(result.error.c_str(), "mismatch"));

    const auto missing = read_tomcat_node({"", s.path("elsewhere"), std::nullopt, {}});
    assert_false(missing.node.has_value());
    assert_non_null(std::strstr(missing.error.c_str(), "elsewhere/conf/server.xml"));
    assert_non_null(std::strstr(missing.error.c_str(), "No such file"));

    const auto wrong_root = read_server_xml_text("<Servr/>", "server.xml", {});
    assert_false(wrong_root.node.has_value());
    assert_non_null(std::strstr(wrong_root.error.c_str(), "not <Server>"));

    const auto empty = read_server_xml_text("", "server.xml", {});
    assert_false(empty.node.has_value());
    assert_false(empty.error.empty());

    // Entity expansion is bounded by libxml2's limits: an error, not a hang.
    std::string laughs = "<?xml version='1.0'?>\n<!DOCTYPE Server [\n<!ENTITY l0 'lollollollollollollollollollol'>\n";
    for (int i = 1; i <= 10; ++i) {
        laughs += "<!ENTITY l" + std::to_string(i) + " '";
        for (int k = 0; k < 10; ++k) laughs += "&l" + std::to_string(i - 1) + ";";
        laughs += "'>\n";
    }
    laughs += "]>\n<Server><Service name='&l10;'/></Server>\n";
    const auto bomb = read_server_xml_text(laughs, "server.xml", {});
    assert_false(bomb.node.has_value());
}

void test_contexts_and_web_xml(void**) {
    Scratch s;
    s.write("conf/server.xml", R"(<Server><Service name="Catalina"><Engine name="Catalina">
  <Host name="localhost" appBase="webapps">
    <Context path="/inline" docBase="/srv/inline" sessionCookieName="INLINE"/>
  </Host>
</Engine></Service></Server>
)");
    s.write("conf/context.xml", "<Context sessionCookieName='GLOBAL'>\n"
                                "  <Manager className='org.apache.catalina.session.PersistentManager'/>\n</Context>\n");
    s.write("conf/Catalina/localhost/shop.xml", "<Context docBase='${catalina.base}/shop-app' sessionCookieName='SHOP'/>");
    s.write("conf/Catalina/localhost/a#b.xml", "<Context/>");
    s.write("conf/Catalina/localhost/inline.xml", "<Context sessionCookieName='IGNORED'/>");
    s.write("shop-app/WEB-INF/web.xml",
            "<web-app xmlns='http://xmlns.jcp.org/xml/ns/javaee' version='4.0'>\n"
            "  <session-config><cookie-config><name> OLDSESSION </name></cookie-config></session-config>\n</web-app>\n");
    s.write("webapps/ROOT/index.html", "hi");
    s.write("webapps/old/WEB-INF/web.xml", "<web-app xmlns='http://java.sun.com/xml/ns/javaee'><distributable/></web-app>");
    s.write("webapps/own/META-INF/context.xml",
            "<Context>\n  <Manager className='org.apache.catalina.session.StandardManager'/>\n</Context>\n");
    s.write("webapps/broken/WEB-INF/web.xml", "<web-app>");
    s.write("webapps/packed.war", "PK");
    const auto result = read_tomcat_node({"", s.dir(), std::nullopt, {}});
    assert_true(result.node.has_value());
    const auto& apps = result.node->services.at(0).engine.hosts.at(0).apps;
    std::map<std::string, const WebApp*> by_path;
    for (const auto& app : apps) by_path[app.path] = &app;
    assert_int_equal(by_path.size(), 8);  // "", /a/b, /broken, /inline, /old, /own, /packed, /shop

    const WebApp& root = *by_path.at("");
    assert_int_equal(root.web_xml.line, 0);
    assert_string_equal(root.web_xml.file.c_str(), s.path("webapps/ROOT/WEB-INF/web.xml").c_str());
    assert_string_equal(root.session_cookie_name.value->c_str(), "GLOBAL");  // conf/context.xml
    assert_string_equal(root.manager->class_name.c_str(), "org.apache.catalina.session.PersistentManager");
    assert_int_equal(root.manager->where.line, 2);

    const WebApp& shop = *by_path.at("/shop");
    assert_string_equal(shop.directory.c_str(), s.path("shop-app").c_str());
    assert_string_equal(shop.session_cookie_name.value->c_str(), "SHOP");
    assert_string_equal(shop.context.file.c_str(), s.path("conf/Catalina/localhost/shop.xml").c_str());
    assert_true(shop.javax_namespace);
    assert_false(shop.distributable);
    assert_string_equal(shop.web_xml_cookie_name->c_str(), "OLDSESSION");

    assert_string_equal(by_path.at("/a/b")->directory.c_str(), s.path("webapps/a#b").c_str());
    const WebApp& inline_app = *by_path.at("/inline");
    assert_string_equal(inline_app.session_cookie_name.value->c_str(), "INLINE");
    assert_int_equal(inline_app.context.line, 3);
    assert_string_equal(inline_app.directory.c_str(), "/srv/inline");

    const WebApp& old = *by_path.at("/old");
    assert_true(old.javax_namespace);
    assert_true(old.distributable);
    assert_int_equal(old.web_xml.line, 1);

    const WebApp& own = *by_path.at("/own");
    assert_string_equal(own.manager->class_name.c_str(), "org.apache.catalina.session.StandardManager");
    assert_string_equal(own.session_cookie_name.value->c_str(), "GLOBAL");
    assert_string_equal(own.context.file.c_str(), s.path("webapps/own/META-INF/context.xml").c_str());

    assert_true(has_note(*result.node, "broken/WEB-INF/web.xml: not well-formed XML"));
    assert_true(has_note(*result.node, "WAR file not unpacked"));
    assert_int_equal(by_path.at("/packed")->web_xml.line, 0);
}

void test_absent_attributes_point_at_element(void**) {
    const auto result = read_server_xml_text(
        "<Server>\n<Service name='s'>\n<Executor name='pool'/>\n\n<Connector protocol='AJP/1.3'\n port='8009'/>\n"
        "<Connector/>\n<Engine name='e'>\n<Host name='h'/>\n</Engine>\n</Service>\n</Server>\n",
        "/x/conf/server.xml", {});
    assert_true(result.node.has_value());
    const Service& service = result.node->services.at(0);
    assert_int_equal(service.executors.at(0).max_threads.where.line, 3);
    assert_false(service.executors.at(0).max_threads.present());
    const Connector& ajp = service.connectors.at(0);
    for (const Attribute* a : {&ajp.secret, &ajp.secret_required, &ajp.address, &ajp.packet_size,
                               &ajp.allowed_request_attributes_pattern, &ajp.enabled}) {
        assert_false(a->present());
        assert_int_equal(a->where.line, 5);
        assert_string_equal(a->where.file.c_str(), "/x/conf/server.xml");
    }
    const Connector& plain = service.connectors.at(1);
    assert_false(plain.ajp);
    assert_false(plain.protocol.present());
    assert_int_equal(plain.protocol.where.line, 7);
    assert_false(service.engine.jvm_route.present());
    assert_int_equal(service.engine.jvm_route.where.line, 8);
    assert_string_equal(service.engine.hosts.at(0).app_base.c_str(), "webapps");
    assert_false(service.cluster.has_value());

    // No Engine at all (found by fuzz_server_xml): its jvmRoute points at the Service.
    const auto bare = read_server_xml_text("<Server>\n<Service name='s'/>\n</Server>", "/x/server.xml", {});
    assert_true(bare.node.has_value());
    assert_int_equal(bare.node->services.at(0).engine.jvm_route.where.line, 2);
    assert_string_equal(bare.node->services.at(0).engine.jvm_route.where.file.c_str(), "/x/server.xml");
}

void test_cluster_on_host_with_interceptor(void**) {
    const auto result = read_server_xml_text(R"(<Server><Service name="s">
<Engine name="e" jvmRoute="r">
  <Host name="h">
    <Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster">
      <Channel className="org.apache.catalina.tribes.group.GroupChannel">
        <Membership className="org.apache.catalina.tribes.membership.McastService"/>
        <Interceptor className="org.apache.catalina.tribes.group.interceptors.StaticMembershipInterceptor">
          <Member className="org.apache.catalina.tribes.membership.StaticMember" host="10.0.0.2" port="4000"/>
          <Member className="org.apache.catalina.tribes.membership.StaticMember" host="10.0.0.3"/>
        </Interceptor>
      </Channel>
      <Valve className="org.apache.catalina.ha.session.JvmRouteBinderValve" enabled="false"/>
    </Cluster>
  </Host>
  <Host name="other"><Cluster className="second"/></Host>
</Engine></Service></Server>)",
                                             "server.xml", {});
    assert_true(result.node.has_value());
    const auto& cluster = result.node->services.at(0).cluster;
    assert_true(cluster.has_value());
    assert_true(cluster->on_host);
    assert_int_equal(cluster->where.line, 4);
    assert_true(cluster->static_membership);
    assert_int_equal(cluster->members.size(), 2);
    assert_string_equal(cluster->members[1].host.value->c_str(), "10.0.0.3");
    assert_false(cluster->members[1].port.present());
    assert_int_equal(cluster->members[1].port.where.line, 9);
    // No Receiver: Tomcat's defaults, pointed at the Channel; no Manager: at the Cluster.
    assert_false(cluster->receiver_port.present());
    assert_int_equal(cluster->receiver_port.where.line, 5);
    assert_int_equal(cluster->expire_sessions_on_shutdown.where.line, 4);
    assert_false(cluster->manager.has_value());
    assert_string_equal(cluster->valves.at(0).enabled.value->c_str(), "false");
    assert_false(cluster->channel_send_options.present());
    assert_true(has_note(*result.node, "a second <Cluster>"));
}

void test_version_from_jar_names(void**) {
    Scratch s;
    // Debian: catalina.jar -> ../../java/tomcat10-catalina.jar, versioned sibling beside it.
    s.write("share/java/tomcat10-catalina-10.1.60.jar", "");
    s.write("share/java/tomcat10-catalina-ant-10.1.99.jar", "");
    s.write("share/java/tomcat10-catalina.jar", "");
    fs::create_directories(s.path("share/tomcat10/lib"));
    fs::create_directory_symlink("share/tomcat10", s.path("home"));
    fs::create_symlink("../../java/tomcat10-catalina.jar", s.path("share/tomcat10/lib/catalina.jar"));
    s.write("base/conf/server.xml", "<Server/>");
    const auto result = read_tomcat_node({"", s.path("base"), s.path("home"), {}});
    assert_true(result.node.has_value());
    assert_true(result.node->version.has_value());
    assert_string_equal(result.node->version->c_str(), "10.1.60");

    // The version in the resolved name itself; the installation directory's name.
    s.write("opt/jars/catalina-9.0.0-M1.jar", "");
    fs::create_directories(s.path("opt/home/lib"));
    fs::create_symlink(s.path("opt/jars/catalina-9.0.0-M1.jar"), s.path("opt/home/lib/catalina.jar"));
    assert_string_equal(read_tomcat_node({"", s.path("base"), s.path("opt/home"), {}}).node->version->c_str(),
                        "9.0.0-M1");
    s.write("apache-tomcat-9.0.80/lib/catalina.jar", "");
    assert_string_equal(
        read_tomcat_node({"", s.path("base"), s.path("apache-tomcat-9.0.80"), {}}).node->version->c_str(), "9.0.80");
    assert_false(read_tomcat_node({"", s.path("base"), s.path("nowhere"), {}}).node->version.has_value());
}

#if LIBXML_VERSION >= 21200
void sentinel_handler(void*, const xmlError*) {}
#else
void sentinel_handler(void*, xmlErrorPtr) {}
#endif
xmlParserInputPtr sentinel_loader(const char*, const char*, xmlParserCtxtPtr) { return nullptr; }

// libxml2's process state is as it was: our loader and error handler only during a parse.
void test_libxml_state_restored(void**) {
    const xmlExternalEntityLoader original_loader = xmlGetExternalEntityLoader();
    const xmlStructuredErrorFunc original_handler = xmlStructuredError;
    void* const original_context = xmlStructuredErrorContext;
    int marker = 0;
    xmlSetStructuredErrorFunc(&marker, sentinel_handler);
    xmlSetExternalEntityLoader(sentinel_loader);
    Scratch s;
    s.write("conf/inc.xml", "<Service name='inc'/>");
    const auto result = read_server_xml_text("<!DOCTYPE Server [<!ENTITY i SYSTEM 'inc.xml'>]><Server>&i;</Server>",
                                             s.path("conf/server.xml"), {});
    assert_true(result.node.has_value());
    assert_string_equal(result.node->services.at(0).name.c_str(), "inc");
    (void)read_server_xml_text("<Server>", "bad.xml", {});
    assert_ptr_equal(xmlStructuredErrorContext, &marker);
    assert_true(xmlStructuredError == sentinel_handler);
    assert_true(xmlGetExternalEntityLoader() == sentinel_loader);
    xmlSetStructuredErrorFunc(original_context, original_handler);
    xmlSetExternalEntityLoader(original_loader);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cluster_node),
        cmocka_unit_test(test_malformed_and_missing),
        cmocka_unit_test(test_contexts_and_web_xml),
        cmocka_unit_test(test_absent_attributes_point_at_element),
        cmocka_unit_test(test_cluster_on_host_with_interceptor),
        cmocka_unit_test(test_version_from_jar_names),
        cmocka_unit_test(test_libxml_state_restored),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
