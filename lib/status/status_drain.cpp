#include "status/status_drain.hpp"

namespace ajpgate::status {

namespace {

// A whole number of seconds in 0..kDrainIdleMax: digits only, so "30s", "-1" or "1e3" are
// refused with a message rather than read as something else.
std::optional<std::chrono::seconds> parse_idle(std::string_view text) {
    if (text.empty() || text.size() > 6) return std::nullopt;
    long long value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value > balancer::kDrainIdleMax.count()) return std::nullopt;
    return std::chrono::seconds(value);
}

void field(std::string& out, std::string_view name, const std::string& value) {
    out += out.size() > 1 ? ",\"" : "\"";
    out.append(name).append("\":").append(value);
}

std::string word(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

}  // namespace

DrainParse parse_drain_order(const StatusRequest& request) {
    DrainParse parse;
    if (!request.find("sw")) {
        parse.error = "sw must name the member to drain";
        return parse;
    }
    DrainOrder order;
    if (const std::string* mode = request.find("mode")) {
        const auto parsed = balancer::parse_drain_mode(*mode);
        if (!parsed) {
            parse.error = "mode must be drain or migrate";
            return parse;
        }
        order.mode = *parsed;
    }
    if (const std::string* idle = request.find("drain_idle")) {
        const auto parsed = parse_idle(*idle);
        if (!parsed) {
            parse.error = "drain_idle must be a whole number of seconds from 0 to " +
                          std::to_string(balancer::kDrainIdleMax.count());
            return parse;
        }
        order.drain_idle = *parsed;
    }
    parse.order = order;
    return parse;
}

std::string drain_change_text(std::string_view status_name, std::string_view lb, std::string_view member,
                              const DrainOrder& order, std::string_view activation_before) {
    return "Status worker '" + std::string(status_name) + "' draining sub worker '" + std::string(member) +
           "' of lb worker '" + std::string(lb) + "' (mode " + std::string(balancer::to_string(order.mode)) +
           ", drain_idle " + std::to_string(order.drain_idle.count()) + " s): changing 'activation' from '" +
           std::string(activation_before) + "' to 'DIS'";
}

std::string drain_json(const DrainView& drain) {
    const balancer::DrainProgress& p = drain.progress;
    std::string out = "{";
    field(out, "mode", word(balancer::to_string(p.mode)));
    field(out, "phase", word(balancer::drain_phase(p)));
    field(out, "started_at", std::to_string(drain.started_at));
    field(out, "elapsed_seconds", std::to_string(p.elapsed_s));
    field(out, "in_flight", std::to_string(p.in_flight));
    field(out, "route_requests_recent", std::to_string(p.route_requests_recent));
    field(out, "route_window_seconds", std::to_string(balancer::kDrainWindowSeconds));
    field(out, "seconds_since_last_route_request",
          p.since_last_route_s < 0 ? std::string("null") : std::to_string(p.since_last_route_s));
    field(out, "idle_seconds", std::to_string(p.idle_s));
    field(out, "drain_idle_seconds", std::to_string(p.drain_idle_s));
    field(out, "stopped", p.stopped ? "true" : "false");
    field(out, "drained", p.drained ? "true" : "false");
    field(out, "drained_after_seconds", p.drained_after_s < 0 ? std::string("null") : std::to_string(p.drained_after_s));
    field(out, "rebinds", std::to_string(p.rebinds));
    return out + "}";
}

std::string drain_summary(const DrainView& drain) {
    const balancer::DrainProgress& p = drain.progress;
    std::string out = std::string(balancer::to_string(p.mode)) + ": " + std::string(balancer::drain_phase(p));
    out += p.drained_after_s >= 0 && p.drained ? " after " + std::to_string(p.drained_after_s) + " s"
                                               : " for " + std::to_string(p.elapsed_s) + " s";
    out += "; in flight " + std::to_string(p.in_flight) + "; " + std::to_string(p.route_requests_recent) +
           " requests with its route in the last " + std::to_string(balancer::kDrainWindowSeconds) + " s";
    if (p.since_last_route_s >= 0) out += ", the last " + std::to_string(p.since_last_route_s) + " s ago";
    out += "; idle " + std::to_string(p.idle_s) + " of " + std::to_string(p.drain_idle_s) + " s; " +
           std::to_string(p.rebinds) + " sessions re-bound";
    return out;
}

}  // namespace ajpgate::status
