#include "modules/maintenance.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "modules/pool_object.hpp"

namespace ajpgate::httpd {

void run_maintenance_if_due(ChildRuntime& runtime, const GlobalConfig& global) {
    if (global.watchdog_interval.count() > 0) return;  // the watchdog thread does it
    if (runtime.claim_maintenance(transport::Clock::now(), runtime.workers().maintain_interval())) {
        runtime.close_idle_connections();
    }
}

namespace {

class Watchdog {
public:
    Watchdog(ChildRuntime& runtime, std::chrono::seconds interval)
        : thread_([this, &runtime, interval] { loop(runtime, interval); }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

private:
    void loop(ChildRuntime& runtime, std::chrono::seconds interval) {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            runtime.close_idle_connections();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace

void start_watchdog(apr_pool_t* pchild, ChildRuntime& runtime, std::chrono::seconds interval) {
    make_in_pool<Watchdog>(pchild, runtime, interval);
}

}  // namespace ajpgate::httpd
