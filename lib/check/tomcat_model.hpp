// What jkcheck knows about one Tomcat node after reading its CATALINA_BASE: the parts of
// server.xml, context.xml and each webapp's web.xml that decide whether httpd's side works
// with it. Plain values, every attribute with the place it was written (or where Tomcat's
// default applies, the element that would carry it), `${...}` already substituted.
// Filled by read_tomcat_node (server_xml.hpp); judged by the checks (checks.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ajpgate::check {

// A place in a file; line 0 means "the file as a whole", column 0 "the line as a whole".
struct Location {
    std::string file;
    std::size_t line = 0;
    std::size_t column = 0;
};

// One attribute as written: absent attributes have no value but keep the element's place,
// so a finding about a missing attribute points at the element that should carry it.
struct Attribute {
    std::optional<std::string> value;
    Location where;
    bool present() const noexcept { return value.has_value(); }
    const std::string& or_default(const std::string& fallback) const noexcept {
        return value ? *value : fallback;
    }
};

struct Executor {
    std::string name;
    Attribute max_threads;  // maxThreads
    Location where;
};

struct Connector {
    Location where;
    Attribute protocol;    // "AJP/1.3", a class name (...AjpNioProtocol) or HTTP
    bool ajp = false;      // protocol names AJP
    Attribute port;
    Attribute address;     // absent: Tomcat >= 9.0.31 binds the loopback for AJP
    Attribute secret;      // also read from the old name requiredSecret
    Attribute secret_required;  // secretRequired (default true since 9.0.31)
    Attribute packet_size;      // packetSize (default 8192)
    Attribute connection_timeout;  // connectionTimeout, ms (AJP default: infinite, -1)
    Attribute keep_alive_timeout;  // keepAliveTimeout, ms (default: connectionTimeout)
    Attribute max_threads;         // maxThreads (default 200)
    Attribute max_connections;     // maxConnections (default 8192)
    Attribute executor;            // executor: the name of a shared Executor
    Attribute allowed_request_attributes_pattern;  // allowedRequestAttributesPattern
    Attribute tomcat_authentication;               // tomcatAuthentication (default true)
    Attribute redirect_port;                       // redirectPort
    Attribute enabled;                             // enabled="false" turns the connector off
};

// A <Valve>, <ClusterListener>, <Manager> or <Member>-like element inside <Cluster>: its
// class name and the attributes the checks read.
struct ClusterElement {
    std::string class_name;
    Location where;
    Attribute enabled;  // JvmRouteBinderValve's enabled
};

struct StaticMember {
    Attribute host;
    Attribute port;
    Location where;
    bool local = false;  // LocalMember: this node's own entry
};

struct Cluster {
    Location where;
    std::string class_name;
    bool on_host = false;             // inside <Host> rather than <Engine>
    Attribute channel_send_options;   // channelSendOptions (default 8: asynchronous)
    // The elements written inside <Cluster>; empty lists mean Tomcat adds its defaults
    // (ReplicationValve, JvmRouteBinderValve, ClusterSessionListener), a written one means
    // only what is written.
    std::vector<ClusterElement> valves;
    std::vector<ClusterElement> listeners;
    std::optional<ClusterElement> manager;  // the cluster's <Manager> template
    Attribute expire_sessions_on_shutdown;  // on that Manager
    Attribute receiver_address;  // <Receiver address> (default "auto")
    Attribute receiver_port;     // <Receiver port> (default 4000)
    Location receiver_where;
    bool static_membership = false;  // StaticMembershipService or StaticMembershipInterceptor
    std::vector<StaticMember> members;
};

struct WebApp {
    std::string path;       // context path, "" for ROOT
    std::string directory;  // where the webapp lives (may be empty for a context file only)
    Location context;       // the <Context> element or the context file, if any
    std::optional<ClusterElement> manager;  // a <Context>'s own <Manager>
    Attribute session_cookie_name;          // Context@sessionCookieName
    std::optional<std::string> web_xml_cookie_name;  // <session-config><cookie-config><name>
    Location web_xml;                       // WEB-INF/web.xml (line 0 if missing)
    bool distributable = false;             // <distributable/> in web.xml or a fragment
    bool javax_namespace = false;           // web.xml or fragments use the javax (pre-10) namespace
    Location namespace_where;
};

struct Host {
    std::string name;
    std::string app_base;
    Location where;
    std::vector<WebApp> apps;
};

struct Engine {
    std::string name;
    Attribute jvm_route;
    Location where;
    std::vector<Host> hosts;
};

struct Service {
    std::string name;
    Location where;
    std::vector<Executor> executors;
    std::vector<Connector> connectors;
    Engine engine;
    std::optional<Cluster> cluster;  // on the Engine or on one of its Hosts
};

// A reading problem that does not stop the others: an unresolved ${prop}, an entity that
// would need the network, a web.xml that does not parse.
struct ReadNote {
    Location where;
    std::string message;
};

struct TomcatNode {
    std::string name;          // --node NAME=..., else the CATALINA_BASE's last path part
    std::string base;          // CATALINA_BASE
    std::string server_xml;    // path of conf/server.xml
    std::optional<std::string> version;  // "10.1.60" from the jars where found
    std::vector<Service> services;
    std::vector<ReadNote> notes;
};

}  // namespace ajpgate::check
