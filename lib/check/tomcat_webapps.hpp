// A Host's webapps: the directories (and unpacked-nowhere WARs) in its appBase, the inline
// <Context> elements of server.xml, the context files conf/<Engine>/<Host>/*.xml, and for each
// the settings Tomcat layers on it: conf/context.xml, then the Host's context.xml.default,
// then the app's own context (inline, context file, or META-INF/context.xml), then its
// WEB-INF/web.xml.
#pragma once

#include <string>

#include "check/element_reader.hpp"

namespace ajpgate::check::detail {

struct AppFiles {
    std::string base;    // CATALINA_BASE
    std::string engine;  // the Engine's name: conf/<Engine>/<Host>/
};

// Without `files` (server.xml read from memory) only the inline contexts are listed.
void read_host_apps(Host& host, const xmlNode* host_element, const ElementReader& server, const AppFiles* files);

// "ROOT" -> "", "shop" -> "/shop", "a#b" -> "/a/b", "shop##2" -> "/shop": a directory, WAR
// or context file name (without extension) as the context path Tomcat deploys it at.
std::string context_path_from_name(std::string name);

// WEB-INF/web.xml of app.directory: distributable, the session cookie name, the namespace.
void read_web_xml(WebApp& app, std::vector<ReadNote>& notes);

}  // namespace ajpgate::check::detail
