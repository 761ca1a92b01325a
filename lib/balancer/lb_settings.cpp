#include "balancer/lb_settings.hpp"

#include "balancer/seqlock.hpp"

namespace ajpgate::balancer {

namespace {

void store_fields(LbHeader& h, const LbSettings& s) noexcept {
    store_relaxed(h.retries, s.retries);
    store_relaxed(h.retry_interval_ms, s.retry_interval.count());
    store_relaxed(h.recover_time_s, s.recover_time.count());
    store_relaxed(h.error_escalation_time_s, s.error_escalation_time.count());
    store_relaxed(h.max_reply_timeouts, s.max_reply_timeouts);
    store_relaxed(h.sticky_session, s.sticky_session ? 1 : 0);
    store_relaxed(h.sticky_session_force, s.sticky_session_force ? 1 : 0);
    store_relaxed(h.method, static_cast<std::uint8_t>(s.method));
    store_relaxed(h.lock, static_cast<std::uint8_t>(s.lock));
}

void store_fields(MemberSlot& slot, const MemberSettings& s) noexcept {
    store_relaxed(slot.distance, s.distance);
    store_text(slot.route, s.route);
    store_text(slot.redirect, s.redirect);
    store_text(slot.domain, s.domain);
}

LbSettings load_fields(const LbHeader& h) {
    LbSettings s;
    s.retries = load_relaxed(h.retries);
    s.retry_interval = std::chrono::milliseconds(load_relaxed(h.retry_interval_ms));
    s.recover_time = std::chrono::seconds(load_relaxed(h.recover_time_s));
    s.error_escalation_time = std::chrono::seconds(load_relaxed(h.error_escalation_time_s));
    s.max_reply_timeouts = load_relaxed(h.max_reply_timeouts);
    s.sticky_session = load_relaxed(h.sticky_session) != 0;
    s.sticky_session_force = load_relaxed(h.sticky_session_force) != 0;
    const auto method = load_relaxed(h.method);
    s.method = method <= static_cast<std::uint8_t>(config::LbMethod::next) ? static_cast<config::LbMethod>(method)
                                                                            : config::LbMethod::requests;
    s.lock = load_relaxed(h.lock) == static_cast<std::uint8_t>(config::LbLock::pessimistic) ? config::LbLock::pessimistic
                                                                                      : config::LbLock::optimistic;
    return s;
}

bool fits(const MemberSettings& m) {
    return m.route.size() <= kSharedTextMax && m.redirect.size() <= kSharedTextMax && m.domain.size() <= kSharedTextMax;
}

}  // namespace

LbSettings settings_of(const config::LbWorker& lb) {
    LbSettings s;
    s.retries = lb.retries;
    s.retry_interval = lb.retry_interval;
    s.recover_time = lb.recover_time;
    s.error_escalation_time = lb.error_escalation_time;
    s.max_reply_timeouts = lb.max_reply_timeouts;
    s.sticky_session = lb.sticky_session;
    s.sticky_session_force = lb.sticky_session_force;
    s.method = lb.method;
    s.lock = lb.lock;
    return s;
}

MemberSettings settings_of(const config::LbMember& member) {
    return {member.route, member.redirect, member.domain, member.distance};
}

void seed_lb_settings(const LbStateView& view, const config::LbWorker& lb) noexcept {
    if (!view.valid()) return;
    store_fields(view.header(), settings_of(lb));
    for (std::size_t i = 0; i < view.size() && i < lb.members.size(); ++i) {
        store_fields(view.member(i), settings_of(lb.members[i]));
    }
}

std::uint32_t lb_settings_sequence(const LbStateView& view) noexcept {
    return view.valid() ? std::atomic_ref<std::uint32_t>(view.header().settings_sequence).load(std::memory_order_relaxed)
                        : 0;
}

std::optional<LbSettingsCopy> read_lb_settings(const LbStateView& view) {
    if (!view.valid()) return std::nullopt;
    LbSettingsCopy copy;
    const auto read = [&] {
        copy.lb = load_fields(view.header());
        copy.members.resize(view.size());
        for (std::size_t i = 0; i < view.size(); ++i) {
            const MemberSlot& slot = view.member(i);
            copy.members[i] = {load_text(slot.route), load_text(slot.redirect), load_text(slot.domain), load_relaxed(slot.distance)};
        }
    };
    if (!SettingsSeqlock(view.header().settings_sequence).read(read, copy.sequence)) return std::nullopt;
    return copy;
}

bool write_lb_settings(const LbStateView& view, const LbSettings& lb, const std::vector<MemberSettings>& members) {
    if (!view.valid() || members.size() != view.size()) return false;
    for (const auto& m : members) {
        if (!fits(m)) return false;
    }
    SettingsWrite write(view.header().settings_sequence);
    store_fields(view.header(), lb);
    for (std::size_t i = 0; i < members.size(); ++i) store_fields(view.member(i), members[i]);
    return true;
}

void apply_settings(const LbSettingsCopy& settings, config::LbWorker& lb) {
    const LbSettings& s = settings.lb;
    lb.retries = s.retries;
    lb.retry_interval = s.retry_interval;
    lb.recover_time = s.recover_time;
    lb.error_escalation_time = s.error_escalation_time;
    lb.max_reply_timeouts = s.max_reply_timeouts;
    lb.sticky_session = s.sticky_session;
    lb.sticky_session_force = s.sticky_session_force;
    lb.method = s.method;
    lb.lock = s.lock;
    for (std::size_t i = 0; i < lb.members.size() && i < settings.members.size(); ++i) {
        config::LbMember& m = lb.members[i];
        const MemberSettings& ms = settings.members[i];
        m.route = ms.route;
        m.redirect = ms.redirect;
        m.domain = ms.domain;
        m.distance = ms.distance;
    }
    lb.route_index.rebuild(lb.members);
}

}  // namespace ajpgate::balancer
