// The HTML sections of cmd=list and cmd=show: each lb (configuration, summary, members with
// their S|E|R|T actions and a line per member being drained), each ajp worker, their URI maps,
// and the legend. Links only view; reset and recover are POST buttons (render_html.hpp).
#include "status/render_html.hpp"

#include <type_traits>

#include "status/status_drain.hpp"

namespace ajpgate::status::detail::html {

namespace {

constexpr std::string_view kNone = "&nbsp;";

void hide_link(const View& view, unsigned option, std::string_view label = "Hide") {
    Target target = view.here();
    target.add_options = option;
    view.out.raw("[");
    view.link(target, label);
    view.out.raw("]");
}

void show_link(const View& view, unsigned option, std::string_view label) {
    Target target = view.here();
    target.remove_options = option;
    view.link(target, label);
}

// "count (rate/sec)", mod_jk's per-second average since the last reset (-1: no time yet).
void count_cell(const View& view, std::uint64_t count, std::int64_t seconds) {
    const long long rate = seconds > 0 ? static_cast<long long>(count) / seconds : -1;
    view.out.raw("<td>").num(count).raw(" (").num(rate).raw("/sec)</td>");
}

void bytes_cell(const View& view, std::uint64_t bytes, std::int64_t seconds) {
    const std::string rate = seconds > 0 ? size_text(bytes / static_cast<std::uint64_t>(seconds)) : "-";
    view.out.raw("<td>").text(size_text(bytes)).raw(" (").text(rate).raw("/sec)</td>");
}

void text_or_none(const View& view, std::string_view text) {
    text.empty() ? view.out.raw("<td>").raw(kNone).raw("</td>") : view.out.cell(text);
}

void error_time_cell(const View& view, std::int64_t error_time) {
    error_time > 0 ? view.out.cell(format_time(error_time, true).datetime)
                   : view.out.raw("<td>").raw(kNone).raw("</td>");
}

void maps(const View& view, std::string_view worker, const std::vector<MapEntry>& entries) {
    Out& out = view.out;
    if (view.hidden(opt_no_maps)) {
        if (!entries.empty()) {
            out.raw("<p>");
            show_link(view, opt_no_maps, "Show URI Mappings");
            out.raw("</p>\n");
        }
        return;
    }
    if (entries.empty()) {
        out.raw("<hr><h3>Warning: No URI Mappings defined for ").text(worker).raw(" !</h3>\n");
        return;
    }
    const bool servers = !entries.front().server.empty();
    out.raw("<hr><h3>URI Mappings for ").text(worker).raw(" (").num(entries.size()).raw(" maps) ");
    hide_link(view, opt_no_maps);
    out.raw("</h3>\n<table><tr>").raw(servers ? "<th>Server</th>" : "")
        .raw("<th>URI</th><th>Match<br>Type</th><th>Source</th><th>Reply<br>Timeout</th><th>Sticky<br>Ignore</th>"
             "<th>Stateless</th><th>Fail on<br>Status</th><th>Active</th><th>Disabled</th><th>Stopped</th>"
             "<th>Use Server<br>Errors</th></tr>\n");
    for (const MapEntry& map : entries) {
        out.raw("<tr>");
        if (servers) out.cell(map.server);
        out.cell(map.uri).cell(map.type).cell(map.source).num_cell(map.reply_timeout).num_cell(map.sticky_ignore)
            .num_cell(map.stateless).cell(map.fail_on_status.value_or("-")).cell(map.active.value_or("-"))
            .cell(map.disabled.value_or("-")).cell(map.stopped.value_or("-")).num_cell(map.use_server_errors)
            .raw("</tr>\n");
    }
    out.raw("</table>\n");
}

// The h3 line: [S|E|R] and the worker's name; S is plain text on its own page.
void worker_heading(const View& view, std::string_view name) {
    Out& out = view.out;
    out.raw("<hr><h3>[");
    view.request.cmd == Command::show ? (void)out.raw("S") : view.link(Target{Command::show, name}, "S");
    if (!view.read_only) {
        out.raw("|");
        view.link(Target{Command::edit, name}, "E");
        out.raw("|");
        view.post_button(Target{Command::reset, name}, "R", "Reset worker state");
    }
    out.raw("]&nbsp;&nbsp;Worker Status for ").text(name).raw("</h3>\n");
}

void ajp_conf_cells(const View& view, const AjpSettings& ajp) {
    view.out.cell(ajp.type).cell(ajp.host).cell(ajp.address).cell(ajp.source.empty() ? "undefined" : ajp.source)
        .num_cell(ajp.connection_pool_timeout).num_cell(ajp.connect_timeout).num_cell(ajp.prepost_timeout)
        .num_cell(ajp.reply_timeout).num_cell(ajp.retries).num_cell(ajp.recovery_options).num_cell(ajp.busy_limit)
        .num_cell(ajp.max_packet_size);
}

constexpr std::string_view kAjpConfHead =
    "<th>Type</th><th>Hostname</th><th>Address:Port</th><th>Source</th><th>Connection<br>Pool Timeout</th>"
    "<th>Connect<br>Timeout</th><th>Prepost<br>Timeout</th><th>Reply<br>Timeout</th><th>Retries</th>"
    "<th>Recovery<br>Options</th><th>Busy<br>Limit</th><th>Max Packet<br>Size</th>";

void member_actions(const View& view, const LbView& lb, const MemberView& m, bool alone) {
    Out& out = view.out;
    out.raw("<td>[");
    alone ? (void)out.raw("S") : view.link(Target{Command::show, lb.name, m.ajp.name}, "S");
    if (!view.read_only) {
        out.raw("|");
        view.link(Target{Command::edit, lb.name, m.ajp.name}, "E");
        out.raw("|");
        view.post_button(Target{Command::reset, lb.name, m.ajp.name}, "R", "Reset worker state");
        if (m.state == "ERR") {  // mod_jk offers recovery in plain error state only
            out.raw("|");
            view.post_button(Target{Command::recover, lb.name, m.ajp.name}, "T", "Try worker recovery");
        }
    }
    out.raw("]</td>");
}

void member_row(const View& view, const LbView& lb, const MemberView& m, bool alone) {
    const AjpCounters& c = m.counters;
    const std::int64_t since_reset = view.page.now - c.last_reset_at;
    Out& out = view.out;
    out.raw("<tr>");
    member_actions(view, lb, m, alone);
    out.cell(m.ajp.name).cell(m.activation).cell(m.state).num_cell(m.distance).num_cell(m.lbfactor)
        .num_cell(m.lbmult).num_cell(m.lbvalue);
    count_cell(view, c.used, since_reset);
    count_cell(view, m.sessions, since_reset);
    out.num_cell(m.errors).num_cell(c.client_errors).num_cell(c.reply_timeouts);
    bytes_cell(view, c.transferred, since_reset);
    bytes_cell(view, c.read, since_reset);
    out.num_cell(c.busy).num_cell(c.max_busy).num_cell(c.connected).num_cell(c.max_connected).cell(m.route);
    text_or_none(view, m.redirect);
    text_or_none(view, m.domain);
    out.raw("<td>").num(m.time_to_recover_min).raw("/").num(m.time_to_recover_max).raw("</td>").num_cell(since_reset);
    error_time_cell(view, c.error_time);
    out.raw("</tr>\n");
}

void lb_toggles(const View& view) {
    struct Toggle { unsigned option; const char* label; bool shown; };
    const Toggle toggles[] = {
        {opt_no_lb_conf, "Show LB Configuration", view.hidden(opt_no_lb_conf)},
        {opt_no_lb_summary, "Show LB Summary", view.hidden(opt_no_lb_summary)},
        {opt_no_ajp_conf, "Show AJP Configuration", !view.hidden(opt_no_members) && view.hidden(opt_no_ajp_conf)},
        {opt_no_members, "Show Balancer Members", view.hidden(opt_no_members)},
    };
    bool started = false;
    for (const Toggle& toggle : toggles) {
        if (!toggle.shown) continue;
        view.out.raw(started ? "&nbsp;&nbsp;|&nbsp;&nbsp;" : "<p>");
        show_link(view, toggle.option, toggle.label);
        started = true;
    }
    if (started) view.out.raw("</p>\n");
}

void lb_configuration(const View& view, const LbView& lb) {
    Out& out = view.out;
    out.raw("<table><tr><th>Type</th><th>Sticky<br>Sessions</th><th>Force Sticky<br>Sessions</th><th>Retries</th>"
            "<th>LB<br>Method</th><th>Locking</th><th>Recover<br>Wait Time</th><th>Error<br>Escalation Time</th>"
            "<th>Max Reply<br>Timeouts</th><th>");
    hide_link(view, opt_no_lb_conf);
    out.raw("</th></tr>\n<tr><td>lb</td>").cell(lb.sticky_session ? "True" : "False")
        .cell(lb.sticky_session_force ? "True" : "False").num_cell(lb.retries).cell(lb.method).cell(lb.lock)
        .num_cell(lb.recover_time).num_cell(lb.error_escalation_time).num_cell(lb.max_reply_timeouts)
        .raw("<td></td></tr>\n</table>\n");
}

void lb_summary(const View& view, const LbView& lb) {
    const Rating rating = rate_members(lb, view.settings);
    Out& out = view.out;
    out.raw("<table><tr><th>Good</th><th>Degraded</th><th>Bad/Stopped</th><th>Busy</th><th>Max Busy</th>"
            "<th>Next Maintenance</th><th>Last Reset</th><th>");
    hide_link(view, opt_no_lb_summary);
    out.raw("</th></tr>\n<tr>").num_cell(rating.good).num_cell(rating.degraded).num_cell(rating.bad).num_cell(lb.busy)
        .num_cell(lb.max_busy).raw("<td>").num(lb.time_to_maintenance_min).raw("/").num(lb.time_to_maintenance_max)
        .raw("</td>").num_cell(view.page.now - lb.last_reset_at).raw("<td></td></tr>\n</table>\n");
}

void lb_members(const View& view, const LbView& lb, const MemberView* only) {
    Out& out = view.out;
    out.raw("<h4>Balancer Members ");
    if (only) {
        out.raw("[");
        view.link(Target{Command::show, lb.name}, "Show All Members");
        out.raw("]&nbsp;&nbsp;");
    }
    hide_link(view, opt_no_members);
    out.raw("</h4>\n");
    if (!view.hidden(opt_no_ajp_conf)) {
        out.raw("<table><tr><th>Name</th>").raw(kAjpConfHead).raw("<th>");
        hide_link(view, opt_no_ajp_conf);
        out.raw("</th></tr>\n");
        for (const MemberView& m : lb.members) {
            if (only && only != &m) continue;
            out.raw("<tr>").cell(m.ajp.name);
            ajp_conf_cells(view, m.ajp);
            out.raw("<td></td></tr>\n");
        }
        out.raw("</table>\n");
    }
    out.raw("<table><tr><th>&nbsp;</th><th>Name</th><th>Act</th><th>State</th><th>D</th><th>F</th><th>M</th><th>V</th>"
            "<th>Acc</th><th>Sess</th><th>Err</th><th>CE</th><th>RE</th><th>Wr</th><th>Rd</th><th>Busy</th>"
            "<th>MaxBusy</th><th>Con</th><th>MaxCon</th><th>Route</th><th>RR</th><th>Cd</th><th>Rs</th><th>LR</th>"
            "<th>LE</th></tr>\n");
    for (const MemberView& m : lb.members) {
        if (!only || only == &m) member_row(view, lb, m, only == &m);
    }
    out.raw("</table>\n");
    for (const MemberView& m : lb.members) {
        if ((!only || only == &m) && m.drain) {
            out.raw("<p class=\"drain\">Drain of <b>").text(m.ajp.name).raw("</b>: ").text(drain_summary(*m.drain))
                .raw("</p>\n");
        }
    }
    if (!view.read_only) write_mass_edit_choice(view, lb);
}

void lb_section(const View& view, const LbView& lb, const MemberView* only) {
    worker_heading(view, lb.name);
    lb_toggles(view);
    if (!view.hidden(opt_no_lb_conf)) lb_configuration(view, lb);
    if (!view.hidden(opt_no_lb_summary)) lb_summary(view, lb);
    if (!view.hidden(opt_no_members)) lb_members(view, lb, only);
    maps(view, lb.name, lb.maps);
}

void ajp_section(const View& view, const AjpWorkerView& w) {
    Out& out = view.out;
    worker_heading(view, w.ajp.name);
    if (view.hidden(opt_no_ajp_conf)) {
        out.raw("<p>");
        show_link(view, opt_no_ajp_conf, "Show AJP Configuration");
        out.raw("</p>\n");
    } else {
        out.raw("<table><tr>").raw(kAjpConfHead).raw("<th>");
        hide_link(view, opt_no_ajp_conf);
        out.raw("</th></tr>\n<tr>");
        ajp_conf_cells(view, w.ajp);
        out.raw("<td></td></tr>\n</table>\n");
    }
    const AjpCounters& c = w.counters;
    const std::int64_t since_reset = view.page.now - c.last_reset_at;
    out.raw("<table><tr><th>State</th><th>Acc</th><th>Err</th><th>CE</th><th>RE</th><th>Wr</th><th>Rd</th><th>Busy</th>"
            "<th>MaxBusy</th><th>Con</th><th>MaxCon</th><th>LR</th><th>LE</th></tr>\n<tr>")
        .cell(w.state);
    count_cell(view, c.used, since_reset);
    out.num_cell(c.errors).num_cell(c.client_errors).num_cell(c.reply_timeouts);
    bytes_cell(view, c.transferred, since_reset);
    bytes_cell(view, c.read, since_reset);
    out.num_cell(c.busy).num_cell(c.max_busy).num_cell(c.connected).num_cell(c.max_connected).num_cell(since_reset);
    error_time_cell(view, c.error_time);
    out.raw("</tr>\n</table>\n");
    maps(view, w.ajp.name, w.maps);
}

template <class Worker>
void list_type(const View& view, int count, unsigned option, std::string_view what, std::string_view show_label) {
    Out& out = view.out;
    if (view.hidden(option)) {
        out.raw("<p>");
        show_link(view, option, show_label);
        out.raw("</p>\n");
        return;
    }
    const char* plural = count > 1 ? "s" : "";
    out.raw("<hr><h2>Listing ").raw(what).raw(" Worker").raw(plural);
    out.raw(" (").num(count).raw(" Worker").raw(plural).raw(") ");
    hide_link(view, option);
    out.raw("</h2>\n");
    for (const WorkerView& worker : view.page.workers) {
        if (const auto* w = std::get_if<Worker>(&worker)) {
            if constexpr (std::is_same_v<Worker, LbView>) {
                lb_section(view, *w, nullptr);
            } else {
                ajp_section(view, *w);
            }
        }
    }
}

}  // namespace

void write_list(const View& view) {
    const WorkerCounts counts = count_workers(view.page);
    if (counts.lb > 0) list_type<LbView>(view, counts.lb, opt_no_lb, "Load Balancing", "Show Load Balancing Workers");
    if (counts.ajp > 0) list_type<AjpWorkerView>(view, counts.ajp, opt_no_ajp, "AJP", "Show AJP Workers");
}

void write_show(const View& view) {
    const WorkerView* worker = find_worker(view.page, view.request.worker);
    if (const auto* lb = worker ? std::get_if<LbView>(worker) : nullptr) {
        lb_section(view, *lb, shown_member(*lb, view.context));
    } else if (const auto* ajp = worker ? std::get_if<AjpWorkerView>(worker) : nullptr) {
        ajp_section(view, *ajp);
    }
}

}  // namespace ajpgate::status::detail::html
