// The Jk* directives: each handler checks its arguments and records them in the server
// configuration. Anything wrong stops httpd with the file, line and reason httpd prints.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <apr_strings.h>

#include "log/log.hpp"
#include "log/request_id.hpp"
#include "log/request_log_format.hpp"
#include "log/stamp_format.hpp"
#include "modules/httpd.hpp"
#include "modules/request_id.hpp"

namespace ajpgate::httpd {

namespace {

ServerConfig& config_of(cmd_parms* cmd) { return server_config(cmd->server); }

// Directives that configure the whole httpd only make sense outside <VirtualHost>.
const char* main_server_only(cmd_parms* cmd) {
    if (cmd->server->is_virtual) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " is only allowed in the main server, not in <VirtualHost>",
                           nullptr);
    }
    return nullptr;
}

std::string where(cmd_parms* cmd) {
    if (!cmd->directive) return "";
    return std::string(cmd->directive->filename) + ":" + std::to_string(cmd->directive->line_num);
}

const char* set_workers_file(cmd_parms* cmd, void*, const char* path) {
    if (const char* err = main_server_only(cmd)) return err;
    auto& global = config_of(cmd).global;
    if (global.workers_file) return "JkWorkersFile can be given only once";
    const char* resolved = ap_server_root_relative(cmd->pool, path);
    if (!resolved) return apr_pstrcat(cmd->pool, "JkWorkersFile: invalid path ", path, nullptr);
    global.workers_file = resolved;
    global.workers_file_directive = where(cmd);
    return nullptr;
}

const char* add_worker_property(cmd_parms* cmd, void*, const char* line) {
    if (const char* err = main_server_only(cmd)) return err;
    // A line without '=' is judged with the rest of workers.properties (mod_jk skips it).
    config_of(cmd).global.worker_properties.push_back(
        {line, cmd->directive ? cmd->directive->filename : "", cmd->directive ? unsigned(cmd->directive->line_num) : 0u});
    return nullptr;
}

const char* add_mount(cmd_parms* cmd, void*, const char* first, const char* second, bool unmount) {
    MountDirective mount;
    mount.unmount = unmount;
    mount.file = cmd->directive ? cmd->directive->filename : "";
    mount.line = cmd->directive ? unsigned(cmd->directive->line_num) : 0u;
    if (second) {
        mount.pattern = first;
        mount.worker = second;
    } else if (cmd->path) {
        // One argument inside <Location path>: that exact path goes to the worker.
        mount.pattern = cmd->path;
        mount.worker = first;
        mount.location = true;
    } else {
        return apr_pstrcat(cmd->pool, cmd->cmd->name,
                           " needs a URI pattern and a worker (the one-argument form is only for <Location>)", nullptr);
    }
    config_of(cmd).mounts.push_back(std::move(mount));
    return nullptr;
}

const char* set_mount(cmd_parms* cmd, void* dir, const char* a, const char* b) { return add_mount(cmd, dir, a, b, false); }
const char* set_unmount(cmd_parms* cmd, void* dir, const char* a, const char* b) { return add_mount(cmd, dir, a, b, true); }

const char* set_mount_file(cmd_parms* cmd, void*, const char* path) {
    const char* resolved = ap_server_root_relative(cmd->pool, path);
    if (!resolved) return apr_pstrcat(cmd->pool, "JkMountFile: invalid path ", path, nullptr);
    config_of(cmd).mount_file = resolved;
    return nullptr;
}

// Whole non-negative seconds (JkMountFileReload, JkWatchdogInterval).
const char* parse_seconds(cmd_parms* cmd, const char* text, std::chrono::seconds& out) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (!*text || *end || value < 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", text, "' is not a number of seconds", nullptr);
    }
    out = std::chrono::seconds(value);
    return nullptr;
}

const char* set_mount_file_reload(cmd_parms* cmd, void*, const char* text) {
    std::chrono::seconds value{};
    if (const char* err = parse_seconds(cmd, text, value)) return err;
    config_of(cmd).mount_file_reload = value;
    return nullptr;
}

const char* set_mount_copy(cmd_parms* cmd, void*, const char* text) {
    auto& cfg = config_of(cmd);
    if (!strcasecmp(text, "on")) cfg.mount_copy = MountCopy::on;
    else if (!strcasecmp(text, "off")) cfg.mount_copy = MountCopy::off;
    else if (!strcasecmp(text, "all")) {
        if (cmd->server->is_virtual) return "JkMountCopy All is only allowed in the main server";
        cfg.mount_copy = MountCopy::all;
    } else {
        return "JkMountCopy takes On, Off or (in the main server) All";
    }
    return nullptr;
}

const char* set_auto_alias(cmd_parms* cmd, void*, const char* path) {
    config_of(cmd).auto_alias = ap_server_root_relative(cmd->pool, path);
    return nullptr;
}

