#include "check/httpd_conf.hpp"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

namespace ajpgate::check {
namespace {

constexpr int kMaxIncludeDepth = 32;  // httpd stops at nested includes far deeper than any real one

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// httpd's argument splitting: words, "double" or 'single' quoted strings, backslash escapes
// inside quotes.
std::vector<std::string> split_args(const std::string& line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        if (i >= line.size()) break;
        std::string word;
        if (line[i] == '"' || line[i] == '\'') {
            const char quote = line[i++];
            while (i < line.size() && line[i] != quote) {
                if (line[i] == '\\' && i + 1 < line.size()) ++i;
                word.push_back(line[i++]);
            }
            ++i;
        } else {
            while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) word.push_back(line[i++]);
        }
        out.push_back(std::move(word));
    }
    return out;
}

bool is_absolute(const std::string& p) { return !p.empty() && p[0] == '/'; }

std::string dir_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash == 0 ? 1 : slash);
}

class Reader {
public:
    Reader(HttpdConf& conf, const std::set<std::string>& defines) : conf_(conf), defines_(defines) {}

    bool read_file(const std::string& path, int depth, std::string& error) {
        if (depth > kMaxIncludeDepth) {
            error = "includes nested more than " + std::to_string(kMaxIncludeDepth) + " deep at " + path +
                    " (an Include loop?)";
            return false;
        }
        std::ifstream in(path);
        if (!in) {
            error = "cannot read " + path;
            return false;
        }
        conf_.files.push_back(path);
        std::string line;
        std::string logical;
        std::size_t line_no = 0;
        std::size_t first_line = 0;
        while (std::getline(in, line)) {
            ++line_no;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (logical.empty()) first_line = line_no;
            if (!line.empty() && line.back() == '\\') {  // continued on the next line
                logical += line.substr(0, line.size() - 1);
                continue;
            }
            logical += line;
            if (!directive(logical, {path, first_line, 0}, depth, error)) return false;
            logical.clear();
        }
        return logical.empty() || directive(logical, {path, first_line, 0}, depth, error);
    }

private:
    bool directive(const std::string& text, const Location& where, int depth, std::string& error) {
        auto args = split_args(text);
        if (args.empty() || args[0][0] == '#') return true;
        const std::string name = lower(args[0]);
        if (name[0] == '<') return section(name, args, where);
        if (skipping()) return true;
        const std::string first = args.size() > 1 ? args[1] : std::string();
        if (name == "serverroot") {
            conf_.server_root = first;
        } else if (name == "loadmodule" && !first.empty()) {
            loaded_.insert(lower(first));
            if (args.size() > 2) loaded_.insert(lower(module_file(args[2])));
            for (const char* mpm : {"event", "worker", "prefork"}) {
                if (lower(first) == std::string("mpm_") + mpm + "_module") conf_.mpm = mpm;
            }
        } else if ((name == "include" || name == "includeoptional") && !first.empty()) {
            return include(first, name == "includeoptional", where, depth, error);
        } else if (name == "jkworkersfile" && !first.empty()) {
            conf_.workers_file = ConfValue{absolute(first), where};
        } else if (name == "jkworkerproperty" && !first.empty()) {
            conf_.worker_properties.push_back({text.substr(text.find_first_not_of(" \t")).substr(args[0].size()), where});
            auto& value = conf_.worker_properties.back().value;
            value.erase(0, value.find_first_not_of(" \t"));
        } else if (name == "jkmount" && !first.empty()) {
            conf_.mounts.push_back({first, where});
        } else if (name == "jkenvvar" && !first.empty()) {
            conf_.env_vars.push_back({first, where});
        } else if (name == "maxrequestworkers" || name == "maxclients") {
            conf_.max_request_workers = ConfValue{first, where};
        } else if (name == "threadsperchild") {
            conf_.threads_per_child = ConfValue{first, where};
        } else if (name == "serverlimit") {
            conf_.server_limit = ConfValue{first, where};
        }
        return true;
    }

    // mod_foo.so -> foo_module and mod_foo.c, the other names <IfModule> accepts.
    static std::string module_file(const std::string& path) {
        std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
        if (base.size() > 3 && base.substr(base.size() - 3) == ".so") base.resize(base.size() - 3);
        return base + ".c";
    }

