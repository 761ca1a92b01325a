// cmd=dashboard: per lb and member, state and activation at a glance and charts over time
// (requests/s, errors/s, p50/p99 time to headers, busy vs connections, sticky hits vs
// failovers), drawn on the server as SVG sparklines from the history ring, so the page reads
// without JavaScript. dashboard.js (dashboard_assets.cpp, served from the same mount) then
// polls mime=json every 2 s and extends the charts and the states live. The page carries no
// inline script or style: the Content-Security-Policy allows only this mount's own files.
#include <algorithm>
#include <cstdio>
#include <map>

#include "status/html_writer.hpp"
#include "status/render_common.hpp"
#include "status/render_formats.hpp"
#include "status/status_drain.hpp"

namespace ajpgate::status::detail {

namespace {

using html::Out;

// mod_jk's display states as three colours: good, degraded (recovering), bad.
std::string_view state_class(std::string_view state) {
    if (state.starts_with("OK")) return "good";
    if (state == "ERR") return "bad";
    return "warn";
}

std::string_view activation_class(std::string_view activation) {
    if (activation == "DIS") return "disabled";
    if (activation == "STP") return "stopped";
    return "active";
}

struct Series {
    std::vector<double> values;
};

// One value per history sample for the chart `name` (see kCharts).
std::vector<Series> series_of(std::string_view chart, const std::vector<balancer::HistorySample>& samples) {
    std::vector<Series> lines(chart == "latency" || chart == "busy" || chart == "sessions" ? 2 : 1);
    for (const auto& s : samples) {
        const double secs = s.seconds > 0 ? s.seconds : 10.0;
        if (chart == "requests") {
            lines[0].values.push_back(s.requests / secs);
        } else if (chart == "errors") {
            std::uint64_t errors = 0;
            for (std::uint32_t e : s.errors) errors += e;
            lines[0].values.push_back(static_cast<double>(errors) / secs);
        } else if (chart == "latency") {
            lines[0].values.push_back(s.headers_p50_us / 1000.0);
            lines[1].values.push_back(s.headers_p99_us / 1000.0);
        } else if (chart == "busy") {
            lines[0].values.push_back(s.busy);
            lines[1].values.push_back(s.connections);
        } else {
            lines[0].values.push_back(s.sticky_hits / secs);
            lines[1].values.push_back(s.failovers / secs);
        }
    }
    return lines;
}

struct Chart {
    std::string_view id;
    std::string_view title;
    std::string_view legend;  // the second line's name, if any
};
constexpr Chart kCharts[] = {{"requests", "requests/s", ""},
                             {"errors", "errors/s", ""},
                             {"latency", "p50 / p99 ms", "p99"},
                             {"busy", "busy / connections", "connections"},
                             {"sessions", "sticky hits / failovers per s", "failovers"}};

constexpr int kWidth = 160;
constexpr int kHeight = 36;

std::string number_text(double v) {
    char text[32];
    std::snprintf(text, sizeof text, v >= 100 || v == static_cast<long long>(v) ? "%.0f" : "%.1f", v);
    return text;
}

void sparkline(Out& out, const Chart& chart, const std::vector<balancer::HistorySample>& samples) {
    const auto lines = series_of(chart.id, samples);
    double top = 1;
    for (const Series& line : lines) {
        for (double v : line.values) top = std::max(top, v);
    }
    out.raw("<figure class=\"chart\" data-chart=\"").raw(chart.id).raw("\"><figcaption>").text(chart.title)
        .raw(" <b class=\"now\">");
    out.text(lines[0].values.empty() ? "-" : number_text(lines[0].values.back()));
    out.raw("</b></figcaption><svg viewBox=\"0 0 ").num(kWidth).raw(" ").num(kHeight)
        .raw("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"").text(chart.title).raw("\">");
    for (std::size_t l = 0; l < lines.size(); ++l) {
        out.raw("<polyline class=\"line").num(l).raw("\" points=\"");
        const auto& v = lines[l].values;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const double x = v.size() == 1 ? kWidth : static_cast<double>(i) * kWidth / static_cast<double>(v.size() - 1);
            const double y = kHeight - 1 - v[i] / top * (kHeight - 2);
            char point[48];
            std::snprintf(point, sizeof point, "%s%.1f,%.1f", i ? " " : "", x, y);
            out.raw(point);
        }
        out.raw("\"/>");
    }
    out.raw("</svg></figure>\n");
}

const std::vector<balancer::HistorySample>& samples_for(const StatusPage& page, std::string_view worker) {
    static const std::vector<balancer::HistorySample> none;
    for (const WorkerHistory& h : page.history) {
        if (h.name == worker) return h.samples;
    }
    return none;
}

// One form per action: drain (DIS now, drained once quiet), migrate (then STP: sessions move
// to other members), and activate again. The script shows the ones that apply; without it
// every form works and answers with the status worker's text result.
void drain_panel(Out& out, const RenderContext& context, const LbView& lb, std::string_view member) {
    struct Action {
        std::string_view form_class, cmd, extra, label;
    };
    constexpr Action kActions[] = {
        {"drain", "drain", "", "Drain"},
        {"drain", "drain", "<input type=\"hidden\" name=\"mode\" value=\"migrate\">", "Migrate sessions"},
        {"activate", "update", "<input type=\"hidden\" name=\"vwa\" value=\"A\">", "Activate"}};
    out.raw("<div class=\"panel\">");
    for (const Action& a : kActions) {
        out.raw("<form class=\"").raw(a.form_class).raw("\" method=\"post\" action=\"").text(context.request_uri)
            .raw("\"><input type=\"hidden\" name=\"cmd\" value=\"").raw(a.cmd)
            .raw("\"><input type=\"hidden\" name=\"mime\" value=\"txt\"><input type=\"hidden\" name=\"w\" value=\"")
            .text(lb.name).raw("\"><input type=\"hidden\" name=\"sw\" value=\"").text(member).raw("\">").raw(a.extra)
            .raw("<button type=\"submit\">").raw(a.label).raw("</button></form>");
    }
    out.raw("</div>\n");
}

void member_card(Out& out, const StatusPage& page, const RenderContext& context, const LbView* lb,
                 const AjpSettings& ajp, const AjpCounters& c, std::string_view state, const MemberView* m) {
    const std::string_view activation = m ? std::string_view(m->activation) : std::string_view("ACT");
    out.raw("<article class=\"worker ").raw(state_class(state)).raw(" ").raw(activation_class(activation))
        .raw("\" data-worker=\"").text(ajp.name).raw("\"><h3>").text(ajp.name)
        .raw(" <span class=\"badge state\">").text(state).raw("</span>");
    if (m) out.raw(" <span class=\"badge activation\">").text(activation).raw("</span>");
    out.raw("</h3>\n<p class=\"facts\">");
    if (m) out.raw("route <b>").text(m->route).raw("</b> · lbfactor <b>").num(m->lbfactor).raw("</b> · ");
    out.raw("busy <b class=\"busy\">").num(c.busy).raw("</b>/").num(c.max_busy).raw(" · connections <b class=\"conn\">")
        .num(c.connected).raw("</b> · requests <b class=\"requests\">").num(c.total_used).raw("</b></p>\n");
    const auto& samples = samples_for(page, ajp.name);
    for (const Chart& chart : kCharts) {
        if (!m && chart.id == "sessions") continue;
        sparkline(out, chart, samples);
    }
    if (m) {
        out.raw("<p class=\"drain-progress\">");
        if (m->drain) out.text(drain_summary(*m->drain));
        out.raw("</p>\n");
    }
    if (m && lb && !context.read_only) drain_panel(out, context, *lb, ajp.name);
    out.raw("</article>\n");
}

}  // namespace

