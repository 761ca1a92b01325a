#include "modules/lb_shared.hpp"

#include "balancer/lb_admin.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <ctime>

#include <unixd.h>

namespace ajpgate::httpd {

namespace {

// Each lb's block starts on a cache line, so two lbs' hot counters never share one.
constexpr std::size_t block_alignment = 64;

std::size_t aligned(std::size_t n) { return (n + block_alignment - 1) / block_alignment * block_alignment; }

std::string os_error(const std::string& what) { return what + ": " + std::strerror(errno); }

struct FileMapping {
    void* base;
    std::size_t bytes;
    std::string path;
};

// The httpd configuration pool owns the mapping: unmapped and unlinked when it goes (a
// restart makes a new one; children of the old generation keep their own mapping).
apr_status_t unmap_file(void* data) {
    auto* mapping = static_cast<FileMapping*>(data);
    ::munmap(mapping->base, mapping->bytes);
    ::unlink(mapping->path.c_str());
    delete mapping;
    return APR_SUCCESS;
}

void* map_file(apr_pool_t* pool, const std::string& path, std::size_t bytes, std::string& error) {
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            error = "JkShmFile " + path + " is a symbolic link: refusing to use it";
            return nullptr;
        }
        if (!S_ISREG(st.st_mode)) {
            error = "JkShmFile " + path + " exists and is not a regular file";
            return nullptr;
        }
        ::unlink(path.c_str());  // a previous run's file: start afresh
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = os_error("JkShmFile: cannot create " + path);
        return nullptr;
    }
    void* base = MAP_FAILED;
    if (::ftruncate(fd, static_cast<off_t>(bytes)) == 0) {
        base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    // Started as root, httpd serves as its User: the children must be able to open it too.
    if (base != MAP_FAILED && ::geteuid() == 0 && ::fchown(fd, ap_unixd_config.user_id, ap_unixd_config.group_id) != 0) {
        error = os_error("JkShmFile: cannot give " + path + " to httpd's user");
        ::munmap(base, bytes);
        base = MAP_FAILED;
    } else if (base == MAP_FAILED) {
        error = os_error("JkShmFile: cannot map " + path);
    }
    ::close(fd);
    if (base == MAP_FAILED) {
        ::unlink(path.c_str());
        return nullptr;
    }
    apr_pool_cleanup_register(pool, new FileMapping{base, bytes, path}, unmap_file, apr_pool_cleanup_null);
    return base;
}

void* map_anonymous(apr_pool_t* pool, std::size_t bytes, std::string& error) {
    // Mapped before the children are forked, so they all see it.
    apr_shm_t* shm = nullptr;
    const apr_status_t rv = apr_shm_create(&shm, bytes, nullptr, pool);
    if (rv != APR_SUCCESS) {
        char reason[128];
        error = std::string("cannot create shared memory for the load balancers: ") +
                apr_strerror(rv, reason, sizeof reason);
        return nullptr;
    }
    return apr_shm_baseaddr_get(shm);
}

}  // namespace

std::shared_ptr<LbShared> LbShared::create(apr_pool_t* pool, const config::WorkersConfig& workers,
                                           const std::optional<std::string>& file, std::string& error) {
    auto shared = std::make_shared<LbShared>();
    const auto& lbs = workers.lb_workers();
    const auto& ajp13 = workers.ajp13_workers();
    // The ajp13 slots first (aligned at the start), then their history rings, then one block
    // per lb.
    shared->bytes_ = aligned(balancer::ajp_state_bytes(ajp13.size()));
    const std::size_t history_offset = shared->bytes_;
    shared->bytes_ += aligned(balancer::history_bytes(ajp13.size()));
    const std::size_t actions_offset = shared->bytes_;
    shared->bytes_ += aligned(sizeof(balancer::ActionLog));
    std::vector<std::size_t> offsets;
    for (const auto& lb : lbs) {
        const std::size_t need = balancer::lb_state_bytes(lb);
        if (need == 0) {
            error = "lb '" + lb.name + "' has more members than the shared state can hold";
            return nullptr;
        }
        offsets.push_back(shared->bytes_);
        shared->bytes_ += aligned(need);
    }
    if (shared->bytes_ == 0) return shared;
    void* memory = file ? map_file(pool, *file, shared->bytes_, error) : map_anonymous(pool, shared->bytes_, error);
    if (!memory) return nullptr;
    auto* base = static_cast<std::byte*>(memory);
    std::memset(base, 0, shared->bytes_);
    const std::int64_t now = std::time(nullptr);
    shared->actions_ = new (base + actions_offset) balancer::ActionLog{};  // zeroed above: empty
    if (!ajp13.empty()) {
        shared->ajp_ = balancer::init_ajp_state({base, balancer::ajp_state_bytes(ajp13.size())}, ajp13, now);
        if (!shared->ajp_.valid()) {
            error = "cannot lay out the shared state of the ajp13 workers";
            return nullptr;
        }
        shared->history_ = balancer::init_history(
            {base + history_offset, balancer::history_bytes(ajp13.size())}, ajp13.size(), now);
        if (!shared->history_.valid()) {
            error = "cannot lay out the history of the ajp13 workers";
            return nullptr;
        }
    }
    for (std::size_t i = 0; i < lbs.size(); ++i) {
        std::span<std::byte> block(base + offsets[i], balancer::lb_state_bytes(lbs[i]));
        shared->views_.push_back(balancer::init_lb_state(block, lbs[i], ajp13));
        if (!shared->views_.back().valid()) {
            error = "cannot lay out the shared state of lb '" + lbs[i].name + "'";
            return nullptr;
        }
        balancer::set_last_reset(shared->views_.back(), now);
    }
    return shared;
}

void LbShared::record_history(const config::WorkersConfig& workers, std::int64_t now_unix) const {
    if (!balancer::claim_history(history_, now_unix)) return;
    const auto& lbs = workers.lb_workers();
    for (std::size_t w = 0; w < history_.size(); ++w) {
        balancer::WorkerTotals totals = balancer::totals_of(ajp_.slot(w));
        for (std::size_t l = 0; l < lbs.size(); ++l) {
            for (std::size_t m = 0; m < lbs[l].members.size(); ++m) {
                if (lbs[l].members[m].worker == w) balancer::add_member_totals(totals, views_[l].member(m));
            }
        }
        balancer::record_sample(history_.ring(w), totals, now_unix);
    }
}

}  // namespace ajpgate::httpd