const char* set_log_file(cmd_parms* cmd, void*, const char* target) {
    // A pipe ("|program args") is opened at post_config; a file path is ServerRoot-relative.
    config_of(cmd).log_file = target[0] == '|' ? std::string(target) : std::string(ap_server_root_relative(cmd->pool, target));
    return nullptr;
}

const char* set_log_level(cmd_parms* cmd, void*, const char* text) {
    const auto level = log::parse_level(text);
    if (!level) return apr_pstrcat(cmd->pool, "JkLogLevel: '", text, "' is not one of trace, debug, info, warn, error, emerg", nullptr);
    config_of(cmd).log_level = *level;
    return nullptr;
}

const char* set_stamp_format(cmd_parms* cmd, void*, const char* text) {
    std::string error;
    if (!log::StampFormat::parse(text, error)) return apr_pstrcat(cmd->pool, error.c_str(), nullptr);
    config_of(cmd).stamp_format = text;
    return nullptr;
}

const char* set_request_log_format(cmd_parms* cmd, void*, const char* text) {
    std::string error;
    if (!log::RequestLogFormat::parse(text, error)) return apr_pstrdup(cmd->pool, error.c_str());
    config_of(cmd).request_log_format = text;
    return nullptr;
}

struct OptionName {
    const char* name;
    unsigned flag;                      // 0 for the ForwardURI modes
    std::optional<ForwardUri> forward;  // set for the ForwardURI modes
};
constexpr OptionName option_names[] = {
    {"ForwardURIProxy", 0, ForwardUri::proxy},
    {"ForwardURICompatUnparsed", 0, ForwardUri::compat_unparsed},
    {"ForwardURICompat", 0, ForwardUri::compat},
    {"ForwardURIEscaped", 0, ForwardUri::escaped},
    {"ForwardDirectories", opt_forward_directories, std::nullopt},
    {"ForwardLocalAddress", opt_forward_local_address, std::nullopt},
    {"ForwardPhysicalAddress", opt_forward_physical_address, std::nullopt},
    {"FlushPackets", opt_flush_packets, std::nullopt},
    {"FlushHeader", opt_flush_header, std::nullopt},
    {"DisableReuse", opt_disable_reuse, std::nullopt},
    {"ForwardKeySize", opt_forward_key_size, std::nullopt},
    {"ForwardSSLCertChain", opt_forward_ssl_cert_chain, std::nullopt},
    {"RejectUnsafeURI", opt_reject_unsafe_uri, std::nullopt},
};

const char* add_option(cmd_parms* cmd, void*, const char* word) {
    auto& options = config_of(cmd).options;
    char sign = 0;
    if (*word == '+' || *word == '-') sign = *word++;
    // mod_jk >= 1.2.44 always collapses slashes (servlet normalisation); these are no-ops.
    if (!strcasecmp(word, "CollapseSlashesAll") || !strcasecmp(word, "CollapseSlashesNone") ||
        !strcasecmp(word, "CollapseSlashesUnmount")) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server,
                     "AJPG0002 %s: JkOptions %s has no effect: URIs are always normalised as Tomcat does",
                     where(cmd).c_str(), word);
        return nullptr;
    }
    for (const auto& option : option_names) {
        if (strcasecmp(word, option.name) != 0) continue;
        if (option.forward) {
            if (sign == '-') return apr_pstrcat(cmd->pool, "JkOptions: ", word, " cannot be turned off; choose another ForwardURI option", nullptr);
            options.forward_uri = option.forward;
        } else if (sign == '-') {
            options.cleared |= option.flag;
            options.set &= ~option.flag;
        } else {
            options.set |= option.flag;
            options.cleared &= ~option.flag;
        }
        return nullptr;
    }
    std::string known;
    for (const auto& option : option_names) known += std::string(known.empty() ? "" : ", ") + option.name;
    return apr_pstrcat(cmd->pool, "JkOptions: unknown option '", word, "'; known options: ", known.c_str(), nullptr);
}

const char* add_env_var(cmd_parms* cmd, void*, const char* name, const char* default_value) {
    EnvVarDirective var;
    var.name = name;
    if (default_value) var.default_value = default_value;
    config_of(cmd).env_vars.push_back(std::move(var));
    return nullptr;
}

const char* set_strip_session(cmd_parms* cmd, void*, const char* flag, const char* name) {
    auto& cfg = config_of(cmd);
    if (!strcasecmp(flag, "on")) cfg.strip_session = true;
    else if (!strcasecmp(flag, "off")) cfg.strip_session = false;
    else return "JkStripSession takes On or Off, and optionally a session parameter name";
    cfg.strip_session_name = name ? name : "jsessionid";
    return nullptr;
}

