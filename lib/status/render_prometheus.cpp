// mime=prometheus (and <mount>/metrics): Prometheus' text exposition format 0.0.4.
//
// Naming follows Prometheus' rules: the ajpgate_ prefix, base units (seconds, bytes),
// counters end in _total, histograms are _bucket{le}/_sum/_count, state sets are one gauge
// per possible state with value 0 or 1. Labels are bounded: lb and worker names from the
// configuration and fixed enumerations; never a session id or a URI. Counters come from the
// shared state's never-reset figures, so `cmd=reset` does not look like a restart to rate().
// Each family is written once, all its samples together, as the format requires.
#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "status/render_common.hpp"
#include "status/render_formats.hpp"

namespace ajpgate::status::detail {

namespace {

// Label values: backslash, double quote and line feed escaped (the format's only rules).
std::string escape_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string number(std::uint64_t v) { return std::to_string(v); }
std::string number(int v) { return std::to_string(v); }

std::string seconds(std::uint64_t micros) {
    char text[48];
    std::snprintf(text, sizeof text, "%" PRIu64 ".%06" PRIu64, micros / 1'000'000, micros % 1'000'000);
    return text;
}

std::string bound(std::int64_t micros) {
    // 5000 -> "0.005", 1000000 -> "1", 2500000 -> "2.5": the shortest exact decimal.
    std::string text = seconds(static_cast<std::uint64_t>(micros));
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return text;
}

// One worker's figures wherever it appears: a standalone ajp13 worker or an lb member.
struct WorkerRef {
    std::string name;
    const AjpCounters* counters;
};

class Exposition {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
        out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    }
    // `labels` is already `name="escaped",...` (without braces); empty: none.
    void sample(std::string_view name, std::string_view labels, std::string_view value) {
        out_.append(name);
        if (!labels.empty()) out_.append("{").append(labels).append("}");
        out_.append(" ").append(value).append("\n");
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

std::string worker_label(const WorkerRef& w) { return "worker=\"" + escape_label(w.name) + "\""; }
std::string member_labels(const LbView& lb, const MemberView& m) {
    return "lb=\"" + escape_label(lb.name) + "\",worker=\"" + escape_label(m.ajp.name) + "\"";
}

void histogram(Exposition& out, std::string_view name, std::string_view help, const std::vector<WorkerRef>& workers,
               balancer::Latency which) {
    out.family(name, "histogram", help);
    const std::string bucket = std::string(name) + "_bucket";
    for (const WorkerRef& w : workers) {
        const balancer::LatencyHistogram& h = w.counters->metrics.latency[static_cast<std::size_t>(which)];
        const std::string labels = worker_label(w);
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < balancer::kLatencyBuckets; ++b) {
            cumulative += h.counts[b];
            const std::string le =
                b < balancer::kLatencyBoundsUs.size() ? bound(balancer::kLatencyBoundsUs[b]) : std::string("+Inf");
            out.sample(bucket, labels + ",le=\"" + le + "\"", number(cumulative));
        }
        out.sample(std::string(name) + "_sum", labels, seconds(h.sum_us));
        out.sample(std::string(name) + "_count", labels, number(cumulative));
    }
}

void worker_families(Exposition& out, const std::vector<WorkerRef>& workers) {
    const auto each = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        out.family(name, type, help);
        for (const WorkerRef& w : workers) out.sample(name, worker_label(w), value(*w.counters));
    };
    each("ajpgate_worker_requests_total", "counter", "Requests sent to the worker (attempts), every httpd child together.",
         [](const AjpCounters& c) { return number(c.total_used); });
    out.family("ajpgate_worker_responses_total", "counter", "Final responses from the backend by status class.");
    for (const WorkerRef& w : workers) {
        for (std::size_t k = 0; k < balancer::kStatusClasses; ++k) {
            out.sample("ajpgate_worker_responses_total",
                       worker_label(w) + ",class=\"" + std::to_string(k + 1) + "xx\"",
                       number(w.counters->metrics.responses[k]));
        }
    }
    out.family("ajpgate_worker_errors_total", "counter",
               "Failed attempts by kind: connect, cping (no CPONG, hung), busy (no free connection), "
               "reply_timeout, backend (closed, malformed, fail_on_status), client, request (cannot be forwarded).");
    for (const WorkerRef& w : workers) {
        for (std::size_t k = 0; k < balancer::kErrorKinds; ++k) {
            out.sample("ajpgate_worker_errors_total",
                       worker_label(w) + ",kind=\"" + std::string(balancer::to_string(static_cast<balancer::ErrorKind>(k))) +
                           "\"",
                       number(w.counters->metrics.errors[k]));
        }
    }
    each("ajpgate_worker_sent_bytes_total", "counter", "Request body bytes sent to the backend.",
         [](const AjpCounters& c) { return number(c.total_transferred); });
    each("ajpgate_worker_received_bytes_total", "counter", "Response body bytes received from the backend.",
         [](const AjpCounters& c) { return number(c.total_read); });
    each("ajpgate_worker_requests_in_flight", "gauge", "Requests on the worker now.",
         [](const AjpCounters& c) { return number(c.busy); });
    each("ajpgate_worker_requests_in_flight_max", "gauge", "Most requests on the worker at once since the last reset.",
         [](const AjpCounters& c) { return number(c.max_busy); });
    out.family("ajpgate_worker_connections", "gauge", "Open backend connections, busy with a request or idle in a pool.");
    for (const WorkerRef& w : workers) {
        const int open = std::max(0, w.counters->connected);
        const int busy = std::min(open, std::max(0, w.counters->busy));
        out.sample("ajpgate_worker_connections", worker_label(w) + ",state=\"busy\"", number(busy));
        out.sample("ajpgate_worker_connections", worker_label(w) + ",state=\"idle\"", number(open - busy));
    }
    each("ajpgate_worker_connections_max", "gauge", "Most backend connections open at once since the last reset.",
         [](const AjpCounters& c) { return number(c.max_connected); });
    histogram(out, "ajpgate_worker_response_headers_seconds", "Time from the request to the backend's response headers.",
              workers, balancer::Latency::headers);
    histogram(out, "ajpgate_worker_request_duration_seconds", "Time from the request to the end of its response.",
              workers, balancer::Latency::total);
    histogram(out, "ajpgate_worker_connect_duration_seconds", "Time to open a new backend connection.", workers,
              balancer::Latency::connect);
}

// mod_jk's display states, as state set values.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kStates{{
    {"OK", "ok"}, {"OK/IDLE", "ok_idle"}, {"OK/BUSY", "ok_busy"}, {"ERR", "error"},
    {"ERR/REC", "recovering"}, {"ERR/FRC", "forced_recovery"}, {"ERR/PRB", "probing"}}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kActivations{{
    {"ACT", "active"}, {"DIS", "disabled"}, {"STP", "stopped"}}};

