#include "modules/request_hooks.hpp"

#include <cstring>
#include <string>

#include <apr_strings.h>

#include "modules/forward.hpp"
#include "modules/jk_log_file.hpp"
#include "modules/messages.hpp"
#include "modules/pool_object.hpp"

namespace ajpgate::httpd {

namespace {

// What translate_name found, kept for the handler in the request's module config. It holds
// the map itself so a JkMountFile reload cannot free the rule while the request runs.
struct RequestMapping {
    std::shared_ptr<const config::UriMap> map;
    const config::UriRule* rule = nullptr;
};

log::Logger logger_for(const ServerConfig& cfg) {
    return cfg.log ? cfg.log->logger() : log::Logger();
}

}  // namespace

int translate_name(request_rec* r) {
    if (!r->uri || r->uri[0] != '/' || r->proxyreq) return DECLINED;
    const ServerConfig& cfg = server_config(r->server);
    if (!cfg.uri_map) return DECLINED;
    if (apr_table_get(r->subprocess_env, "no-jk")) return DECLINED;

    if (cfg.effective_options.has(opt_reject_unsafe_uri) && std::strpbrk(r->uri, "%\\")) {
        logger_for(cfg).log(log::Level::info, msg::bad_uri, std::string("rejected unsafe URI ") + r->uri);
        return HTTP_BAD_REQUEST;
    }
    std::string normalised;
    const config::MapResult result = cfg.uri_map->map_request(r->uri, normalised);
    if (!result.ok()) {
        // The path climbs above the root ("/../x"): Tomcat would refuse it too.
        logger_for(cfg).log(log::Level::info, msg::bad_uri,
                            std::string("URI ") + r->uri + ": " + std::string(config::describe(result.error)));
        return HTTP_BAD_REQUEST;
    }
    if (!result.rule) return DECLINED;
    // From here on httpd (and its <Location> access control) sees exactly the path we matched.
    r->uri = apr_pstrmemdup(r->pool, result.path.data(), result.path.size());
    auto* mapping = make_in_pool<RequestMapping>(r->pool);
    mapping->map = cfg.uri_map;
    mapping->rule = result.rule;
    ap_set_module_config(r->request_config, &jk_module, mapping);
    apr_table_setn(r->notes, worker_note, apr_pstrdup(r->pool, result.rule->worker.c_str()));
    r->handler = handler_name;
    auto logger = logger_for(cfg);
    if (logger.enabled(log::Level::debug)) {
        logger.log(log::Level::debug, msg::mapped, std::string(r->uri) + " -> " + result.rule->describe());
    }
    return DECLINED;  // let the core set r->filename; map_to_storage skips the file system
}

int map_to_storage(request_rec* r) {
    if (r->handler && !std::strcmp(r->handler, handler_name) && ap_get_module_config(r->request_config, &jk_module)) {
        return OK;  // nothing on disk is behind a URI a backend serves
    }
    return DECLINED;
}

int handler(request_rec* r) {
    if (!r->handler || std::strcmp(r->handler, handler_name) != 0) return DECLINED;
    const ServerConfig& cfg = server_config(r->server);
    const GlobalConfig& global = server_config(ap_server_conf ? ap_server_conf : r->server).global;
    // SetHandler jakarta-servlet: the worker comes from the environment (JkWorkerIndicator).
    const auto* mapping = static_cast<RequestMapping*>(ap_get_module_config(r->request_config, &jk_module));
    const config::UriRule* rule = mapping ? mapping->rule : nullptr;
    const char* worker = rule ? rule->worker.c_str() : nullptr;
    if (!worker) worker = apr_table_get(r->subprocess_env, cfg.indicators.worker.c_str());
    if (!worker || !global.runtime) {
        logger_for(cfg).log(log::Level::error, msg::unknown_worker,
                            std::string("no worker for ") + r->uri + " (set JkMount or " + cfg.indicators.worker + ")");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    try {
        return forward_request(r, cfg, *global.runtime, worker, rule ? &rule->extensions : nullptr);
    } catch (const std::exception& e) {
        // Nothing may escape into httpd; std::bad_alloc is the realistic case.
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "ajpgate: %s", e.what());
        return HTTP_INTERNAL_SERVER_ERROR;
    }
}

}  // namespace ajpgate::httpd