const char* set_extract_ssl(cmd_parms* cmd, void*, int on) {
    config_of(cmd).extract_ssl = on != 0;
    return nullptr;
}

const char* set_indicator(cmd_parms* cmd, void*, const char* value) {
    const auto index = reinterpret_cast<std::uintptr_t>(cmd->info);
    auto& cfg = config_of(cmd);
    cfg.indicators.*indicator_fields[index].member = value;
    cfg.indicators_set |= 1u << index;
    return nullptr;
}

// JkRequestIdAttribute On | Off | name (log/request_id.hpp says which names).
const char* set_request_id_attribute(cmd_parms* cmd, void*, const char* value) {
    auto& cfg = config_of(cmd);
    if (!strcasecmp(value, "on") || !strcasecmp(value, "off")) {
        const bool on = !strcasecmp(value, "on");
        cfg.request_id_attribute = on ? default_request_id_attribute : "";  // "": Off
        return nullptr;
    }
    switch (log::check_request_id_attribute(value)) {
    case log::AttributeName::usable: cfg.request_id_attribute = value; return nullptr;
    case log::AttributeName::reserved:
        return apr_pstrcat(cmd->pool, "JkRequestIdAttribute: ", value, " is an attribute ajpgate already sends", nullptr);
    case log::AttributeName::bad_characters: break;
    }
    return apr_pstrcat(cmd->pool, "JkRequestIdAttribute: '", value,
                       "' is not On, Off or an attribute name of letters, digits, '_', '.' and '-' (at most 64)", nullptr);
}

const char* set_shm_file(cmd_parms* cmd, void*, const char* path) {
    if (const char* err = main_server_only(cmd)) return err;
    config_of(cmd).global.shm_file = ap_server_root_relative(cmd->pool, path);
    return nullptr;
}

const char* set_shm_size(cmd_parms* cmd, void*, const char* text) {
    if (const char* err = main_server_only(cmd)) return err;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (!*text || value < 0 || (*end && strcasecmp(end, "k") != 0)) return "JkShmSize takes a size in kilobytes";
    // Sized automatically since mod_jk 1.2.27; accepted so existing configurations keep working.
    config_of(cmd).global.shm_size = static_cast<std::size_t>(value) * 1024;
    return nullptr;
}

const char* set_strict(cmd_parms* cmd, void*, int on) {
    if (const char* err = main_server_only(cmd)) return err;
    config_of(cmd).global.strictness = on ? config::Strictness::strict : config::Strictness::compatible;
    return nullptr;
}

const char* set_watchdog_interval(cmd_parms* cmd, void*, const char* text) {
    if (const char* err = main_server_only(cmd)) return err;
    return parse_seconds(cmd, text, config_of(cmd).global.watchdog_interval);
}

// JkHungBackendCheck Off | wait-ms [probe-timeout-ms]
const char* set_hung_check(cmd_parms* cmd, void*, const char* wait, const char* probe) {
    if (const char* err = main_server_only(cmd)) return err;
    auto& settings = config_of(cmd).global.hung_check;
    if (!strcasecmp(wait, "off")) {
        if (probe) return "JkHungBackendCheck Off takes no second value";
        settings.after = std::chrono::milliseconds(0);
        return nullptr;
    }
    const auto millis = [&](const char* text, std::chrono::milliseconds& out) -> const char* {
        char* end = nullptr;
        const long value = std::strtol(text, &end, 10);
        if (!*text || *end || value < 1 || value > 3600000) {
            return apr_pstrcat(cmd->pool, "JkHungBackendCheck: '", text,
                               "' is not a number of milliseconds (1..3600000); use Off to disable the check", nullptr);
        }
        out = std::chrono::milliseconds(value);
        return nullptr;
    };
    if (const char* err = millis(wait, settings.after)) return err;
    return probe ? millis(probe, settings.probe_timeout) : nullptr;
}

// httpd's C++ view of a directive function is `const char* (*)()`; going through
// `void (*)()` is the sanctioned way to convert between function pointer types.
template <typename Fn>
cmd_func as_cmd(Fn fn) {
    return reinterpret_cast<cmd_func>(reinterpret_cast<void (*)()>(fn));
}

command_rec rec(const char* name, cmd_func fn, void* info, int allowed, cmd_how how, const char* help) {
    command_rec r{};
    r.name = name;
    r.func = fn;
    r.cmd_data = info;
    r.req_override = allowed;
    r.args_how = how;
    r.errmsg = help;
    return r;
}

