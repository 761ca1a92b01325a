#include "modules/uri_map_holder.hpp"

#include <sys/stat.h>

#include "config/mount_checks.hpp"
#include "config/uri_sources.hpp"
#include "modules/messages.hpp"

namespace ajpgate::httpd {

namespace {

std::optional<std::chrono::nanoseconds> modification_time(const std::string& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec);
}

}  // namespace

UriMapHolder::UriMapHolder(std::shared_ptr<const config::UriMap> map,
                           std::shared_ptr<const config::WorkersConfig> workers,
                           std::optional<std::string> mount_file, std::chrono::seconds reload_interval,
                           config::Strictness strictness)
    : workers_(std::move(workers)),
      mount_file_(std::move(mount_file)),
      reload_interval_(reload_interval),
      strictness_(strictness),
      reloads_(mount_file_ && reload_interval.count() > 0),
      map_(std::move(map)),
      next_check_(std::chrono::steady_clock::now() + reload_interval) {
    if (mount_file_) file_stamp_ = modification_time(*mount_file_);
}

std::shared_ptr<const config::UriMap> UriMapHolder::current(const log::Logger& logger) {
    if (!reloads_) return map_;  // immutable after start-up: no lock
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_check_) {
        next_check_ = now + reload_interval_;
        reload_if_changed(logger);
    }
    return map_;
}

void UriMapHolder::reload_if_changed(const log::Logger& logger) {
    const auto stamp = modification_time(*mount_file_);
    if (!stamp || stamp == file_stamp_) return;
    config::Diagnostics diags(strictness_);
    auto rules = config::read_uriworkermap_file(*mount_file_, diags);
    std::shared_ptr<const config::UriMap> fresh;
    if (rules) {
        fresh = std::make_shared<const config::UriMap>(map_->with_file_rules(std::move(*rules), diags));
        config::check_map_workers(*fresh, *workers_, diags);
    }
    for (const auto& d : diags.all()) {
        logger.log(d.severity == config::Severity::error ? log::Level::error : log::Level::warn,
                   d.severity == config::Severity::error ? msg::config_error : msg::config_warning, d.to_string());
    }
    file_stamp_ = stamp;
    if (!fresh || diags.has_errors()) {
        logger.log(log::Level::error, msg::mount_file_reloaded,
                   "JkMountFile " + *mount_file_ + " changed but has errors: keeping the previous mappings");
        return;
    }
    map_ = std::move(fresh);
    logger.log(log::Level::info, msg::mount_file_reloaded,
               "JkMountFile " + *mount_file_ + " re-read: " + std::to_string(map_->file_rules().size()) + " rules");
}

}  // namespace ajpgate::httpd
