#include "check/tomcat_webapps.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace ajpgate::check::detail {

namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& text, std::string_view tail) {
    return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

std::string join(const std::string& dir, const std::string& path) {
    if (!path.empty() && path.front() == '/') return path;
    return dir.empty() || dir.back() == '/' ? dir + path : dir + "/" + path;
}

// The settings one <Context> element gives an app; absent ones leave the layer below.
struct ContextLayer {
    Location where;
    std::optional<ClusterElement> manager;
    Attribute session_cookie_name;
};

ContextLayer read_context_layer(const ElementReader& r, const xmlNode* context) {
    ContextLayer layer;
    layer.where = r.where(context);
    layer.session_cookie_name = r.attribute(context, "sessionCookieName");
    if (const xmlNode* manager = first_child(context, "Manager")) {
        layer.manager = ClusterElement{r.text(manager, "className"), r.where(manager), r.attribute(manager, "enabled")};
    }
    return layer;
}

// A context file's <Context>: its layer and docBase, read with the node's properties.
struct ContextFile {
    ContextLayer layer;
    std::optional<std::string> doc_base;
};

std::optional<ContextFile> read_context_file(const std::string& path, const ElementReader& server,
                                             bool missing_is_news) {
    auto& notes = server.notes();
    if (!missing_is_news && !fs::is_regular_file(path)) return std::nullopt;
    const auto parsed = parse_xml_file(path, notes);
    if (!parsed.document) {
        notes.push_back({parsed.error_where, parsed.error + " (its settings are not checked)"});
        return std::nullopt;
    }
    const xmlNode* root = parsed.document.root();
    if (!is_element(root, "Context")) {
        notes.push_back({parsed.document.where(root), path + ": the root element is not <Context>: not read"});
        return std::nullopt;
    }
    const ElementReader r(parsed.document, server.properties(), notes);
    ContextFile file{read_context_layer(r, root), std::nullopt};
    file.doc_base = r.attribute(root, "docBase").value;
    return file;
}

// What Tomcat layers on every app of a Host before the app's own context.
struct HostDefaults {
    std::optional<ContextLayer> global;  // conf/context.xml
    std::optional<ContextLayer> host;    // conf/<Engine>/<Host>/context.xml.default
};

struct AppDraft {
    WebApp app;
    std::optional<ContextLayer> own;
};

void apply_layers(WebApp& app, const HostDefaults& defaults, const std::optional<ContextLayer>& own) {
    const std::optional<ContextLayer>* layers[] = {&defaults.global, &defaults.host, &own};
    // No layer names a cookie: the finding points at the app's context, else the shared one.
    app.session_cookie_name.where = own ? own->where : defaults.global ? defaults.global->where : app.web_xml;
    for (const auto* layer : layers) {
        if (!*layer) continue;
        if ((*layer)->manager) app.manager = (*layer)->manager;
        if ((*layer)->session_cookie_name.present()) app.session_cookie_name = (*layer)->session_cookie_name;
    }
    if (own) app.context = own->where;
}

std::string app_directory(const std::string& app_base, const std::optional<std::string>& doc_base,
                          const std::string& path) {
    if (doc_base && !doc_base->empty()) return join(app_base, *doc_base);
    if (path.empty()) return join(app_base, "ROOT");
    std::string name = path.substr(1);
    std::replace(name.begin(), name.end(), '/', '#');
    return join(app_base, name);
}

// Directories and WARs in appBase, as Tomcat's automatic deployment would find them.
void add_app_base(std::map<std::string, AppDraft>& apps, const std::string& app_base) {
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(app_base, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) {
        std::string name = entry.path().filename().string();
        if (name == "META-INF" || name == "WEB-INF") continue;  // never deployed as apps
        const bool war = entry.is_regular_file(ec) && ends_with(name, ".war");
        if (!war && !entry.is_directory(ec)) continue;
        if (war) name.resize(name.size() - 4);
        const std::string path = context_path_from_name(name);
        if (war && apps.count(path)) continue;  // unpacked beside it: the directory is read
        AppDraft& draft = apps[path];
        draft.app.path = path;
        draft.app.directory = entry.path().string();
    }
}

}  // namespace

std::string context_path_from_name(std::string name) {
    if (const auto version = name.find("##"); version != std::string::npos) name.resize(version);
    if (name == "ROOT") return "";
    std::replace(name.begin(), name.end(), '#', '/');
    return "/" + name;
}

void read_host_apps(Host& host, const xmlNode* host_element, const ElementReader& server, const AppFiles* files) {
    std::map<std::string, AppDraft> apps;
    const std::string app_base = files ? join(files->base, host.app_base) : host.app_base;

    // Inline contexts come first: Tomcat skips a context file whose path server.xml has.
    for (const xmlNode* context : child_elements(host_element, "Context")) {
        const std::string path = server.text(context, "path");
        AppDraft& draft = apps[path];
        draft.app.path = path;
        draft.app.directory = app_directory(app_base, server.attribute(context, "docBase").value, path);
        draft.own = read_context_layer(server, context);
    }
    if (!files) {
        for (auto& [path, draft] : apps) {
            apply_layers(draft.app, {}, draft.own);
            host.apps.push_back(std::move(draft.app));
        }
        return;
    }

    HostDefaults defaults;
    const std::string conf = files->base + "/conf";
    const std::string host_conf =
        join(files->base, server.text(host_element, "xmlBase", "conf/" + files->engine + "/" + host.name));
    if (auto global = read_context_file(conf + "/context.xml", server, false)) defaults.global = global->layer;
    if (auto own = read_context_file(host_conf + "/context.xml.default", server, false)) defaults.host = own->layer;

    std::error_code ec;
    std::vector<fs::path> context_files;
    for (fs::directory_iterator it(host_conf, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".xml" && it->is_regular_file(ec)) context_files.push_back(it->path());
    }
    std::sort(context_files.begin(), context_files.end());
    for (const auto& file : context_files) {
        const std::string path = context_path_from_name(file.stem().string());
        if (apps.count(path) && apps[path].own) continue;
        auto context = read_context_file(file.string(), server, true);
        AppDraft& draft = apps[path];
        draft.app.path = path;
        draft.app.directory = app_directory(app_base, context ? context->doc_base : std::nullopt, path);
        if (context) draft.own = context->layer;
    }
    add_app_base(apps, app_base);

    const bool deploy_xml = server.text(host_element, "deployXML", "true") != "false";
    for (auto& [path, draft] : apps) {
        WebApp& app = draft.app;
        if (!draft.own && deploy_xml && !app.directory.empty()) {
            if (auto context = read_context_file(app.directory + "/META-INF/context.xml", server, false)) {
                draft.own = context->layer;
            }
        }
        read_web_xml(app, server.notes());
        apply_layers(app, defaults, draft.own);
        host.apps.push_back(std::move(app));
    }
}

}  // namespace ajpgate::check::detail
