#include "modules/background.hpp"

#include <condition_variable>
#include <ctime>
#include <exception>
#include <mutex>
#include <thread>

#include "modules/background_jobs.hpp"
#include "modules/drain_checks.hpp"
#include "modules/host_retries.hpp"
#include "modules/lb_shared.hpp"
#include "modules/messages.hpp"
#include "modules/pool_object.hpp"
#include "modules/recovery_probes.hpp"

namespace ajpgate::httpd {

namespace {

// Often enough that a "recover" from the status worker is probed within about a second;
// each tick costs a few atomic loads per lb member when nothing is due.
constexpr std::chrono::seconds tick{1};
constexpr std::uint64_t upkeep_job = 1;  // single-flight key: idle connections and DNS

class Background {
public:
    Background(std::shared_ptr<ChildRuntime> runtime, const log::Logger& logger, std::chrono::seconds watchdog)
        : runtime_(std::move(runtime)),
          logger_(logger),
          upkeep_interval_(watchdog.count() > 0 ? watchdog : runtime_->workers().maintain_interval()),
          hosts_(*runtime_, logger),
          thread_([this] { loop(); }) {}
    ~Background() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

private:
    void loop() {
        BackgroundJobs jobs;  // joined when the loop ends, before the runtime can go
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, tick, [this] { return stopping_; })) {
            lock.unlock();
            try {
                run_tick(jobs);
            } catch (const std::exception& e) {  // std::bad_alloc, std::system_error (no thread)
                logger_.log(log::Level::error, msg::background_failed, std::string("background thread: ") + e.what());
            }
            lock.lock();
        }
    }

    void run_tick(BackgroundJobs& jobs) {
        jobs.reap();
        if (runtime_->lb_shared_present()) {
            run_lb_recovery(*runtime_, jobs, logger_);
            runtime_->lb_shared().record_history(runtime_->workers(), std::time(nullptr));
            run_drain_checks(*runtime_, logger_);
        }
        if (jobs.running(upkeep_job)) return;
        const auto now = transport::Clock::now();
        const bool hosts_due = hosts_.due(now);
        // claimed only when the job can start: an interval is not lost to a busy job
        const bool idle_due = runtime_->claim_maintenance(now, upkeep_interval_);
        if (!hosts_due && !idle_due) return;
        jobs.start(upkeep_job, [this, hosts_due, idle_due] {
            if (hosts_due) hosts_.run(transport::Clock::now());
            if (idle_due) runtime_->close_idle_connections();
        });
    }

    std::shared_ptr<ChildRuntime> runtime_;
    log::Logger logger_;
    std::chrono::seconds upkeep_interval_;
    HostRetries hosts_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace

void start_background(apr_pool_t* pchild, std::shared_ptr<ChildRuntime> runtime, const log::Logger& logger,
                      std::chrono::seconds watchdog_interval) {
    make_in_pool<Background>(pchild, std::move(runtime), logger, watchdog_interval);
}

}  // namespace ajpgate::httpd
