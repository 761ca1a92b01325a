// An app's WEB-INF/web.xml: whether it is distributable (Tomcat only replicates the sessions
// of such apps), the session cookie name it sets, and whether its namespace is Java EE's
// (javax, for Tomcat 9 and older) or Jakarta EE's.
#include "check/tomcat_webapps.hpp"

#include <filesystem>

namespace ajpgate::check::detail {

namespace {

// The deployment descriptor namespaces before Jakarta EE 9 (https://jakarta.ee/xml/ns/jakartaee).
constexpr std::string_view javax_namespaces[] = {
    "http://java.sun.com/xml/ns/javaee",  // Java EE 5 to 7
    "http://xmlns.jcp.org/xml/ns/javaee",  // Java EE 7 and 8
    "http://java.sun.com/xml/ns/j2ee",    // J2EE 1.4 (Servlet 2.4)
};

bool javax_descriptor(const xmlNode* root) {
    const std::string ns = element_namespace(root);
    for (const auto known : javax_namespaces) {
        if (ns == known) return true;
    }
    // Servlet 2.3 and older: no namespace, Sun's DTD.
    const xmlDtd* dtd = ns.empty() && root->doc ? root->doc->intSubset : nullptr;
    return dtd && dtd->ExternalID &&
           std::string_view(reinterpret_cast<const char*>(dtd->ExternalID)).find("Sun Microsystems") !=
               std::string_view::npos;
}

}  // namespace

void read_web_xml(WebApp& app, std::vector<ReadNote>& notes) {
    app.web_xml = {app.directory + "/WEB-INF/web.xml", 0, 0};
    app.namespace_where = app.web_xml;
    std::error_code ec;
    if (std::filesystem::is_regular_file(app.directory, ec)) {
        // A WAR nobody unpacked: its descriptor is inside the zip, which we do not open.
        app.web_xml.file = app.directory + "!/WEB-INF/web.xml";
        app.namespace_where = app.web_xml;
        notes.push_back({{app.directory, 0, 0}, "WAR file not unpacked: its WEB-INF/web.xml is not read"});
        return;
    }
    if (!std::filesystem::is_regular_file(app.web_xml.file, ec)) return;  // no descriptor: all defaults
    const auto parsed = parse_xml_file(app.web_xml.file, notes);
    if (!parsed.document) {
        notes.push_back({parsed.error_where, parsed.error + " (the app's descriptor is not checked)"});
        return;
    }
    const xmlNode* root = parsed.document.root();
    if (!is_element(root, "web-app")) {
        notes.push_back({parsed.document.where(root), app.web_xml.file + ": the root element is not <web-app>"});
        return;
    }
    app.web_xml = parsed.document.where(root);
    app.namespace_where = app.web_xml;
    app.javax_namespace = javax_descriptor(root);
    app.distributable = first_child(root, "distributable") != nullptr;
    for (const xmlNode* config : child_elements(root, "session-config")) {
        for (const xmlNode* cookie : child_elements(config, "cookie-config")) {
            if (const xmlNode* name = first_child(cookie, "name")) app.web_xml_cookie_name = element_text(name);
        }
    }
}

}  // namespace ajpgate::check::detail
