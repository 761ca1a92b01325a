#include "config/worker_model.hpp"

#include <algorithm>
#include <utility>

namespace ajpgate::config {

namespace {

template <class Worker>
std::optional<std::size_t> index_by_name(const std::vector<Worker>& workers,
                                         std::string_view name) {
    const auto it = std::find_if(workers.begin(), workers.end(),
                                 [&](const Worker& w) { return w.name == name; });
    if (it == workers.end()) return std::nullopt;
    return static_cast<std::size_t>(it - workers.begin());
}

}  // namespace

WorkersConfig::WorkersConfig(std::vector<Ajp13Worker> ajp13, std::vector<LbWorker> lb,
                             std::vector<StatusWorker> status, std::vector<std::string> mapped,
                             std::chrono::seconds maintain, std::vector<WorkerMount> mounts)
    : ajp13_(std::move(ajp13)),
      lb_(std::move(lb)),
      status_(std::move(status)),
      mapped_(std::move(mapped)),
      maintain_(maintain),
      mounts_(std::move(mounts)) {}

std::optional<WorkerRef> WorkersConfig::find(std::string_view name) const {
    if (auto i = index_by_name(ajp13_, name)) return WorkerRef{WorkerType::ajp13, *i};
    if (auto i = index_by_name(lb_, name)) return WorkerRef{WorkerType::lb, *i};
    if (auto i = index_by_name(status_, name)) return WorkerRef{WorkerType::status, *i};
    return std::nullopt;
}

std::optional<WorkerRef> WorkersConfig::find_mapped(std::string_view name) const {
    return is_mapped(name) ? find(name) : std::nullopt;
}

const Ajp13Worker* WorkersConfig::find_ajp13(std::string_view name) const {
    const auto i = index_by_name(ajp13_, name);
    return i ? &ajp13_[*i] : nullptr;
}

const LbWorker* WorkersConfig::find_lb(std::string_view name) const {
    const auto i = index_by_name(lb_, name);
    return i ? &lb_[*i] : nullptr;
}

const StatusWorker* WorkersConfig::find_status(std::string_view name) const {
    const auto i = index_by_name(status_, name);
    return i ? &status_[*i] : nullptr;
}

bool WorkersConfig::is_mapped(std::string_view name) const {
    return std::find(mapped_.begin(), mapped_.end(), name) != mapped_.end();
}

}  // namespace ajpgate::config
