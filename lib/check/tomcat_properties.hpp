// The property values Tomcat substitutes into ${name} in server.xml and context files:
// catalina.base and catalina.home as its start scripts set them, the -D system properties,
// then every entry of conf/catalina.properties, which Tomcat's startup copies into the system
// properties over any -D of the same name (CatalinaProperties calls System.setProperty for
// each entry). substitute_tomcat_properties itself is declared in server_xml.hpp.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "check/server_xml.hpp"

namespace ajpgate::check::detail {

// java.util.Properties' text format, simplified: `key=value`, `key: value` or `key value`,
// `#` and `!` comments, a backslash at the end of a line joining the next one, the escapes
// \t \n \r \f \uXXXX and an escaped separator. ISO-8859-1 as Java reads it is not converted.
std::map<std::string, std::string> parse_java_properties(std::string_view text);

// The properties a node's configuration is substituted with; `notes` gets a -D that
// catalina.properties replaces, and a catalina.properties that exists but cannot be read.
std::map<std::string, std::string> node_properties(const NodeSource& source, std::vector<ReadNote>& notes);

}  // namespace ajpgate::check::detail
