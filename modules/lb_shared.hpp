// The workers' runtime state in APR shared memory, created by the parent at start-up and
// inherited by every child: each lb's members (lib/balancer/lb_state.hpp), so a member one
// child finds dead is avoided by all of them, and every ajp13 worker's counters and editable
// settings (lib/balancer/ajp_state.hpp), so the status worker shows and changes the same
// figures whichever child serves it. The memory holds plain data only; each process keeps its
// own views (pointers) into it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <apr_shm.h>

#include "balancer/action_log.hpp"
#include "balancer/ajp_state.hpp"
#include "balancer/history.hpp"
#include "balancer/lb_state.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::httpd {


class LbShared {
public:
    // nullptr with `error` set when the memory cannot be had. Without `file` the memory is
    // anonymous; with one (JkShmFile) it is a file created afresh with mode 0600, owned by
    // httpd's run user, never through a symbolic link (CVE-2024-46544 is about that file).
    // The memory lives as long as `pool` (httpd's configuration pool).
    static std::shared_ptr<LbShared> create(apr_pool_t* pool, const config::WorkersConfig& workers,
                                            const std::optional<std::string>& file, std::string& error);

    // The state of lb worker `index` (config order).
    const balancer::LbStateView& view(std::size_t index) const { return views_[index]; }
    // The state of ajp13 worker `index` (config order).
    balancer::AjpSlot& ajp(std::size_t index) const { return ajp_.slot(index); }
    // The last hour of every ajp13 worker (lib/balancer/history.hpp), same index.
    const balancer::HistoryView& history() const noexcept { return history_; }
    // The status worker's last changes, shown by the dashboard (null: no shared memory).
    balancer::ActionLog* actions() const noexcept { return actions_; }
    std::size_t bytes() const noexcept { return bytes_; }

    // Called by every child's background thread each second: when this process wins the
    // interval's claim, one sample per ajp13 worker goes into its ring.
    void record_history(const config::WorkersConfig& workers, std::int64_t now_unix) const;

private:
    std::vector<balancer::LbStateView> views_;
    balancer::AjpStateView ajp_;
    balancer::HistoryView history_;
    balancer::ActionLog* actions_ = nullptr;
    std::size_t bytes_ = 0;
};

}  // namespace ajpgate::httpd
