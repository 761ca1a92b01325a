#include "modules/jk_log_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <pthread.h>

#include <apr_strings.h>
#include <http_log.h>
#include <http_main.h>

namespace ajpgate::httpd {

namespace {

bool is_executable(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::istringstream in(dirs);
    for (std::string dir; std::getline(in, dir, ':');) {
        if (dir.empty()) continue;
        std::string candidate = dir + "/" + name;
        if (is_executable(candidate)) return candidate;
    }
    return {};
}

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

int httpd_level(log::Level level) {
    switch (level) {
    case log::Level::trace: return APLOG_TRACE1;
    case log::Level::debug: return APLOG_DEBUG;
    case log::Level::info: return APLOG_INFO;
    case log::Level::warn: return APLOG_WARNING;
    case log::Level::error: return APLOG_ERR;
    case log::Level::emerg: return APLOG_EMERG;
    }
    return APLOG_ERR;
}

}  // namespace

std::string piped_log_command(const std::string& target, const std::string& server_root, std::string& error,
                              std::string& note) {
    std::string command = target.substr(target.find_first_not_of("| \t"));
    const std::size_t end = command.find_first_of(" \t");
    std::string program = command.substr(0, end);
    const std::string args = end == std::string::npos ? "" : command.substr(end);
    if (program.empty()) {
        error = "JkLogFile: the pipe names no program";
        return {};
    }
    std::string resolved;
    if (program[0] == '/') {
        resolved = program;
    } else if (program.find('/') != std::string::npos && is_executable(server_root + "/" + program)) {
        resolved = server_root + "/" + program;
    } else {
        std::string base = program.substr(program.rfind('/') + 1);
        if (base.size() > 4 && base.compare(base.size() - 4, 4, ".exe") == 0) base.resize(base.size() - 4);
        resolved = find_on_path(base);
        if (!resolved.empty() && base != program) {
            note = "JkLogFile: '" + program + "' is not under ServerRoot " + server_root + "; using " + resolved;
        }
    }
    if (resolved.empty() || !is_executable(resolved)) {
        error = "JkLogFile: cannot find the log program '" + program + "' (looked under ServerRoot " + server_root +
                " and on PATH)";
        return {};
    }
    // Relative paths in the arguments (rotatelogs' "logs/mod_jk.log") mean ServerRoot, as
    // they would for httpd's own ErrorLog.
    return "cd " + shell_quote(server_root) + " && exec " + shell_quote(resolved) + args;
}

std::shared_ptr<LogTarget> LogTarget::open(apr_pool_t* pool, server_rec* server, const ServerConfig& config,
                                           std::string& error) {
    std::string stamp_error;
    auto stamp = log::StampFormat::parse(config.stamp_format.value_or(std::string(log::default_stamp_format)),
                                         stamp_error);
    if (!stamp) {
        error = stamp_error;
        return nullptr;
    }
    const log::Level threshold = config.log_level.value_or(log::Level::info);
    apr_file_t* file = nullptr;
    if (config.log_file && !config.log_file->empty() && (*config.log_file)[0] == '|') {
        std::string note;
        const std::string command = piped_log_command(*config.log_file, ap_server_root, error, note);
        if (command.empty()) return nullptr;
        if (!note.empty()) ap_log_error(APLOG_MARK, APLOG_WARNING, 0, server, "AJPG0003 %s", note.c_str());
        piped_log* pipe = ap_open_piped_log_ex(pool, apr_pstrdup(pool, command.c_str()), APR_SHELLCMD_ENV);
        if (!pipe) {
            error = "JkLogFile: could not start the piped logger: " + command;
            return nullptr;
        }
        file = ap_piped_log_write_fd(pipe);
    } else if (config.log_file) {
        const apr_status_t rv = apr_file_open(&file, config.log_file->c_str(),
                                              APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_APPEND,
                                              APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, pool);
        if (rv != APR_SUCCESS) {
            char reason[128];
            error = "JkLogFile: cannot open " + *config.log_file + ": " + apr_strerror(rv, reason, sizeof reason);
            return nullptr;
        }
    }
    return std::shared_ptr<LogTarget>(new LogTarget(server, file, std::move(*stamp), threshold));
}

void LogTarget::write(log::Level level, log::Code code, std::string_view request_id, std::string_view message) {
    if (!file_) {
        const std::string id = request_id.empty() ? std::string() : "[" + std::string(request_id) + "] ";
        ap_log_error(APLOG_MARK, httpd_level(level) | APLOG_NOERRNO, 0, server_, "%s%.*s %.*s", id.c_str(),
                     static_cast<int>(code.id.size()), code.id.data(), static_cast<int>(message.size()),
                     message.data());
        return;
    }
    std::string line = stamp_.format(std::chrono::system_clock::now());
    char ids[64];
    std::snprintf(ids, sizeof ids, "[%ld:%lu] [", static_cast<long>(::getpid()),
                  static_cast<unsigned long>(::pthread_self()));
    line += ids;
    line += log::level_name(level);
    line += "] ";
    if (!request_id.empty()) {
        line += '[';
        line += request_id;
        line += "] ";
    }
    line += code.id;
    line += ' ';
    line += message;
    line += '\n';
    // One write per line: with O_APPEND (file) or a pipe (<= PIPE_BUF) lines never interleave.
    apr_size_t written = 0;
    apr_file_write_full(file_, line.data(), line.size(), &written);
}

}  // namespace ajpgate::httpd