void lb_families(Exposition& out, const std::vector<const LbView*>& lbs, const RenderContext& context) {
    const auto each_member = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        out.family(name, type, help);
        for (const LbView* lb : lbs) {
            for (const MemberView& m : lb->members) out.sample(name, member_labels(*lb, m), value(m));
        }
    };
    const auto state_set = [&](std::string_view name, std::string_view help, std::string_view label,
                               const auto& values, auto current) {
        out.family(name, "gauge", help);
        for (const LbView* lb : lbs) {
            for (const MemberView& m : lb->members) {
                for (const auto& [shown, value] : values) {
                    out.sample(name, member_labels(*lb, m) + "," + std::string(label) + "=\"" + std::string(value) + "\"",
                               current(m) == shown ? "1" : "0");
                }
            }
        }
    };
    state_set("ajpgate_member_state", "The member's state (a state set: 1 for the current one).", "state", kStates,
              [](const MemberView& m) { return std::string_view(m.state); });
    state_set("ajpgate_member_activation", "The member's activation (a state set: 1 for the current one).",
              "activation", kActivations, [](const MemberView& m) { return std::string_view(m.activation); });
    each_member("ajpgate_member_lbfactor", "gauge", "The member's load balancing factor now.",
                [](const MemberView& m) { return number(m.lbfactor); });
    each_member("ajpgate_member_sticky_hits_total", "counter",
                "Requests the member answered that its session route sent to it.",
                [](const MemberView& m) { return number(m.sticky_hits); });
    each_member("ajpgate_member_failovers_total", "counter",
                "Requests with a session the member answered although the session's route did not name it "
                "(its member failed, was unusable, or is gone).",
                [](const MemberView& m) { return number(m.failovers); });
    out.family("ajpgate_lb_members", "gauge", "Members by the status worker's rating (good, degraded, bad).");
    for (const LbView* lb : lbs) {
        const Rating rating = rate_members(*lb, settings_of(context));
        const std::string labels = "lb=\"" + escape_label(lb->name) + "\",rating=\"";
        out.sample("ajpgate_lb_members", labels + "good\"", number(rating.good));
        out.sample("ajpgate_lb_members", labels + "degraded\"", number(rating.degraded));
        out.sample("ajpgate_lb_members", labels + "bad\"", number(rating.bad));
    }
    const auto each_lb = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        out.family(name, type, help);
        for (const LbView* lb : lbs) out.sample(name, "lb=\"" + escape_label(lb->name) + "\"", value(*lb));
    };
    each_lb("ajpgate_lb_unavailable_total", "counter", "Requests answered 503 because no member could serve them.",
            [](const LbView& lb) { return number(lb.unavailable); });
    each_lb("ajpgate_lb_requests_in_flight", "gauge", "Requests inside the load balancer now.",
            [](const LbView& lb) { return number(lb.busy); });
}

}  // namespace

std::string render_prometheus(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    Exposition out;
    out.family("ajpgate_build_info", "gauge", "Always 1; the labels name the ajpgate version and the mod_jk it stands in for.");
    out.sample("ajpgate_build_info",
               "version=\"" + escape_label(page.version) + "\",jk_version=\"" + escape_label(page.jk_version) + "\"", "1");
    if (result.error) return out.take();  // the caller answers the error's status code
    std::vector<const LbView*> lbs;
    std::vector<WorkerRef> workers;
    std::set<std::string> seen;
    for (const WorkerView& worker : page.workers) {
        if (const auto* lb = std::get_if<LbView>(&worker)) {
            lbs.push_back(lb);
            for (const MemberView& m : lb->members) {
                if (seen.insert(m.ajp.name).second) workers.push_back({m.ajp.name, &m.counters});
            }
        } else if (const auto* ajp = std::get_if<AjpWorkerView>(&worker)) {
            if (seen.insert(ajp->ajp.name).second) workers.push_back({ajp->ajp.name, &ajp->counters});
        }
    }
    worker_families(out, workers);
    lb_families(out, lbs, context);
    return out.take();
}

}  // namespace ajpgate::status::detail
