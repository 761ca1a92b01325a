#include "balancer/ajp_state.hpp"

#include <cstring>
#include <limits>
#include <new>

#include "balancer/seqlock.hpp"

namespace ajpgate::balancer {

namespace {

template <typename T> std::atomic_ref<T> at(T& field) noexcept { return std::atomic_ref<T>(field); }
template <typename T> T load(const T& field) noexcept { return at(const_cast<T&>(field)).load(std::memory_order_relaxed); }
template <typename T, typename V> void store(T& field, V value) noexcept {
    at(field).store(static_cast<T>(value), std::memory_order_relaxed);
}

// Counters saturate rather than wrap (a display must never go backwards to small numbers).
template <typename T> void bump(T& field, std::uint64_t amount) noexcept {
    auto ref = at(field);
    T old = ref.load(std::memory_order_relaxed);
    T next;
    do {
        next = old > std::numeric_limits<T>::max() - amount ? std::numeric_limits<T>::max() : static_cast<T>(old + amount);
    } while (!ref.compare_exchange_weak(old, next, std::memory_order_relaxed));
}

void raise_max(std::int32_t& max_field, std::int32_t value) noexcept {
    auto ref = at(max_field);
    std::int32_t seen = ref.load(std::memory_order_relaxed);
    while (value > seen && !ref.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

int to_int(long long v) noexcept {
    return v > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : static_cast<int>(v);
}

void store_fields(AjpSlot& slot, const AjpSettings& s) noexcept {
    store_text(slot.host, s.host);
    store(slot.port, s.port);
    store(slot.connection_pool_timeout_s, to_int(s.connection_pool_timeout.count()));
    store(slot.ping_timeout_ms, to_int(s.ping_timeout.count()));
    store(slot.connect_timeout_ms, to_int(s.connect_timeout.count()));
    store(slot.prepost_timeout_ms, to_int(s.prepost_timeout.count()));
    store(slot.reply_timeout_ms, to_int(s.reply_timeout.count()));
    store(slot.retries, s.retries);
    store(slot.retry_interval_ms, to_int(s.retry_interval.count()));
    store(slot.connection_ping_interval_s, to_int(s.connection_ping_interval.count()));
    store(slot.recovery_options, s.recovery_options);
    store(slot.busy_limit, s.busy_limit);
    store(slot.max_packet_size, s.max_packet_size);
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
    const std::int32_t busy = at(slot.busy).fetch_add(1, std::memory_order_relaxed) + 1;
    raise_max(slot.max_busy, busy);
    if (load(slot.state) == static_cast<std::uint8_t>(AjpState::error)) {
        store(slot.state, static_cast<std::uint8_t>(AjpState::probing));
    }
}

void ajp_request_end(AjpSlot& slot, const AjpRequestEnd& end, std::int64_t now_unix) noexcept {
    at(slot.busy).fetch_sub(1, std::memory_order_relaxed);
    bump(slot.used, 1);
    if (end.transferred) bump(slot.transferred, end.transferred);
    if (end.read) bump(slot.read, end.read);
    if (end.reply_timeout) bump(slot.reply_timeouts, 1);
    switch (end.verdict) {
    case AjpRequestEnd::Verdict::ok:
        store(slot.state, static_cast<std::uint8_t>(AjpState::ok));
        break;
    case AjpRequestEnd::Verdict::client_error:
        bump(slot.client_errors, 1);
        store(slot.state, static_cast<std::uint8_t>(AjpState::ok));
        break;
    case AjpRequestEnd::Verdict::error:
        bump(slot.errors, 1);
        store(slot.error_time, now_unix);
        store(slot.state, static_cast<std::uint8_t>(AjpState::error));
        break;
    }
}

void ajp_connection_opened(AjpSlot& slot) noexcept {
    raise_max(slot.max_connected, at(slot.connected).fetch_add(1, std::memory_order_relaxed) + 1);
}

void ajp_connection_closed(AjpSlot& slot) noexcept { at(slot.connected).fetch_sub(1, std::memory_order_relaxed); }

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

std::uint32_t ajp_settings_sequence(const AjpSlot& slot) noexcept { return load(slot.settings_sequence); }

std::optional<AjpSettingsCopy> read_ajp_settings(const AjpSlot& slot) {
    AjpSettingsCopy copy;
    const auto read = [&] {
        AjpSettings& s = copy.settings;
        s.host = load_text(slot.host);
        s.port = load(slot.port);
        s.connection_pool_timeout = std::chrono::seconds(load(slot.connection_pool_timeout_s));
        s.ping_timeout = std::chrono::milliseconds(load(slot.ping_timeout_ms));
        s.connect_timeout = std::chrono::milliseconds(load(slot.connect_timeout_ms));
        s.prepost_timeout = std::chrono::milliseconds(load(slot.prepost_timeout_ms));
        s.reply_timeout = std::chrono::milliseconds(load(slot.reply_timeout_ms));
        s.retries = load(slot.retries);
        s.retry_interval = std::chrono::milliseconds(load(slot.retry_interval_ms));
        s.connection_ping_interval = std::chrono::seconds(load(slot.connection_ping_interval_s));
        s.recovery_options = load(slot.recovery_options);
        s.busy_limit = load(slot.busy_limit);
        s.max_packet_size = static_cast<int>(load(slot.max_packet_size));
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
    store(slot.used, 0);
    store(slot.transferred, 0);
    store(slot.read, 0);
    store(slot.errors, 0);
    store(slot.client_errors, 0);
    store(slot.reply_timeouts, 0);
    store(slot.max_busy, load(slot.busy));
    store(slot.max_connected, load(slot.connected));
    store(slot.error_time, 0);
    store(slot.state, static_cast<std::uint8_t>(AjpState::idle));
    store(slot.last_reset, now_unix);
}

AjpSnapshot snapshot_ajp(const AjpSlot& slot) noexcept {
    AjpSnapshot s;
    const auto state = load(slot.state);
    s.state = state <= static_cast<std::uint8_t>(AjpState::probing) ? static_cast<AjpState>(state) : AjpState::error;
    s.used = load(slot.used);
    s.transferred = load(slot.transferred);
    s.read = load(slot.read);
    s.errors = load(slot.errors);
    s.client_errors = load(slot.client_errors);
    s.reply_timeouts = load(slot.reply_timeouts);
    s.busy = load(slot.busy);
    s.max_busy = load(slot.max_busy);
    s.connected = load(slot.connected);
    s.max_connected = load(slot.max_connected);
    s.last_reset = load(slot.last_reset);
    s.error_time = load(slot.error_time);
    return s;
}

}  // namespace ajpgate::balancer
