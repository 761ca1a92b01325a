#include "modules/startup.hpp"

#include <cstdlib>
#include <cstring>

#include <ap_mpm.h>

#include "config/mount_checks.hpp"
#include "config/uri_sources.hpp"
#include "config/workers_parser.hpp"
#include "status/status_dump.hpp"
#include "modules/background.hpp"
#include "modules/jk_log_file.hpp"
#include "modules/lb_shared.hpp"
#include "modules/messages.hpp"
#include "modules/request_id.hpp"
#include "modules/uri_map_holder.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

namespace {

// Configuration problems go to httpd's start-up output (the terminal for `apachectl -t`).
void report(server_rec* s, const config::Diagnostics& diags) {
    for (const auto& d : diags.all()) {
        const bool error = d.severity == config::Severity::error;
        ap_log_error(APLOG_MARK, APLOG_STARTUP | (error ? APLOG_EMERG : APLOG_WARNING), 0, s, "%s %s",
                     std::string(error ? msg::config_error.id : msg::config_warning.id).c_str(),
                     d.to_string().c_str());
    }
}

std::optional<std::string> env_of(std::string_view name) {
    const std::string key(name);
    if (const char* v = std::getenv(key.c_str())) return std::string(v);
    return std::nullopt;
}

std::shared_ptr<const config::WorkersConfig> read_workers(GlobalConfig& global, config::Diagnostics& diags) {
    std::vector<config::PropertySource> lines;
    for (const auto& line : global.worker_properties) {
        lines.push_back(config::PropertySource::from_text(
            line.file.empty() ? "JkWorkerProperty" : line.file + ":" + std::to_string(line.line) + " JkWorkerProperty",
            line.text));
    }
    auto sources = config::httpd_sources(std::move(lines), global.workers_file);
    sources.process_env = env_of;
    if (sources.sources.empty()) {
        diags.error(global.workers_file_directive, 0,
                    "no workers: give JkWorkersFile (or JkWorkerProperty lines) to use ajpgate");
        return nullptr;
    }
    auto parsed = config::parse_workers(sources, diags);
    if (!parsed) return nullptr;
    // Read once more for cmd=dump, as written (its diagnostics were just reported).
    config::Diagnostics again;
    global.properties_dump = status::dump_lines(config::read_properties(sources, again), *parsed);
    return std::make_shared<const config::WorkersConfig>(std::move(*parsed));
}

}  // namespace

std::shared_ptr<const config::UriMap> build_uri_map(const ServerConfig& cfg, bool is_main,
                                                    const config::WorkersConfig& workers, config::Diagnostics& diags) {
    config::UriRuleSet set;
    const auto add = [&](const std::vector<MountDirective>& mounts) {
        for (const auto& m : mounts) {
            if (m.location) set.add_location_mount(m.pattern, m.worker, m.unmount, m.file, m.line, diags);
            else if (m.unmount) set.add_jk_unmount(m.pattern, m.worker, m.file, m.line, diags);
            else set.add_jk_mount(m.pattern, m.worker, m.file, m.line, diags);
        }
    };
    add(cfg.mounts);
    if (cfg.copied_mounts) add(*cfg.copied_mounts);
    if (is_main || cfg.mount_copy == MountCopy::on) {
        for (const auto& m : workers.mounts()) set.add_worker_mounts(m.worker, m.pattern, m.file, m.line, diags);
    }
    std::vector<config::UriRule> file_rules;
    if (cfg.mount_file) {
        if (auto rules = config::read_uriworkermap_file(*cfg.mount_file, diags)) file_rules = std::move(*rules);
    }
    auto map = std::make_shared<const config::UriMap>(config::UriMap::build(set.take(), std::move(file_rules), diags));
    config::check_map_workers(*map, workers, diags);
    return map;
}

namespace {

// A host whose mounts are exactly the main server's (JkMountCopy On and none of its own, the
// usual hosting setup) shares the main server's map instead of building the same one again.
bool same_mounts_as_main(const ServerConfig& cfg, const ServerConfig& main_cfg, const config::WorkersConfig& workers) {
    return cfg.mounts.empty() && cfg.copied_mounts == &main_cfg.mounts && cfg.mount_file == main_cfg.mount_file &&
           (cfg.mount_copy == MountCopy::on || workers.mounts().empty());
}

}  // namespace

