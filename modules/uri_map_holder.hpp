// The URI map of one server as requests see it. Without JkMountFile it never changes and is
// read without a lock. With JkMountFile and JkMountFileReload > 0, the file's modification
// time is checked at most once per reload interval (lazily, on a request, as mod_jk does);
// a changed file is re-read and swapped in; a broken one is reported and the old map kept
// (broken: with errors, or under JkStrict On with compatibility warnings).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/uri_map.hpp"
#include "config/worker_model.hpp"
#include "log/log.hpp"

namespace ajpgate::httpd {

class UriMapHolder {
public:
    UriMapHolder(std::shared_ptr<const config::UriMap> map, std::shared_ptr<const config::WorkersConfig> workers,
                 std::optional<std::string> mount_file, std::chrono::seconds reload_interval,
                 config::Strictness strictness);

    std::shared_ptr<const config::UriMap> current(const log::Logger& logger);

private:
    void reload_if_changed(const log::Logger& logger);

    const std::shared_ptr<const config::WorkersConfig> workers_;
    const std::optional<std::string> mount_file_;
    const std::chrono::seconds reload_interval_;
    const config::Strictness strictness_;  // JkStrict: a reloaded file is judged as at start-up
    const bool reloads_;
    std::mutex mutex_;
    std::shared_ptr<const config::UriMap> map_;
    std::chrono::steady_clock::time_point next_check_;
    std::optional<std::chrono::nanoseconds> file_stamp_;  // mtime seen last; nullopt: unreadable
};

}  // namespace ajpgate::httpd