    bool section(const std::string& name, const std::vector<std::string>& args, const Location&) {
        if (name[1] == '/') {
            if (!open_.empty()) open_.pop_back();
            return true;
        }
        std::string arg = args.size() > 1 ? args[1] : std::string();
        if (!arg.empty() && arg.back() == '>') arg.pop_back();
        bool active = true;
        const bool negate = !arg.empty() && arg[0] == '!';
        if (negate) arg.erase(0, 1);
        if (name == "<ifmodule") {
            active = loaded_.count(lower(arg)) > 0;
        } else if (name == "<ifdefine") {
            active = defines_.count(arg) > 0;
        } else {
            open_.push_back(true);  // <VirtualHost>, <Directory>...: their Jk lines count
            return true;
        }
        open_.push_back(negate ? !active : active);
        return true;
    }

    bool skipping() const { return std::find(open_.begin(), open_.end(), false) != open_.end(); }

    std::string absolute(const std::string& p) const {
        if (is_absolute(p)) return p;
        return (conf_.server_root.empty() ? dir_of(conf_.main_file) : conf_.server_root) + "/" + p;
    }

    bool include(const std::string& pattern, bool optional, const Location& where, int depth, std::string& error) {
        const std::string full = absolute(pattern);
        glob_t matches{};
        const int rc = glob(full.c_str(), 0, nullptr, &matches);
        std::vector<std::string> files;
        if (rc == 0) files.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
        globfree(&matches);
        if (files.empty() && !optional && full.find_first_of("*?[") == std::string::npos) {
            conf_.notes.push_back({where, "Include " + full + " matches no file (httpd refuses to start)"});
        }
        for (const std::string& file : files) {
            if (!read_file(file, depth + 1, error)) return false;
        }
        return true;
    }

    HttpdConf& conf_;
    const std::set<std::string>& defines_;
    std::set<std::string> loaded_;
    std::vector<bool> open_;
};

std::optional<int> as_int(const std::optional<ConfValue>& v) {
    if (!v) return std::nullopt;
    int out = 0;
    const auto [end, ec] = std::from_chars(v->value.data(), v->value.data() + v->value.size(), out);
    if (ec != std::errc() || end != v->value.data() + v->value.size() || out <= 0) return std::nullopt;
    return out;
}

}  // namespace

HttpdReadResult read_httpd_conf(const std::string& path, const std::set<std::string>& defines) {
    HttpdReadResult result;
    HttpdConf conf;
    conf.main_file = path;
    Reader reader(conf, defines);
    if (!reader.read_file(path, 0, result.error)) return result;
    result.conf = std::move(conf);
    return result;
}

MpmLimits mpm_limits(const HttpdConf& conf) {
    MpmLimits out;
    out.where = conf.max_request_workers ? conf.max_request_workers->where : Location{conf.main_file, 0, 0};
    const auto given_max = as_int(conf.max_request_workers);
    if (conf.mpm == "prefork") {
        out.threads_per_child = 1;
        out.max_request_workers = given_max.value_or(256);
        if (!given_max) out.assumed.push_back("MaxRequestWorkers 256 (prefork's default)");
        out.max_children = out.max_request_workers;
        return out;
    }
    if (conf.mpm.empty()) out.assumed.push_back("the event MPM (no mpm_*_module loaded in the files read)");
    const auto threads = as_int(conf.threads_per_child);
    const auto limit = as_int(conf.server_limit);
    out.threads_per_child = threads.value_or(25);
    if (!threads) out.assumed.push_back("ThreadsPerChild 25 (httpd's default)");
    const int server_limit = limit.value_or(16);
    if (!limit) out.assumed.push_back("ServerLimit 16 (httpd's default)");
    out.max_request_workers = given_max.value_or(server_limit * out.threads_per_child);
    if (!given_max) {
        out.assumed.push_back("MaxRequestWorkers " + std::to_string(out.max_request_workers) +
                              " (ServerLimit x ThreadsPerChild)");
    }
    out.max_children = std::min(server_limit, (out.max_request_workers + out.threads_per_child - 1) /
                                                  out.threads_per_child);
    return out;
}

}  // namespace ajpgate::check