std::string render_dashboard(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    Out out;
    const std::string& uri = context.request_uri;
    out.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>ajpgate dashboard</title><link rel=\"icon\" type=\"image/svg+xml\" href=\"")
        .text(uri).raw("?cmd=dashboard&amp;asset=favicon.svg\"><link rel=\"stylesheet\" href=\"")
        .text(uri).raw("?cmd=dashboard&amp;asset=dashboard.css\"><script defer src=\"").text(uri)
        .raw("?cmd=dashboard&amp;asset=dashboard.js\"></script></head>\n<body data-json=\"").text(uri)
        .raw("?cmd=list&amp;mime=json\" data-history=\"").text(uri).raw("?cmd=history\">\n<header><h1>ajpgate</h1> ")
        .raw("<span class=\"server\">").text(page.server_name).raw(" · ").text(page.version)
        .raw("</span> <span id=\"live\" class=\"live\">static view</span> <a href=\"").text(uri)
        .raw("\">Classic status page</a></header>\n<main>\n");
    if (result.error) {
        out.raw("<p class=\"error\">").text(*result.error).raw("</p>\n");
    }
    for (const WorkerView& worker : page.workers) {
        if (const auto* lb = std::get_if<LbView>(&worker)) {
            const Rating rating = rate_members(*lb, settings_of(context));
            out.raw("<section class=\"lb\" data-lb=\"").text(lb->name).raw("\"><h2>").text(lb->name)
                .raw("</h2><p class=\"summary\">members good <b>").num(rating.good).raw("</b>, degraded <b>")
                .num(rating.degraded).raw("</b>, bad <b>").num(rating.bad).raw("</b> · in flight <b>").num(lb->busy)
                .raw("</b> · 503s (no member) <b class=\"unavailable\">").num(lb->unavailable).raw("</b></p>\n<div class=\"cards\">");
            for (const MemberView& m : lb->members) {
                member_card(out, page, context, lb, m.ajp, m.counters, m.state, &m);
            }
            out.raw("</div></section>\n");
        }
    }
    bool heading = false;
    for (const WorkerView& worker : page.workers) {
        if (const auto* ajp = std::get_if<AjpWorkerView>(&worker)) {
            if (!heading) out.raw("<section class=\"ajp\"><h2>ajp13 workers</h2><div class=\"cards\">");
            heading = true;
            member_card(out, page, context, nullptr, ajp->ajp, ajp->counters, ajp->state, nullptr);
        }
    }
    if (heading) out.raw("</div></section>\n");
    out.raw("<section class=\"actions\"><h2>Last admin actions</h2><ol id=\"actions\">");
    for (const balancer::Action& action : page.admin_actions) {
        out.raw("<li><time>").text(format_time(action.at, true).datetime).raw("</time> ").text(action.text).raw("</li>");
    }
    if (page.admin_actions.empty()) out.raw("<li class=\"none\">none since start-up</li>");
    out.raw("</ol></section>\n");
    out.raw("</main>\n<footer>Charts: the last hour, one point per 10 s (the history ring), then one per 2 s "
            "while this page is open. Colours: green OK, amber recovering, red in error; a dashed card is "
            "disabled, a grey one stopped.</footer>\n</body></html>\n");
    return out.take();
}

}  // namespace ajpgate::status::detail
