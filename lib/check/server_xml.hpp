// Reads one Tomcat node's configuration into a TomcatNode: conf/server.xml (with Tomcat's
// ${prop} and ${prop:-default} substitution from conf/catalina.properties and the given
// system properties; entities resolved from local files only, never the network), the
// Executors, Connectors, Engine, Hosts and a Cluster on the Engine or a Host, then
// conf/context.xml, conf/<Engine>/<Host>/*.xml and each webapp's WEB-INF/web.xml (and the
// web-fragment.xml files of its WEB-INF/lib jars are not read: see the README).
// Tomcat's version comes from CATALINA_HOME's lib/catalina.jar where its name tells it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/tomcat_model.hpp"

namespace ajpgate::check {

struct NodeSource {
    std::string name;                           // the node's name in findings
    std::string base;                           // CATALINA_BASE
    std::optional<std::string> home;            // CATALINA_HOME (version, shared conf)
    std::map<std::string, std::string> system_properties;  // -Dname=value
};

// The reason a node could not be read at all (no server.xml, not XML): nullopt node.
struct NodeReadResult {
    std::optional<TomcatNode> node;
    Location where;       // where reading stopped
    std::string error;    // what is wrong, when node is empty
};

NodeReadResult read_tomcat_node(const NodeSource& source);

// server.xml from memory (the fuzz target and unit tests): `file` labels locations and
// anchors relative entity paths. Context files and web.xml are not read.
NodeReadResult read_server_xml_text(std::string_view text, const std::string& file,
                                    const NodeSource& source);

// Tomcat's property substitution in one attribute value: ${name} and ${name:-default}.
// Unresolved names stay as written and are reported in `unresolved`.
std::string substitute_tomcat_properties(std::string_view value,
                                         const std::map<std::string, std::string>& properties,
                                         std::vector<std::string>* unresolved);

}  // namespace ajpgate::check
