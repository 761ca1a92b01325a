#include "modules/background_jobs.hpp"

#include <algorithm>
#include <exception>

namespace ajpgate::httpd {

BackgroundJobs::~BackgroundJobs() {
    for (Job& job : jobs_) job.thread.join();
}

bool BackgroundJobs::running(std::uint64_t key) const {
    return std::any_of(jobs_.begin(), jobs_.end(),
                       [key](const Job& job) { return job.key == key && !job.done->load(std::memory_order_acquire); });
}

bool BackgroundJobs::start(std::uint64_t key, std::function<void()> work) {
    if (key != 0 && running(key)) return false;
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([work = std::move(work), done] {
        // Nothing may escape a thread (std::terminate would take the httpd child down).
        try {
            work();
        } catch (const std::exception&) {
        }
        done->store(true, std::memory_order_release);
    });
    jobs_.push_back({key, std::move(done), std::move(thread)});
    return true;
}

void BackgroundJobs::reap() {
    auto finished = std::stable_partition(jobs_.begin(), jobs_.end(),
                                          [](const Job& job) { return !job.done->load(std::memory_order_acquire); });
    for (auto it = finished; it != jobs_.end(); ++it) it->thread.join();
    jobs_.erase(finished, jobs_.end());
}

}  // namespace ajpgate::httpd
