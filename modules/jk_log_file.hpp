// JkLogFile / JkLogLevel / JkLogStampFormat: where the module's messages go. A log file, a
// piped logger (rotatelogs) started with httpd's piped-log facility, or, without JkLogFile,
// httpd's own error log. Lines keep mod_jk's layout so existing log tooling keeps working:
//   <stamp>[pid:tid] [level] AJPGnnnn message
// and a line about a request carries the request's id (request_id.hpp) after the level:
//   <stamp>[pid:tid] [level] [id] AJPGnnnn message
#pragma once

#include <string>

#include <apr_file_io.h>

#include "log/log.hpp"
#include "log/stamp_format.hpp"
#include "modules/httpd.hpp"

namespace ajpgate::httpd {

class LogTarget final : public log::Sink {
public:
    // Opens the target of `config` for `server`. On failure returns nullptr and sets `error`.
    static std::shared_ptr<LogTarget> open(apr_pool_t* pool, server_rec* server, const ServerConfig& config,
                                           std::string& error);

    void write(log::Level level, log::Code code, std::string_view request_id, std::string_view message) override;
    log::Logger logger() { return log::Logger(this, threshold_); }
    log::Level threshold() const noexcept { return threshold_; }

private:
    LogTarget(server_rec* server, apr_file_t* file, log::StampFormat stamp, log::Level threshold)
        : server_(server), file_(file), stamp_(std::move(stamp)), threshold_(threshold) {}

    server_rec* server_;
    apr_file_t* file_;  // nullptr: httpd's error log
    log::StampFormat stamp_;
    log::Level threshold_;
};

// The logger of a server: its JkLogFile (or httpd's error log), silent before post_config.
inline log::Logger logger_for(const ServerConfig& cfg) { return cfg.log ? cfg.log->logger() : log::Logger(); }

// "|bin/rotatelogs -l logs/x.log 86400" -> a shell command that runs the logger from
// ServerRoot. A relative program is looked up under ServerRoot, then (basename, without a
// Windows ".exe") on PATH, so a configuration written for another platform still works.
// Empty result with `error` set when the program cannot be found.
std::string piped_log_command(const std::string& target, const std::string& server_root, std::string& error,
                              std::string& note);

}  // namespace ajpgate::httpd
