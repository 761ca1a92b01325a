// cmd=history: every ajp13 worker's last hour (lib/balancer/history.hpp) as JSON, whatever
// the mime: one object per worker with its samples oldest first, each the interval's counts,
// latency quantiles in seconds and the gauges at its end. The dashboard draws its charts
// from it; a script can too.
#include <cinttypes>
#include <cstdio>

#include "status/render_common.hpp"
#include "status/render_formats.hpp"

namespace ajpgate::status::detail {

namespace {

void seconds(std::string& out, std::uint32_t micros) {
    char text[32];
    std::snprintf(text, sizeof text, "%" PRIu32 ".%06" PRIu32, micros / 1'000'000, micros % 1'000'000);
    out += text;
}

void sample(std::string& out, const balancer::HistorySample& s) {
    out += "{\"at\":" + std::to_string(s.at) + ",\"seconds\":" + std::to_string(s.seconds) +
           ",\"requests\":" + std::to_string(s.requests) + ",\"errors\":{";
    std::uint64_t errors = 0;
    for (std::size_t k = 0; k < balancer::kErrorKinds; ++k) {
        out += (k ? ",\"" : "\"") + std::string(balancer::to_string(static_cast<balancer::ErrorKind>(k))) +
               "\":" + std::to_string(s.errors[k]);
        errors += s.errors[k];
    }
    out += "},\"errors_total\":" + std::to_string(errors) + ",\"responses_5xx\":" + std::to_string(s.responses_5xx) +
           ",\"sticky_hits\":" + std::to_string(s.sticky_hits) + ",\"failovers\":" + std::to_string(s.failovers) +
           ",\"headers_p50_seconds\":";
    seconds(out, s.headers_p50_us);
    out += ",\"headers_p99_seconds\":";
    seconds(out, s.headers_p99_us);
    out += ",\"total_p50_seconds\":";
    seconds(out, s.total_p50_us);
    out += ",\"total_p99_seconds\":";
    seconds(out, s.total_p99_us);
    out += ",\"busy\":" + std::to_string(s.busy) + ",\"connections\":" + std::to_string(s.connections) + "}";
}

}  // namespace

std::string render_history(const StatusPage& page, const ActionResult& result) {
    std::string out = "{\"interval_seconds\":" + std::to_string(balancer::kHistoryInterval.count()) +
                      ",\"now\":" + std::to_string(page.now);
    if (result.error) {
        out += ",\"error\":";
        append_json_string(out, *result.error);
        return out + "}\n";
    }
    out += ",\"workers\":[";
    for (std::size_t w = 0; w < page.history.size(); ++w) {
        const WorkerHistory& h = page.history[w];
        out += w ? ",{\"name\":" : "{\"name\":";
        append_json_string(out, h.name);
        out += ",\"samples\":[";
        for (std::size_t i = 0; i < h.samples.size(); ++i) {
            if (i) out += ',';
            sample(out, h.samples[i]);
        }
        out += "]}";
    }
    return out + "]}\n";
}

}  // namespace ajpgate::status::detail
