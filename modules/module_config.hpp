// What the Jk* directives leave behind: per-server (virtual host) settings, the process-wide
// settings only the main server may carry, and per-directory <Location> mounts. Plain C++
// values placed in httpd's configuration pools (see pool_object.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancer/hung_check.hpp"
#include "config/uri_map.hpp"
#include "config/worker_model.hpp"
#include "log/log.hpp"
#include "log/request_log_format.hpp"

namespace ajpgate::log {
class RequestIdGenerator;  // log/request_id.hpp
}

namespace ajpgate::httpd {

// JkOptions ForwardURI* modes: how the URI is forwarded (mutually exclusive).
enum class ForwardUri : std::uint8_t {
    proxy,            // default: the normalised path, re-encoded as a proxy would
    compat_unparsed,  // the request line's path, untouched
    compat,           // the decoded path (unsafe with prefix mounts; mod_jk < 1.2.23)
    escaped,          // the decoded path, escaped again
};

// JkOptions flags other than the ForwardURI modes.
enum OptionFlag : unsigned {
    opt_forward_directories = 1u << 0,
    opt_forward_local_address = 1u << 1,
    opt_forward_physical_address = 1u << 2,
    opt_flush_packets = 1u << 3,
    opt_flush_header = 1u << 4,
    opt_disable_reuse = 1u << 5,
    opt_forward_key_size = 1u << 6,
    opt_forward_ssl_cert_chain = 1u << 7,
    opt_reject_unsafe_uri = 1u << 8,
};

// `JkOptions +A -B C`: what a server turns on and off relative to what it inherits.
struct JkOptions {
    unsigned set = 0;
    unsigned cleared = 0;
    std::optional<ForwardUri> forward_uri;

    // mod_jk's default: ForwardURIProxy and +ForwardKeySize.
    static JkOptions defaults() {
        JkOptions o;
        o.set = opt_forward_key_size;
        o.forward_uri = ForwardUri::proxy;
        return o;
    }
    // This server's options on top of the inherited ones.
    JkOptions over(const JkOptions& base) const {
        JkOptions o;
        o.set = (base.set & ~cleared) | set;
        o.cleared = 0;
        o.forward_uri = forward_uri ? forward_uri : base.forward_uri;
        return o;
    }
    bool has(OptionFlag flag) const noexcept { return (set & flag) != 0; }
};

enum class MountCopy : std::uint8_t { unset, off, on, all };

struct MountDirective {
    std::string pattern;
    std::string worker;  // may carry ;ext=value
    std::string file;
    unsigned line = 0;
    bool unmount = false;
    bool location = false;  // one-argument form inside <Location>
};

struct EnvVarDirective {
    std::string name;
    std::optional<std::string> default_value;  // JkEnvVar name default
};

// The names of the environment variables mod_ssl and other modules fill in (JkXxxIndicator).
struct Indicators {
    std::string https = "HTTPS";
    std::string ssl_protocol = "SSL_PROTOCOL";
    std::string certs = "SSL_CLIENT_CERT";
    std::string cipher = "SSL_CIPHER";
    std::string cert_chain_prefix = "SSL_CLIENT_CERT_CHAIN_";
    std::string session = "SSL_SESSION_ID";
    std::string key_size = "SSL_CIPHER_USEKEYSIZE";
    std::string worker = "JK_WORKER_NAME";
    std::string remote_addr = "JK_REMOTE_ADDR";
    std::string remote_port = "JK_REMOTE_PORT";
    std::string remote_host = "JK_REMOTE_HOST";
    std::string remote_user = "JK_REMOTE_USER";
    std::string auth_type = "JK_AUTH_TYPE";
    std::string local_name = "JK_LOCAL_NAME";
    std::string local_addr = "JK_LOCAL_ADDR";
    std::string local_port = "JK_LOCAL_PORT";
    std::string ignore_cl = "JK_IGNORE_CL";
    std::string request_id = "UNIQUE_ID";
};

// Settings that exist once per httpd (only valid in the main server's context).
struct GlobalConfig {
    std::optional<std::string> workers_file;
    std::string workers_file_directive;  // "httpd.conf:12" for messages
    struct PropertyLine {
        std::string text;
        std::string file;
        unsigned line = 0;
    };
    std::vector<PropertyLine> worker_properties;
    std::optional<std::string> shm_file;
    std::optional<std::size_t> shm_size;
    std::chrono::seconds watchdog_interval{0};
    balancer::HungCheckSettings hung_check;  // JkHungBackendCheck
    config::Strictness strictness = config::Strictness::compatible;  // JkStrict

    // ---- built at check_config / child_init ----
    std::shared_ptr<const config::WorkersConfig> workers;
    // workers.properties as read (key=value in order, secrets left out), for the status
    // worker's cmd=dump.
    std::vector<std::pair<std::string, std::string>> properties_dump;
    std::shared_ptr<class ChildRuntime> runtime;  // per child process
    std::shared_ptr<class LbShared> lb_shared;    // created by the parent at post_config
    std::shared_ptr<log::RequestIdGenerator> request_ids;  // per child, seeded at child_init
};

class LogTarget;  // jk_log_file.hpp

struct ServerConfig {
    // ---- as written in httpd.conf (per server, merged into virtual hosts) ----
    std::vector<MountDirective> mounts;
    // JkMountCopy: the main server's mounts, used after the host's own. A pointer, not a copy:
    // 500 hosts copying 10,000 mounts each took 27 s and 3.4 GB (issue 15).
    const std::vector<MountDirective>* copied_mounts = nullptr;
    MountCopy mount_copy = MountCopy::unset;
    std::optional<std::string> mount_file;
    std::optional<std::chrono::seconds> mount_file_reload;
    std::optional<std::string> auto_alias;
    std::optional<std::string> request_log_format;
    JkOptions options;
    std::vector<EnvVarDirective> env_vars;
    std::optional<bool> strip_session;
    std::string strip_session_name;
    std::optional<bool> extract_ssl;
    Indicators indicators;
    unsigned indicators_set = 0;  // bit i: indicator i was set here (not inherited)
    std::optional<std::string> request_id_attribute;  // JkRequestIdAttribute; "" is Off
    std::optional<std::string> log_file;
    std::optional<log::Level> log_level;
    std::optional<std::string> stamp_format;
    // Only the main server's copy is used (the directives refuse to go into a virtual host).
    GlobalConfig global;

    // ---- built at post_config ----
    JkOptions effective_options = JkOptions::defaults();
    std::shared_ptr<class UriMapHolder> uri_maps;
    std::optional<log::RequestLogFormat> request_log;
    std::shared_ptr<LogTarget> log;
};

// Per-directory: nothing yet beyond what the server carries (<Location> mounts are turned
// into exact server mounts when the directive is read).
struct DirConfig {};

}  // namespace ajpgate::httpd
