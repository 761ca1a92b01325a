#include "modules/lb_shared.hpp"

#include <cstring>

namespace ajpgate::httpd {

namespace {

// Each lb's block starts on a cache line, so two lbs' hot counters never share one.
constexpr std::size_t block_alignment = 64;

std::size_t aligned(std::size_t n) { return (n + block_alignment - 1) / block_alignment * block_alignment; }

}  // namespace

std::shared_ptr<LbShared> LbShared::create(apr_pool_t* pool, const config::WorkersConfig& workers,
                                           std::string& error) {
    auto shared = std::make_shared<LbShared>();
    const auto& lbs = workers.lb_workers();
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
    if (lbs.empty()) return shared;
    // Anonymous shared memory: mapped before the children are forked, so they all see it.
    apr_shm_t* shm = nullptr;
    const apr_status_t rv = apr_shm_create(&shm, shared->bytes_, nullptr, pool);
    if (rv != APR_SUCCESS) {
        char reason[128];
        error = std::string("cannot create shared memory for the load balancers: ") +
                apr_strerror(rv, reason, sizeof reason);
        return nullptr;
    }
    auto* base = static_cast<std::byte*>(apr_shm_baseaddr_get(shm));
    std::memset(base, 0, shared->bytes_);
    for (std::size_t i = 0; i < lbs.size(); ++i) {
        std::span<std::byte> block(base + offsets[i], balancer::lb_state_bytes(lbs[i]));
        shared->views_.push_back(balancer::init_lb_state(block, lbs[i], workers.ajp13_workers()));
        if (!shared->views_.back().valid()) {
            error = "cannot lay out the shared state of lb '" + lbs[i].name + "'";
            return nullptr;
        }
    }
    return shared;
}

}  // namespace ajpgate::httpd
