// Creating and merging the per-server configuration (httpd's create/merge callbacks).
#include "modules/module_config.hpp"

#include "modules/httpd.hpp"
#include "modules/pool_object.hpp"

namespace ajpgate::httpd {

namespace {

template <typename T>
std::optional<T> inherit(const std::optional<T>& own, const std::optional<T>& base) {
    return own ? own : base;
}

Indicators merge_indicators(const ServerConfig& base, const ServerConfig& add) {
    Indicators out = base.indicators;
    for (std::size_t i = 0; i < indicator_fields.size(); ++i) {
        if (add.indicators_set & (1u << i)) out.*indicator_fields[i].member = add.indicators.*indicator_fields[i].member;
    }
    return out;
}

}  // namespace

void* create_server_config(apr_pool_t* pool, server_rec*) { return make_in_pool<ServerConfig>(pool); }

// A virtual host inherits what it does not set itself; mounts only with JkMountCopy
// (On in the host, or All in the main server), as mod_jk does.
void* merge_server_config(apr_pool_t* pool, void* base_conf, void* add_conf) {
    const auto& base = *static_cast<ServerConfig*>(base_conf);
    const auto& add = *static_cast<ServerConfig*>(add_conf);
    auto* merged = make_in_pool<ServerConfig>(pool);
    merged->mount_copy = add.mount_copy != MountCopy::unset ? add.mount_copy : MountCopy::unset;
    const bool copy = add.mount_copy == MountCopy::on || base.mount_copy == MountCopy::all;
    merged->mounts = add.mounts;
    if (copy) merged->copied_mounts = &base.mounts;  // the main server's config lives as long
    merged->mount_file = add.mount_file ? add.mount_file : (copy ? base.mount_file : std::nullopt);
    merged->auto_alias = add.auto_alias ? add.auto_alias : (copy ? base.auto_alias : std::nullopt);
    merged->mount_file_reload = inherit(add.mount_file_reload, base.mount_file_reload);
    merged->request_log_format = inherit(add.request_log_format, base.request_log_format);
    merged->options = add.options.over(base.options);
    merged->env_vars = base.env_vars;
    merged->env_vars.insert(merged->env_vars.end(), add.env_vars.begin(), add.env_vars.end());
    merged->strip_session = inherit(add.strip_session, base.strip_session);
    merged->strip_session_name = add.strip_session ? add.strip_session_name : base.strip_session_name;
    merged->extract_ssl = inherit(add.extract_ssl, base.extract_ssl);
    merged->indicators = merge_indicators(base, add);
    merged->indicators_set = base.indicators_set | add.indicators_set;
    merged->request_id_attribute = inherit(add.request_id_attribute, base.request_id_attribute);
    merged->log_file = inherit(add.log_file, base.log_file);
    merged->log_level = inherit(add.log_level, base.log_level);
    merged->stamp_format = inherit(add.stamp_format, base.stamp_format);
    return merged;
}

ServerConfig& server_config(const server_rec* server) {
    return *static_cast<ServerConfig*>(ap_get_module_config(server->module_config, &jk_module));
}

}  // namespace ajpgate::httpd