std::vector<command_rec> build_directives() {
    std::vector<command_rec> d = {
        rec("JkWorkersFile", as_cmd(set_workers_file), nullptr, RSRC_CONF, TAKE1,
            "the workers.properties file (relative to ServerRoot)"),
        rec("JkWorkerProperty", as_cmd(add_worker_property), nullptr, RSRC_CONF, RAW_ARGS,
            "one workers.properties line, added after JkWorkersFile"),
        rec("JkMount", as_cmd(set_mount), nullptr, RSRC_CONF | ACCESS_CONF, TAKE12,
            "URI pattern and worker (or only the worker, inside <Location>)"),
        rec("JkUnMount", as_cmd(set_unmount), nullptr, RSRC_CONF | ACCESS_CONF, TAKE12,
            "URI pattern and worker excluded from mapping (worker * for all)"),
        rec("JkMountFile", as_cmd(set_mount_file), nullptr, RSRC_CONF, TAKE1,
            "a uriworkermap.properties file"),
        rec("JkMountFileReload", as_cmd(set_mount_file_reload), nullptr, RSRC_CONF, TAKE1,
            "seconds between checks of JkMountFile for changes (0: never)"),
        rec("JkMountCopy", as_cmd(set_mount_copy), nullptr, RSRC_CONF, TAKE1,
            "On: this virtual host also uses the main server's mounts; All (main server): every host does"),
        rec("JkAutoAlias", as_cmd(set_auto_alias), nullptr, RSRC_CONF, TAKE1,
            "Tomcat's webapps directory, served by httpd for unmapped static files"),
        rec("JkLogFile", as_cmd(set_log_file), nullptr, RSRC_CONF, TAKE1,
            "log file, or \"|program args\" for a piped logger such as rotatelogs"),
        rec("JkLogLevel", as_cmd(set_log_level), nullptr, RSRC_CONF, TAKE1,
            "trace, debug, info, warn, error or emerg"),
        rec("JkLogStampFormat", as_cmd(set_stamp_format), nullptr, RSRC_CONF, TAKE1,
            "strftime format of each log line's stamp, plus %Q (ms) or %q (us)"),
        rec("JkRequestLogFormat", as_cmd(set_request_log_format), nullptr, RSRC_CONF, TAKE1,
            "format of the per-request log line"),
        rec("JkOptions", as_cmd(add_option), nullptr, RSRC_CONF, ITERATE,
            "+Option / -Option: ForwardURI*, ForwardDirectories, FlushPackets, DisableReuse, ..."),
        rec("JkEnvVar", as_cmd(add_env_var), nullptr, RSRC_CONF, TAKE12,
            "environment variable forwarded to the backend as a request attribute, and its default"),
        rec("JkStripSession", as_cmd(set_strip_session), nullptr, RSRC_CONF, TAKE12,
            "On: remove ;jsessionid from URIs httpd serves itself"),
        rec("JkExtractSSL", as_cmd(set_extract_ssl), nullptr, RSRC_CONF, FLAG,
            "forward mod_ssl's client certificate, cipher and session (default On)"),
        rec("JkRequestIdAttribute", as_cmd(set_request_id_attribute), nullptr, RSRC_CONF, TAKE1,
            "On, Off (default) or a name: the AJP request attribute carrying the request's id to the backend "
            "(On: JK_REQUEST_ID; Tomcat's allowedRequestAttributesPattern must match it)"),
        rec("JkShmFile", as_cmd(set_shm_file), nullptr, RSRC_CONF, TAKE1,
            "file backing the shared memory of the load balancers"),
        rec("JkShmSize", as_cmd(set_shm_size), nullptr, RSRC_CONF, TAKE1,
            "size of the shared memory in kilobytes (sized automatically when absent)"),
        rec("JkWatchdogInterval", as_cmd(set_watchdog_interval), nullptr, RSRC_CONF, TAKE1,
            "seconds between background maintenance runs (0: maintenance runs on requests)"),
        rec("JkHungBackendCheck", as_cmd(set_hung_check), nullptr, RSRC_CONF, TAKE12,
            "Off, or milliseconds a request waits for its first packet before the member is checked for a hang, "
            "and the CPONG wait of that check (default 2000 2000)"),
        rec("JkStrict", as_cmd(set_strict), nullptr, RSRC_CONF, FLAG,
            "On: refuse to start on what mod_jk silently accepts (every compatibility warning)"),
    };
    for (std::size_t i = 0; i < indicator_fields.size(); ++i) {
        d.push_back(rec(indicator_fields[i].directive, as_cmd(set_indicator),
                        reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)), RSRC_CONF, TAKE1,
                        "name of the environment variable carrying this value"));
    }
    d.push_back(command_rec{});  // httpd's end marker
    return d;
}

}  // namespace

// Built once when the module is loaded; httpd keeps a pointer to the array.
const std::vector<command_rec>& directive_table() {
    static const std::vector<command_rec> table = build_directives();
    return table;
}

}  // namespace ajpgate::httpd
