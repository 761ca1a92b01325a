// conf/server.xml -> TomcatNode: Server, Service, Executor, Connector, Engine, Host, Cluster.
// The webapps of each Host are tomcat_webapps.cpp's; the web-fragment.xml files inside an
// app's WEB-INF/lib jars are not read (no zip reading), so a `<distributable/>` that only a
// fragment declares is not seen.
#include "check/server_xml.hpp"

#include "check/element_reader.hpp"
#include "check/tomcat_properties.hpp"
#include "check/tomcat_version.hpp"
#include "check/tomcat_webapps.hpp"

namespace ajpgate::check {

namespace {

using detail::child_elements;
using detail::ElementReader;
using detail::is_element;

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// AJP by its protocol name or by a handler class (org.apache.coyote.ajp.AjpNioProtocol).
bool names_ajp(const std::string& protocol) { return protocol == "AJP/1.3" || contains(protocol, "Ajp"); }

Executor read_executor(const ElementReader& r, const xmlNode* element) {
    return {r.text(element, "name"), r.attribute(element, "maxThreads"), r.where(element)};
}

Connector read_connector(const ElementReader& r, const xmlNode* e) {
    Connector c;
    c.where = r.where(e);
    c.protocol = r.attribute(e, "protocol");
    c.ajp = c.protocol.present() && names_ajp(*c.protocol.value);
    c.port = r.attribute(e, "port");
    c.address = r.attribute(e, "address");
    c.secret = r.attribute(e, "secret");
    if (!c.secret.present()) c.secret = r.attribute(e, "requiredSecret");  // the name before 9.0.31
    c.secret_required = r.attribute(e, "secretRequired");
    c.packet_size = r.attribute(e, "packetSize");
    c.connection_timeout = r.attribute(e, "connectionTimeout");
    c.keep_alive_timeout = r.attribute(e, "keepAliveTimeout");
    c.max_threads = r.attribute(e, "maxThreads");
    c.max_connections = r.attribute(e, "maxConnections");
    c.executor = r.attribute(e, "executor");
    c.allowed_request_attributes_pattern = r.attribute(e, "allowedRequestAttributesPattern");
    c.tomcat_authentication = r.attribute(e, "tomcatAuthentication");
    c.redirect_port = r.attribute(e, "redirectPort");
    c.enabled = r.attribute(e, "enabled");
    return c;
}

ClusterElement read_cluster_element(const ElementReader& r, const xmlNode* e) {
    return {r.text(e, "className"), r.where(e), r.attribute(e, "enabled")};
}

// <Member> and <LocalMember> children of a static <Membership> or its interceptor.
void read_members(Cluster& cluster, const ElementReader& r, const xmlNode* parent) {
    for (const xmlNode* child : child_elements(parent)) {
        const bool local = is_element(child, "LocalMember");
        if (!local && !is_element(child, "Member")) continue;
        StaticMember member;
        member.host = r.attribute(child, "host");
        member.port = r.attribute(child, "port");
        member.where = r.where(child);
        member.local = local;
        cluster.members.push_back(std::move(member));
    }
}

void read_channel(Cluster& cluster, const ElementReader& r, const xmlNode* channel) {
    cluster.receiver_where = r.where(channel);
    cluster.receiver_address.where = cluster.receiver_port.where = cluster.receiver_where;
    for (const xmlNode* child : child_elements(channel)) {
        const std::string class_name = r.text(child, "className");
        if (is_element(child, "Receiver")) {
            cluster.receiver_where = r.where(child);
            cluster.receiver_address = r.attribute(child, "address");
            cluster.receiver_port = r.attribute(child, "port");
        } else if (is_element(child, "Membership") && contains(class_name, "StaticMembership")) {
            cluster.static_membership = true;
            read_members(cluster, r, child);
        } else if (is_element(child, "Interceptor") && contains(class_name, "StaticMembershipInterceptor")) {
            cluster.static_membership = true;
            read_members(cluster, r, child);
        }
    }
}

Cluster read_cluster(const ElementReader& r, const xmlNode* e, bool on_host) {
    Cluster cluster;
    cluster.where = r.where(e);
    cluster.class_name = r.text(e, "className");
    cluster.on_host = on_host;
    cluster.channel_send_options = r.attribute(e, "channelSendOptions");
    // Where Tomcat's defaults apply: the Cluster element, until a Channel or Manager says more.
    cluster.receiver_where = cluster.where;
    cluster.receiver_address.where = cluster.receiver_port.where = cluster.where;
    cluster.expire_sessions_on_shutdown.where = cluster.where;
    for (const xmlNode* child : child_elements(e)) {
        if (is_element(child, "Valve")) {
            cluster.valves.push_back(read_cluster_element(r, child));
        } else if (is_element(child, "ClusterListener")) {
            cluster.listeners.push_back(read_cluster_element(r, child));
        } else if (is_element(child, "Manager")) {
            cluster.manager = read_cluster_element(r, child);
            cluster.expire_sessions_on_shutdown = r.attribute(child, "expireSessionsOnShutdown");
        } else if (is_element(child, "Channel")) {
            read_channel(cluster, r, child);
        }
    }
    return cluster;
}

// The model keeps one Cluster per Service; Tomcat allows one per Engine and per Host.
void keep_cluster(Service& service, Cluster cluster, const ElementReader& r) {
    if (!service.cluster) {
        service.cluster = std::move(cluster);
        return;
    }
    r.notes().push_back({cluster.where, "a second <Cluster> in service '" + service.name +
                                            "' is not checked: only the first one (" + service.cluster->where.file +
                                            ":" + std::to_string(service.cluster->where.line) + ") is"});
}

Engine read_engine(Service& service, const ElementReader& r, const xmlNode* e, const std::string& base,
                   bool with_files) {
    Engine engine;
    engine.name = r.text(e, "name");
    engine.jvm_route = r.attribute(e, "jvmRoute");
    engine.where = r.where(e);
    const detail::AppFiles files{base, engine.name};
    for (const xmlNode* child : child_elements(e)) {
        if (is_element(child, "Cluster")) keep_cluster(service, read_cluster(r, child, false), r);
    }
    for (const xmlNode* child : child_elements(e, "Host")) {
        Host host;
        host.name = r.text(child, "name");
        host.app_base = r.text(child, "appBase", "webapps");
        host.where = r.where(child);
        for (const xmlNode* cluster : child_elements(child, "Cluster")) {
            keep_cluster(service, read_cluster(r, cluster, true), r);
        }
        detail::read_host_apps(host, child, r, with_files ? &files : nullptr);
        engine.hosts.push_back(std::move(host));
    }
    return engine;
}

Service read_service(const ElementReader& r, const xmlNode* e, const std::string& base, bool with_files) {
    Service service;
    service.name = r.text(e, "name");
    service.where = r.where(e);
    // No <Engine> (Tomcat would not start the service): findings about it point at the Service.
    service.engine.where = service.engine.jvm_route.where = service.where;
    bool engine_seen = false;
    for (const xmlNode* child : child_elements(e)) {
        if (is_element(child, "Executor")) {
            service.executors.push_back(read_executor(r, child));
        } else if (is_element(child, "Connector")) {
            service.connectors.push_back(read_connector(r, child));
        } else if (is_element(child, "Engine") && !engine_seen) {
            engine_seen = true;
            service.engine = read_engine(service, r, child, base, with_files);
        }
    }
    return service;
}

std::string last_path_part(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

NodeReadResult read_document(const detail::XmlParse& parsed, const NodeSource& source,
                             const std::map<std::string, std::string>& properties, std::vector<ReadNote> notes,
                             bool with_files) {
    NodeReadResult result;
    if (!parsed.document) {
        result.where = parsed.error_where;
        result.error = parsed.error;
        return result;
    }
    const xmlNode* root = parsed.document.root();
    if (!is_element(root, "Server")) {
        result.where = parsed.document.where(root);
        result.error = parsed.document.file() + ": the root element is <" +
                       (root ? reinterpret_cast<const char*>(root->name) : "") + ">, not <Server>";
        return result;
    }
    TomcatNode node;
    node.name = source.name.empty() ? last_path_part(source.base) : source.name;
    node.base = source.base;
    node.server_xml = parsed.document.file();
    const ElementReader reader(parsed.document, properties, notes);
    for (const xmlNode* service : child_elements(root, "Service")) {
        node.services.push_back(read_service(reader, service, source.base, with_files));
    }
    node.notes = std::move(notes);
    result.where = {node.server_xml, 0, 0};
    result.node = std::move(node);
    return result;
}

}  // namespace

NodeReadResult read_tomcat_node(const NodeSource& source) {
    std::vector<ReadNote> notes;
    const auto properties = detail::node_properties(source, notes);
    const auto parsed = detail::parse_xml_file(source.base + "/conf/server.xml", notes);
    NodeReadResult result = read_document(parsed, source, properties, std::move(notes), true);
    if (result.node && source.home && !source.home->empty()) {
        result.node->version = detail::tomcat_version(*source.home);
    }
    return result;
}

NodeReadResult read_server_xml_text(std::string_view text, const std::string& file, const NodeSource& source) {
    std::vector<ReadNote> notes;
    // catalina.properties only where there is a base to find it in.
    std::map<std::string, std::string> properties;
    if (source.base.empty()) {
        properties = source.system_properties;
    } else {
        properties = detail::node_properties(source, notes);
    }
    const auto parsed = detail::parse_xml_text(text, file, notes);
    return read_document(parsed, source, properties, std::move(notes), false);
}

}  // namespace ajpgate::check