int check_config(apr_pool_t*, apr_pool_t*, apr_pool_t*, server_rec* main_server) {
    ServerConfig& main_cfg = server_config(main_server);
    config::Diagnostics diags(main_cfg.global.strictness);
    main_cfg.global.workers = read_workers(main_cfg.global, diags);
    if (main_cfg.global.workers) {
        std::shared_ptr<const config::UriMap> main_map;
        for (server_rec* s = main_server; s; s = s->next) {
            ServerConfig& cfg = server_config(s);
            cfg.effective_options = cfg.options.over(JkOptions::defaults());
            auto map = s != main_server && same_mounts_as_main(cfg, main_cfg, *main_cfg.global.workers)
                           ? main_map
                           : build_uri_map(cfg, s == main_server, *main_cfg.global.workers, diags);
            if (s == main_server) main_map = map;
            cfg.uri_maps = std::make_shared<UriMapHolder>(std::move(map), main_cfg.global.workers, cfg.mount_file,
                                                          cfg.mount_file_reload.value_or(std::chrono::seconds(60)),
                                                          main_cfg.global.strictness);
        }
    }
    report(main_server, diags);
    return diags.has_errors() ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

namespace {

// The twenty JK_LB_* notes cost a balanced request more than choosing its member; mod_jk users
// read them with LogFormat "%{JK_LB_FIRST_NAME}n", so they are set when the configuration
// (Include'd files and all) mentions one anywhere.
bool configuration_mentions(const ap_directive_t* node, const char* text) {
    for (; node; node = node->next) {
        if (node->args && std::strstr(node->args, text)) return true;
        if (configuration_mentions(node->first_child, text)) return true;
    }
    return false;
}

}  // namespace

int post_config(apr_pool_t* pconf, apr_pool_t*, apr_pool_t*, server_rec* main_server) {
    for (server_rec* s = main_server; s; s = s->next) {
        ServerConfig& cfg = server_config(s);
        // A host without its own JkLogFile writes where the main server does.
        if (s != main_server && !cfg.log_file && server_config(main_server).log) {
            cfg.log = server_config(main_server).log;
            continue;
        }
        std::string error;
        if (cfg.request_log_format) cfg.request_log = log::RequestLogFormat::parse(*cfg.request_log_format, error);
        cfg.log = LogTarget::open(pconf, s, cfg, error);
        if (!cfg.log) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s, "%s %s", std::string(msg::config_error.id).c_str(),
                         error.c_str());
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    auto& global = server_config(main_server).global;
    // httpd runs post_config twice at start-up; the first pass only checks, so the shared
    // memory and the start-up line belong to the second.
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return OK;
    if (global.workers) {
        std::string error;
        global.lb_shared = LbShared::create(pconf, *global.workers, global.shm_file, error);
        if (!global.lb_shared) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, main_server, "%s %s",
                         std::string(msg::config_error.id).c_str(), error.c_str());
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    if (global.workers) {
        const auto& w = *global.workers;
        server_config(main_server).log->logger().log(
            log::Level::info, msg::started,
            "ajpgate started: " + std::to_string(w.ajp13_workers().size()) + " ajp13, " +
                std::to_string(w.lb_workers().size()) + " lb, " + std::to_string(w.status_workers().size()) +
                " status workers");
    }
    return OK;
}

void child_init(apr_pool_t* pchild, server_rec* main_server) {
    GlobalConfig& global = server_config(main_server).global;
    init_request_ids(global);
    if (!global.workers) return;
    int threads = 1;
    if (ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads) != APR_SUCCESS || threads < 1) threads = 1;
    // The configuration tree lives as long as the configuration (mod_info reads it per request).
    global.runtime = std::make_shared<ChildRuntime>(global.workers, global.lb_shared, threads,
                                                    configuration_mentions(ap_conftree, "JK_LB_"));
    // Maintenance, recovery probes, DNS retries and idle connections: never on a request.
    start_background(pchild, global.runtime, logger_for(server_config(main_server)), global.watchdog_interval);
}

}  // namespace ajpgate::httpd
