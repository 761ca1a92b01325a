// httpd's side as jkcheck needs it: the Jk directives and the MPM limits, read from an httpd
// configuration file the way httpd reads it (Include and IncludeOptional followed, with
// wildcards, relative to ServerRoot; <IfModule> judged by the modules loaded so far;
// <IfDefine NAME> by the given -D names). Other directives are skipped unread.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "check/tomcat_model.hpp"

namespace ajpgate::check {

struct ConfValue {
    std::string value;
    Location where;
};

struct HttpdConf {
    std::string main_file;
    std::string server_root;
    std::optional<ConfValue> workers_file;          // JkWorkersFile, made absolute
    std::vector<ConfValue> worker_properties;       // JkWorkerProperty lines
    std::vector<ConfValue> env_vars;                // JkEnvVar names
    std::vector<ConfValue> mounts;                  // JkMount patterns (not JkUnMount)
    std::string mpm;                                // "event", "worker", "prefork" or "" (none loaded)
    std::optional<ConfValue> max_request_workers;   // MaxRequestWorkers (or MaxClients)
    std::optional<ConfValue> threads_per_child;
    std::optional<ConfValue> server_limit;
    std::vector<std::string> files;                 // every file read, in order
    std::vector<ReadNote> notes;                    // an Include that matched nothing, ...
};

struct HttpdReadResult {
    std::optional<HttpdConf> conf;
    std::string error;  // the main file cannot be read, or includes loop
};

HttpdReadResult read_httpd_conf(const std::string& path, const std::set<std::string>& defines = {});

// What the MPM allows, with httpd's compiled-in defaults where the configuration is silent
// (event and worker: ServerLimit 16, ThreadsPerChild 25, MaxRequestWorkers ServerLimit x
// ThreadsPerChild; prefork: one thread, MaxRequestWorkers 256). `assumed` lists what came
// from a default, to print as an assumption.
struct MpmLimits {
    int max_request_workers = 0;  // requests at once, all children
    int threads_per_child = 0;    // the default pool size of every member
    int max_children = 0;         // processes that may run at once
    Location where;               // MaxRequestWorkers' line, or the conf file
    std::vector<std::string> assumed;
};

MpmLimits mpm_limits(const HttpdConf& conf);

}  // namespace ajpgate::check
