// Work of the background thread that may wait on the network (a CPING into a node that
// accepts and never answers, a DNS query, idle CPINGs) runs on short-lived threads of its
// own, so the thread's once-a-second schedule never waits for it and one slow probe does not
// hold up another, nor the status worker's "recover".
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace ajpgate::httpd {

class BackgroundJobs {
public:
    BackgroundJobs() = default;
    // Waits for every job: each one is bounded by its own timeouts.
    ~BackgroundJobs();
    BackgroundJobs(const BackgroundJobs&) = delete;
    BackgroundJobs& operator=(const BackgroundJobs&) = delete;

    // Runs `work` on a thread of its own. key 0: any number at once; another key: false (and
    // nothing started) while the last job of that key still runs.
    bool start(std::uint64_t key, std::function<void()> work);
    bool running(std::uint64_t key) const;
    // Joins the jobs that finished.
    void reap();

private:
    struct Job {
        std::uint64_t key;
        std::shared_ptr<std::atomic<bool>> done;
        std::thread thread;
    };
    std::vector<Job> jobs_;  // the background thread's only: no lock
};

}  // namespace ajpgate::httpd
