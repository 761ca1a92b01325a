// Tomcat's version from the name of CATALINA_HOME's lib/catalina.jar, without opening it.
#pragma once

#include <optional>
#include <string>

namespace ajpgate::check::detail {

// <home>/lib/catalina.jar, symlinks resolved: a version in the resolved name
// (catalina-9.0.80.jar), else in a sibling <stem>-X.Y.Z.jar (Debian's
// tomcat10-catalina-10.1.60.jar beside tomcat10-catalina.jar), else in the name of the
// installation directory (apache-tomcat-9.0.80/lib/catalina.jar).
std::optional<std::string> tomcat_version(const std::string& home);

}  // namespace ajpgate::check::detail
