// ajp13 workers whose host name did not resolve when the child started (a backend container
// not up yet: mod_jk BZ 59164, 48276). Each is warned about, its lb members are put in error,
// and its name is asked again in the background on lib/transport's schedule (1 s, 2 s, 4 s ...
// at most 60 s apart). Once it resolves, the worker gets the address without a restart
// (ChildRuntime::retry_resolve publishes a new generation) and its lb members are marked for
// recovery, so the next tick's probe brings them back.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "log/log.hpp"
#include "modules/worker_runtime.hpp"
#include "transport/resolve_retry.hpp"

namespace ajpgate::httpd {

class HostRetries {
public:
    // Before the background thread starts: warns, and marks the lb members.
    HostRetries(ChildRuntime& runtime, const log::Logger& logger);

    // Whether an attempt is due at `now` (cheap: for the thread's tick).
    bool due(transport::Clock::time_point now) const noexcept;
    // Makes the attempts due at `now`; blocks on the resolver. One caller at a time.
    void run(transport::Clock::time_point now);

private:
    struct Entry {
        std::size_t worker;
        transport::ResolveRetry retry;
    };
    void resolved(std::size_t worker);

    ChildRuntime& runtime_;
    log::Logger logger_;
    std::vector<Entry> pending_;  // run()'s only, after construction
    std::atomic<transport::Clock::rep> next_due_;  // the earliest next attempt; max when none
};

}  // namespace ajpgate::httpd
