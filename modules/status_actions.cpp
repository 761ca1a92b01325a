#include "modules/status_actions.hpp"

#include <apr_network_io.h>

#include "balancer/drain.hpp"
#include "balancer/lb_admin.hpp"
#include "balancer/lb_settings.hpp"
#include "modules/lb_shared.hpp"
#include "modules/monotonic_clock.hpp"
#include "modules/status_snapshot.hpp"
#include "status/status_drain.hpp"
#include "status/status_edit.hpp"
#include "status/status_messages.hpp"

namespace ajpgate::httpd {

namespace {

// mod_jk refuses a new host:port it cannot resolve.
bool resolves(const std::string& host, int port) {
    apr_pool_t* pool = nullptr;
    if (apr_pool_create_unmanaged_ex(&pool, nullptr, nullptr) != APR_SUCCESS) return false;
    apr_sockaddr_t* address = nullptr;
    const bool ok = port >= 0 && port <= 65535 &&
                    apr_sockaddr_info_get(&address, host.c_str(), APR_UNSPEC, static_cast<apr_port_t>(port), 0, pool) ==
                        APR_SUCCESS;
    apr_pool_destroy(pool);
    return ok;
}

// The ajp13 settings of worker `index`, and its busy_limit in every lb it is a member of.
void write_ajp(ChildRuntime& runtime, std::size_t index, const balancer::AjpSettings& settings) {
    const LbShared& shared = runtime.lb_shared();
    balancer::write_ajp_settings(shared.ajp(index), settings);
    const auto& lbs = runtime.workers().lb_workers();
    for (std::size_t l = 0; l < lbs.size(); ++l) {
        for (std::size_t m = 0; m < lbs[l].members.size(); ++m) {
            if (lbs[l].members[m].worker != index) continue;
            balancer::shared(shared.view(l).member(m).busy_limit).store(settings.busy_limit);
        }
    }
}

void write_lb(ChildRuntime& runtime, std::size_t index, const status::LbValues& values, const status::UpdateResult& r) {
    const balancer::LbStateView& view = runtime.lb_shared().view(index);
    const auto& lb = runtime.workers().lb_workers()[index];
    if (r.lb_changed) {
        std::vector<balancer::MemberSettings> members;
        for (const auto& m : values.members) members.push_back(m.lb);
        balancer::write_lb_settings(view, values.settings, members);
    }
    for (std::size_t m = 0; m < values.members.size(); ++m) {
        const auto& mv = values.members[m];
        // An activation set by hand ends the member's drain: the administrator took over.
        if (balancer::member_activation(view.member(m)) != mv.activation) balancer::end_drain(view, m);
        balancer::set_member_activation(view.member(m), mv.activation);
        if (balancer::shared(view.member(m).lbfactor).load() != mv.lbfactor) {
            balancer::set_member_lbfactor(view, m, mv.lbfactor);
        }
        if (r.ajp_changed[m]) write_ajp(runtime, lb.members[m].worker, mv.ajp);
    }
    // As mod_jk: a member taking or leaving traffic starts everyone from an even load.
    if (r.activation_changed) {
        for (std::size_t m = 0; m < view.size(); ++m) balancer::shared(view.member(m).lb_value).store(0);
    }
}

std::optional<std::size_t> member_index(ChildRuntime& runtime, std::size_t lb, const std::string& name) {
    const auto& members = runtime.workers().lb_workers()[lb].members;
    for (std::size_t m = 0; m < members.size(); ++m) {
        if (runtime.workers().ajp13_workers()[members[m].worker].name == name) return m;
    }
    return std::nullopt;
}

}  // namespace

ActionOutcome run_update(ChildRuntime& runtime, const status::StatusRequest& request, const std::string& status_name) {
    ActionOutcome out;
    const auto ref = runtime.workers().find(request.worker);
    if (!ref || ref->type == config::WorkerType::status) {
        out.error = std::string(status::messages::kUpdateFailed);
        return out;
    }
    if (ref->type == config::WorkerType::lb) {
        auto values = lb_values(runtime, ref->index);
        const auto r = status::plan_update(values, request, status_name, resolves);
        write_lb(runtime, ref->index, values, r);
        out.error = r.error;
        out.changes = r.changes;
        return out;
    }
    auto values = ajp_values(runtime, ref->index);
    const auto r = status::plan_update(values, request, status_name, resolves);
    if (r.ajp_changed[0]) write_ajp(runtime, ref->index, values.settings);
    out.error = r.error;
    out.changes = r.changes;
    return out;
}

ActionOutcome run_reset(ChildRuntime& runtime, const status::StatusRequest& request, std::int64_t now_unix) {
    ActionOutcome out;
    const auto ref = runtime.workers().find(request.worker);
    const LbShared& shared = runtime.lb_shared();
    if (!ref || ref->type == config::WorkerType::status) {
        out.error = std::string(status::messages::kResetFailed);
        return out;
    }
    if (ref->type == config::WorkerType::ajp13) {
        balancer::reset_ajp_counters(shared.ajp(ref->index), now_unix);
        out.changes.push_back("reset the statistics of ajp worker '" + request.worker + "'");
        return out;
    }
    const auto& lb = runtime.workers().lb_workers()[ref->index];
    const balancer::LbStateView& view = shared.view(ref->index);
    if (request.sub_worker.empty()) {
        balancer::reset_lb(view, now_unix);
        for (const auto& m : lb.members) balancer::reset_ajp_counters(shared.ajp(m.worker), now_unix);
        out.changes.push_back("reset lb worker '" + request.worker + "' and all its members");
        return out;
    }
    const auto m = member_index(runtime, ref->index, request.sub_worker);
    if (!m) {
        out.error = std::string(status::messages::kUnknownSubWorker);
        return out;
    }
    balancer::reset_member(view, *m);
    balancer::reset_ajp_counters(shared.ajp(lb.members[*m].worker), now_unix);
    out.changes.push_back("reset sub worker '" + request.sub_worker + "' of lb worker '" + request.worker + "'");
    return out;
}

ActionOutcome run_recover(ChildRuntime& runtime, const status::StatusRequest& request, const std::string& status_name) {
    ActionOutcome out;
    const auto ref = runtime.workers().find(request.worker);
    if (request.sub_worker.empty()) {
        out.error = "NULL or EMPTY sub_worker param";  // mod_jk's wording for recover alone
        return out;
    }
    if (!ref || ref->type != config::WorkerType::lb) {
        out.error = std::string(status::messages::kNoSubWorkers);
        return out;
    }
    const auto m = member_index(runtime, ref->index, request.sub_worker);
    if (!m) {
        out.error = std::string(status::messages::kUnknownSubWorker);
        return out;
    }
    const config::LbWorker& lb = runtime.lb(ref->index);
    const balancer::LbStateView& view = runtime.lb_shared().view(ref->index);
    if (!balancer::mark_for_recovery(lb, view, *m)) {
        out.error = std::string(status::messages::kRecoverFailed);
        return out;
    }
    out.changes.push_back("Status worker '" + status_name + "' marked worker '" + request.worker + "' sub worker '" +
                          request.sub_worker + "' for recovery");
    return out;
}

ActionOutcome run_drain(ChildRuntime& runtime, const status::StatusRequest& request, const std::string& status_name) {
    ActionOutcome out;
    const auto ref = runtime.workers().find(request.worker);
    const auto parse = status::parse_drain_order(request);
    const auto m = ref && ref->type == config::WorkerType::lb ? member_index(runtime, ref->index, request.sub_worker)
                                                               : std::nullopt;
    if (!parse.order || !m) {
        out.error = parse.error.value_or(std::string(status::messages::kDrainFailed));
        return out;
    }
    const balancer::LbStateView& view = runtime.lb_shared().view(ref->index);
    const auto before = balancer::to_string(balancer::member_activation(view.member(*m)));
    if (!balancer::start_drain(view, *m, parse.order->mode, parse.order->drain_idle, monotonic_now())) {
        out.error = std::string(status::messages::kDrainFailed);
        return out;
    }
    out.changes.push_back(status::drain_change_text(status_name, request.worker, request.sub_worker, *parse.order, before));
    return out;
}

}  // namespace ajpgate::httpd
