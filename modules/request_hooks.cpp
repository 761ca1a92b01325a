#include "modules/request_hooks.hpp"

#include <sys/stat.h>

#include <cstring>
#include <string>

#include <apr_strings.h>

#include "modules/forward.hpp"
#include "modules/jk_log_file.hpp"
#include "modules/messages.hpp"
#include "modules/pool_object.hpp"
#include "modules/request_id.hpp"
#include "modules/request_log.hpp"
#include "modules/uri_map_holder.hpp"
#include "status/status_access.hpp"

namespace ajpgate::httpd {

namespace {

// What translate_name found, kept for the handler in the request's module config. It holds
// the map itself so a JkMountFile reload cannot free the rule while the request runs.
struct RequestMapping {
    std::shared_ptr<const config::UriMap> map;
    const config::UriRule* rule = nullptr;
};

bool is_ours(request_rec* r) { return r->handler && !std::strcmp(r->handler, handler_name); }

// JkStripSession: ";jsessionid=..." removed from every segment of a URI httpd serves itself.
void strip_session(request_rec* r, const std::string& name) {
    const std::string marker = ";" + name + "=";
    std::string uri = r->uri;
    bool changed = false;
    for (std::size_t at; (at = uri.find(marker)) != std::string::npos;) {
        const std::size_t end = uri.find_first_of(";/", at + 1);
        uri.erase(at, end == std::string::npos ? std::string::npos : end - at);
        changed = true;
    }
    if (changed) r->uri = apr_pstrdup(r->pool, uri.c_str());
}

bool is_directory(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// JkAutoAlias: /ctx/file is served by httpd from <dir>/ctx/file when <dir>/ctx is a web
// application directory; its WEB-INF and META-INF stay private.
int auto_alias(request_rec* r, const std::string& dir, std::string_view path) {
    const std::size_t slash = path.find('/', 1);
    const std::string_view context = path.substr(1, slash == std::string_view::npos ? std::string_view::npos : slash - 1);
    if (context.empty() || !is_directory(dir + "/" + std::string(context))) return DECLINED;
    if (slash != std::string_view::npos) {
        const std::string_view rest = path.substr(slash);
        if (!strncasecmp(rest.data(), "/WEB-INF", 8) || !strncasecmp(rest.data(), "/META-INF", 9)) {
            return HTTP_FORBIDDEN;
        }
    }
    r->filename = apr_pstrcat(r->pool, dir.c_str(), std::string(path).c_str(), nullptr);
    r->canonical_filename = r->filename;
    return OK;
}

bool is_status_worker(request_rec* r, const std::string& worker) {
    const GlobalConfig& global = server_config(ap_server_conf ? ap_server_conf : r->server).global;
    const auto ref = global.workers ? global.workers->find(worker) : std::nullopt;
    return ref && ref->type == config::WorkerType::status;
}

}  // namespace

int translate_name(request_rec* r) {
    if (!r->uri || r->uri[0] != '/' || r->proxyreq) return DECLINED;
    const ServerConfig& cfg = server_config(r->server);
    if (!cfg.uri_maps || apr_table_get(r->subprocess_env, "no-jk")) return DECLINED;
    const auto logger = logger_for(cfg);

    if (cfg.effective_options.has(opt_reject_unsafe_uri) && std::strpbrk(r->uri, "%\\")) {
        request_logger(r, cfg).log(log::Level::info, msg::bad_uri, std::string("rejected unsafe URI ") + r->uri);
        return HTTP_BAD_REQUEST;
    }
    auto map = cfg.uri_maps->current(logger);
    std::string normalised;
    const config::MapResult result = map->map_request(r->uri, normalised);
    if (!result.ok()) {
        // The path climbs above the root ("/../x"): Tomcat would refuse it too.
        request_logger(r, cfg).log(log::Level::info, msg::bad_uri,
                   std::string("URI ") + r->uri + ": " + std::string(config::describe(result.error)));
        return HTTP_BAD_REQUEST;
    }
    if (result.rule && !status::reaches_status_worker(r->uri, result.path) && is_status_worker(r, result.rule->worker)) {
        request_logger(r, cfg).log(log::Level::info, msg::bad_uri,
                   std::string("URI ") + r->uri + " reaches status worker '" + result.rule->worker +
                       "' only once normalised: not mapped");
        return DECLINED;
    }
    if (!result.rule) {
        if (cfg.strip_session.value_or(false)) strip_session(r, cfg.strip_session_name);
        if (cfg.auto_alias) return auto_alias(r, *cfg.auto_alias, result.path);
        return DECLINED;
    }
    // From here on httpd (and its <Location> access control) sees exactly the path we matched.
    r->uri = apr_pstrmemdup(r->pool, result.path.data(), result.path.size());
    auto* mapping = make_in_pool<RequestMapping>(r->pool);
    mapping->map = std::move(map);
    mapping->rule = result.rule;
    ap_set_module_config(r->request_config, &jk_module, mapping);
    apr_table_setn(r->notes, worker_note, apr_pstrdup(r->pool, result.rule->worker.c_str()));
    r->handler = handler_name;
    if (logger.enabled(log::Level::debug)) {
        request_logger(r, cfg).log(log::Level::debug, msg::mapped, std::string(r->uri) + " -> " + result.rule->describe());
    }
    return DECLINED;  // let the core set r->filename; map_to_storage skips the file system
}

int map_to_storage(request_rec* r) {
    if (!is_ours(r) || !ap_get_module_config(r->request_config, &jk_module)) return DECLINED;
    // JkOptions +ForwardDirectories: mod_dir looks for DirectoryIndex files with subrequests
    // and only takes one that exists; a mapped one "exists" on the backend.
    if (r->main && server_config(r->server).effective_options.has(opt_forward_directories)) {
        r->finfo.filetype = APR_REG;
    }
    return OK;  // nothing on disk is behind a URI a backend serves
}

int handler(request_rec* r) {
    if (!is_ours(r)) return DECLINED;
    // `SetEnv no-jk` (applied after mapping, in fixups) hands the request back to httpd.
    if (apr_table_get(r->subprocess_env, "no-jk")) return DECLINED;
    const ServerConfig& cfg = server_config(r->server);
    const GlobalConfig& global = server_config(ap_server_conf ? ap_server_conf : r->server).global;
    const auto* mapping = static_cast<RequestMapping*>(ap_get_module_config(r->request_config, &jk_module));
    const config::UriRule* rule = mapping ? mapping->rule : nullptr;
    // SetHandler jakarta-servlet: the worker comes from the environment (JkWorkerIndicator).
    const char* worker = rule ? rule->worker.c_str() : apr_table_get(r->subprocess_env, cfg.indicators.worker.c_str());
    if (!worker || !global.runtime) {
        request_logger(r, cfg).log(log::Level::error, msg::unknown_worker,
                            std::string("no worker for ") + r->uri + " (set JkMount or " + cfg.indicators.worker + ")");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    const apr_time_t started = apr_time_now();
    int status = HTTP_INTERNAL_SERVER_ERROR;
    try {
        status = forward_request(r, cfg, *global.runtime, worker, rule ? &rule->extensions() : nullptr);
    } catch (const std::exception& e) {
        // Nothing may escape into httpd; std::bad_alloc is the realistic case.
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "ajpgate: %s", e.what());
    }
    if (cfg.request_log) write_request_log(r, cfg, worker, status, started);
    return status;
}

}  // namespace ajpgate::httpd
