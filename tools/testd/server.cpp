#include "testd/server.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <unordered_set>

#include "testd/connection.hpp"
#include "testd/listener.hpp"

namespace ajpgate::testd {
namespace {

// Written by the signal handler, read by the accept loop (self-pipe: poll() wakes up).
int signal_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
    const int saved = errno;
    const char byte = 's';
    [[maybe_unused]] const ssize_t ignored = ::write(signal_pipe[1], &byte, 1);
    errno = saved;
}

bool install_signal_handlers(std::string& error) {
    if (::pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        error = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    struct sigaction action{};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a vanished peer is an error return, not a death
    return true;
}

// The descriptors of live connections, so a stop can shut every one of them down,
// and the number of connection threads still running.
class ConnectionRegistry {
public:
    void add(int fd) {
        const std::lock_guard lock(mutex_);
        fds_.insert(fd);
    }

    // Closes under the lock so shutdown_all() never touches a reused descriptor.
    // Notifies under the lock too: once the stopping thread sees the set empty, no
    // connection thread touches the registry again.
    void remove_and_close(int fd) {
        const std::lock_guard lock(mutex_);
        fds_.erase(fd);
        ::close(fd);
        idle_.notify_all();
    }

    void shutdown_all() {
        const std::lock_guard lock(mutex_);
        for (const int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }

    // Waits (at most `limit`) until fewer than `most` connections are open.
    bool wait_below(std::size_t most, std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        return idle_.wait_for(lock, limit, [&] { return fds_.size() < most; });
    }

    bool wait_until_empty(std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        return idle_.wait_for(lock, limit, [this] { return fds_.empty(); });
    }

private:
    std::mutex mutex_;
    std::condition_variable idle_;
    std::unordered_set<int> fds_;
};

void start_connection(int fd, std::uint64_t number, ServerContext& context, ConnectionRegistry& registry) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    registry.add(fd);
    try {
        std::thread([fd, number, &context, &registry] {
            serve_connection(fd, number, peer_name(fd), context);
            registry.remove_and_close(fd);
        }).detach();
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "ajp-testd: cannot start a thread for connection %llu: %s\n",
                     static_cast<unsigned long long>(number), e.what());
        registry.remove_and_close(fd);
    }
}

// Accepts until a stop signal arrives.
void accept_loop(int listen_fd, ServerContext& context, ConnectionRegistry& registry) {
    std::uint64_t connections = 0;
    const std::size_t most = context.options.max_connections;
    for (;;) {
        // At max_connections, the listening socket is left alone (its backlog fills up) but
        // the stop signal is still watched.
        const bool full = most > 0 && !registry.wait_below(most, std::chrono::milliseconds(50));
        pollfd watched[2] = {{full ? -1 : listen_fd, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}};
        if (::poll(watched, 2, full ? 0 : -1) < 0) {
            if (errno == EINTR) continue;
            std::fprintf(stderr, "ajp-testd: poll: %s\n", std::strerror(errno));
            return;
        }
        if (watched[1].revents != 0) return;
        if ((watched[0].revents & POLLIN) == 0) continue;
        const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            // EMFILE and friends: back off briefly instead of spinning.
            if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
                context.stop.sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        start_connection(fd, ++connections, context, registry);
    }
}

}  // namespace

int run_server(const ServerOptions& options) {
    std::string error;
    Recorder recorder;
    if (!options.record_path.empty() && !recorder.open(options.record_path)) {
        std::fprintf(stderr, "ajp-testd: cannot open record file %s: %s\n", options.record_path.c_str(),
                     std::strerror(errno));
        return 1;
    }
    if (!install_signal_handlers(error)) {
        std::fprintf(stderr, "ajp-testd: %s\n", error.c_str());
        return 1;
    }
    const Listener listener = open_listener(options.host, options.port, options.accept_count, error);
    if (listener.fd < 0) {
        std::fprintf(stderr, "ajp-testd: %s\n", error.c_str());
        return 1;
    }
    std::printf("ajp-testd listening on %s port %d (packet size %zu%s%s)\n", options.host.c_str(), listener.port,
                options.packet_size, options.route.empty() ? "" : ", route ", options.route.c_str());
    std::fflush(stdout);
    if (!options.ready_file.empty() && !write_ready_file(options.ready_file, listener.port, error)) {
        std::fprintf(stderr, "ajp-testd: %s\n", error.c_str());
        ::close(listener.fd);
        return 1;
    }

    SessionCounter sessions;
    StopSignal stop;
    RequestGauge requests;
    ServerContext context{options, recorder, sessions, stop, requests, std::chrono::steady_clock::now()};
    ConnectionRegistry registry;
    accept_loop(listener.fd, context, registry);

    ::close(listener.fd);
    stop.request_stop();
    registry.shutdown_all();
    if (!registry.wait_until_empty(std::chrono::seconds(5))) {
        // Threads still hold references to this frame: leave without unwinding it.
        std::fprintf(stderr, "ajp-testd: connections did not finish within 5 s; exiting anyway\n");
        std::fflush(nullptr);
        std::_Exit(0);
    }
    return 0;
}

}  // namespace ajpgate::testd
