#include "balancer/ajp_state.hpp"

#include <cstring>
#include <limits>
#include <new>

#include "balancer/seqlock.hpp"
#include "balancer/shared_field.hpp"

namespace ajpgate::balancer {

namespace {

int to_int(long long v) noexcept {
    return v > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : static_cast<int>(v);
}

void store_fields(AjpSlot& slot, const AjpSettings& s) noexcept {
    store_text(slot.host, s.host);
    store_relaxed(slot.port, s.port);
    store_relaxed(slot.connection_pool_timeout_s, to_int(s.connection_pool_timeout.count()));
    store_relaxed(slot.ping_timeout_ms, to_int(s.ping_timeout.count()));
    store_relaxed(slot.connect_timeout_ms, to_int(s.connect_timeout.count()));
    store_relaxed(slot.prepost_timeout_ms, to_int(s.prepost_timeout.count()));
    store_relaxed(slot.reply_timeout_ms, to_int(s.reply_timeout.count()));
    store_relaxed(slot.retries, s.retries);
    store_relaxed(slot.retry_interval_ms, to_int(s.retry_interval.count()));
    store_relaxed(slot.connection_ping_interval_s, to_int(s.connection_ping_interval.count()));
    store_relaxed(slot.recovery_options, s.recovery_options);
    store_relaxed(slot.busy_limit, s.busy_limit);
    store_relaxed(slot.max_packet_size, s.max_packet_size);
}

}  // namespace

std::string_view to_string(AjpState state) noexcept {
    switch (state) {
    case AjpState::idle: return "OK/IDLE";
    case AjpState::ok: return "OK";
    case AjpState::error: return "ERR";
    case AjpState::probing: return "ERR/PRB";
    }
    return "ERR";
}

AjpStateView init_ajp_state(std::span<std::byte> memory, const std::vector<config::Ajp13Worker>& workers,
                            std::int64_t now_unix) {
    if (workers.empty() || memory.size() < ajp_state_bytes(workers.size()) ||
        reinterpret_cast<std::uintptr_t>(memory.data()) % alignof(AjpSlot) != 0) {
        return {};
    }
    std::memset(memory.data(), 0, ajp_state_bytes(workers.size()));
    auto* slots = reinterpret_cast<AjpSlot*>(memory.data());
    for (std::size_t i = 0; i < workers.size(); ++i) {
        AjpSlot* slot = new (&slots[i]) AjpSlot{};
        slot->state = static_cast<std::uint8_t>(AjpState::idle);
        slot->last_reset = now_unix;
        store_fields(*slot, settings_of(workers[i]));
    }
    std::atomic_thread_fence(std::memory_order_release);
    return AjpStateView({slots, workers.size()});
}

void ajp_request_begin(AjpSlot& slot) noexcept {
    const std::int32_t busy = shared(slot.busy).fetch_add(1, std::memory_order_relaxed) + 1;
    raise_max(slot.max_busy, busy);
    if (load_relaxed(slot.state) == static_cast<std::uint8_t>(AjpState::error)) {
        store_relaxed(slot.state, static_cast<std::uint8_t>(AjpState::probing));
    }
}

void ajp_request_end(AjpSlot& slot, const AjpRequestEnd& end, std::int64_t now_unix) noexcept {
    shared(slot.busy).fetch_sub(1, std::memory_order_relaxed);
    saturating_add(slot.used, 1);
    if (end.transferred) saturating_add(slot.transferred, end.transferred);
    if (end.read) saturating_add(slot.read, end.read);
    if (end.reply_timeout) saturating_add(slot.reply_timeouts, 1);
    switch (end.verdict) {
    case AjpRequestEnd::Verdict::ok:
        store_relaxed(slot.state, static_cast<std::uint8_t>(AjpState::ok));
        break;
    case AjpRequestEnd::Verdict::client_error:
        saturating_add(slot.client_errors, 1);
        store_relaxed(slot.state, static_cast<std::uint8_t>(AjpState::ok));
        break;
    case AjpRequestEnd::Verdict::error:
        saturating_add(slot.errors, 1);
        store_relaxed(slot.error_time, now_unix);
        store_relaxed(slot.state, static_cast<std::uint8_t>(AjpState::error));
        break;
    }
}

void ajp_connection_opened(AjpSlot& slot) noexcept {
    raise_max(slot.max_connected, shared(slot.connected).fetch_add(1, std::memory_order_relaxed) + 1);
}

void ajp_connection_closed(AjpSlot& slot) noexcept { shared(slot.connected).fetch_sub(1, std::memory_order_relaxed); }

AjpSettings settings_of(const config::Ajp13Worker& w) {
    AjpSettings s;
    s.host = w.host;
    s.port = w.port;
    s.connection_pool_timeout = w.connection_pool_timeout;
    s.ping_timeout = w.ping_timeout;
    s.connect_timeout = w.connect_timeout;
    s.prepost_timeout = w.prepost_timeout;
    s.reply_timeout = w.reply_timeout;
    s.retries = w.retries;
    s.retry_interval = w.retry_interval;
    s.connection_ping_interval = w.connection_ping_interval;
    s.recovery_options = w.recovery_options;
    s.busy_limit = w.busy_limit;
    s.max_packet_size = w.max_packet_size;
    return s;
}

std::uint32_t ajp_settings_sequence(const AjpSlot& slot) noexcept { return load_relaxed(slot.settings_sequence); }

std::optional<AjpSettingsCopy> read_ajp_settings(const AjpSlot& slot) {
    AjpSettingsCopy copy;
    const auto read = [&] {
        AjpSettings& s = copy.settings;
        s.host = load_text(slot.host);
        s.port = load_relaxed(slot.port);
        s.connection_pool_timeout = std::chrono::seconds(load_relaxed(slot.connection_pool_timeout_s));
        s.ping_timeout = std::chrono::milliseconds(load_relaxed(slot.ping_timeout_ms));
        s.connect_timeout = std::chrono::milliseconds(load_relaxed(slot.connect_timeout_ms));
        s.prepost_timeout = std::chrono::milliseconds(load_relaxed(slot.prepost_timeout_ms));
        s.reply_timeout = std::chrono::milliseconds(load_relaxed(slot.reply_timeout_ms));
        s.retries = load_relaxed(slot.retries);
        s.retry_interval = std::chrono::milliseconds(load_relaxed(slot.retry_interval_ms));
        s.connection_ping_interval = std::chrono::seconds(load_relaxed(slot.connection_ping_interval_s));
        s.recovery_options = load_relaxed(slot.recovery_options);
        s.busy_limit = load_relaxed(slot.busy_limit);
        s.max_packet_size = static_cast<int>(load_relaxed(slot.max_packet_size));
    };
    auto& counter = const_cast<std::uint32_t&>(slot.settings_sequence);
    if (!SettingsSeqlock(counter).read(read, copy.sequence)) return std::nullopt;
    return copy;
}

bool write_ajp_settings(AjpSlot& slot, const AjpSettings& settings) {
    if (settings.host.size() > kSharedTextMax) return false;
    SettingsWrite write(slot.settings_sequence);
    store_fields(slot, settings);
    return true;
}

void apply_settings(const AjpSettings& s, config::Ajp13Worker& w) {
    w.host = s.host;
    w.port = s.port;
    w.connection_pool_timeout = s.connection_pool_timeout;
    w.ping_timeout = s.ping_timeout;
    w.connect_timeout = s.connect_timeout;
    w.prepost_timeout = s.prepost_timeout;
    // As mod_jk: a CPING after connect / before each request happens when its timeout is set.
    w.ping_mode.connect = s.connect_timeout.count() > 0;
    w.ping_mode.prepost = s.prepost_timeout.count() > 0;
    w.reply_timeout = s.reply_timeout;
    w.retries = s.retries;
    w.retry_interval = s.retry_interval;
    w.connection_ping_interval = s.connection_ping_interval;
    w.recovery_options = s.recovery_options;
    w.busy_limit = s.busy_limit;
    w.max_packet_size = s.max_packet_size;
}

void reset_ajp_counters(AjpSlot& slot, std::int64_t now_unix) noexcept {
    store_relaxed(slot.base_used, load_relaxed(slot.used));
    store_relaxed(slot.base_transferred, load_relaxed(slot.transferred));
    store_relaxed(slot.base_read, load_relaxed(slot.read));
    store_relaxed(slot.base_errors, load_relaxed(slot.errors));
    store_relaxed(slot.base_client_errors, load_relaxed(slot.client_errors));
    store_relaxed(slot.base_reply_timeouts, load_relaxed(slot.reply_timeouts));
    store_relaxed(slot.max_busy, load_relaxed(slot.busy));
    store_relaxed(slot.max_connected, load_relaxed(slot.connected));
    store_relaxed(slot.error_time, 0);
    store_relaxed(slot.state, static_cast<std::uint8_t>(AjpState::idle));
    store_relaxed(slot.last_reset, now_unix);
}

namespace {

// A counter since the last reset; never below zero (a reset racing an increment).
template <typename T> T since_reset(const T& counter, const T& base) noexcept {
    const T now = load_relaxed(counter);
    const T then = load_relaxed(base);
    return now > then ? static_cast<T>(now - then) : T{0};
}

}  // namespace

AjpSnapshot snapshot_ajp(const AjpSlot& slot) noexcept {
    AjpSnapshot s;
    const auto state = load_relaxed(slot.state);
    s.state = state <= static_cast<std::uint8_t>(AjpState::probing) ? static_cast<AjpState>(state) : AjpState::error;
    s.used = since_reset(slot.used, slot.base_used);
    s.transferred = since_reset(slot.transferred, slot.base_transferred);
    s.read = since_reset(slot.read, slot.base_read);
    s.errors = since_reset(slot.errors, slot.base_errors);
    s.client_errors = since_reset(slot.client_errors, slot.base_client_errors);
    s.reply_timeouts = since_reset(slot.reply_timeouts, slot.base_reply_timeouts);
    s.busy = load_relaxed(slot.busy);
    s.max_busy = load_relaxed(slot.max_busy);
    s.connected = load_relaxed(slot.connected);
    s.max_connected = load_relaxed(slot.max_connected);
    s.last_reset = load_relaxed(slot.last_reset);
    s.error_time = load_relaxed(slot.error_time);
    s.total_used = load_relaxed(slot.used);
    s.total_transferred = load_relaxed(slot.transferred);
    s.total_read = load_relaxed(slot.read);
    return s;
}

}  // namespace ajpgate::balancer
