// mime=html: the page frame (head, title, refresh, style, header, navigation), the answers
// of the commands that show nothing (update/reset/recover: a redirect back), errors and the
// footer. The workers' sections and the edit forms are in render_html_workers.cpp and
// render_html_forms.cpp; render_html.hpp lists what differs from mod_jk on purpose.
#include "status/render_html.hpp"

#include "status/render_formats.hpp"
#include "status/render_walk.hpp"

namespace ajpgate::status::detail {

namespace html {

namespace {

constexpr int kRedirectSeconds = 3;  // mod_jk's JK_STATUS_WAIT_AFTER_UPDATE
constexpr std::string_view kRefreshDefault = "10";

constexpr std::string_view kStyle =
    "<style>\n"
    "body{font-family:sans-serif;font-size:small;margin:1em}\n"
    "table{border-collapse:collapse;margin-bottom:.5em}\n"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top;white-space:nowrap}\n"
    "th{background:#eee}\n"
    "form.inline{display:inline;margin:0}\n"
    "form.inline button{font-size:inherit;padding:0 2px;cursor:pointer}\n"
    "nav td,.head td{border:none}\n"
    "footer{margin-top:1em;color:#666}\n"
    "</style>\n";

bool refreshing(const View& view) {
    return (view.request.cmd == Command::list || view.request.cmd == Command::show) && view.request.refresh > 0;
}

void head(const View& view, const ActionResult& result) {
    Out& out = view.out;
    out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>JK Status Manager</title>\n");
    if (!result.error && is_action(view.request.cmd)) {
        out.raw("<meta http-equiv=\"refresh\" content=\"").num(kRedirectSeconds).raw(";url=")
            .raw(view.href(view.back())).raw("\">\n");
    } else if (!result.error && refreshing(view)) {
        out.raw("<meta http-equiv=\"refresh\" content=\"").num(view.request.refresh).raw(";url=")
            .raw(view.href(view.here())).raw("\">\n");
    }
    if (!view.settings.css.empty()) {
        out.raw("<link rel=\"stylesheet\" type=\"text/css\" href=\"").text(view.settings.css).raw("\">\n");
    } else {
        out.raw(kStyle);
    }
    out.raw("</head>\n<body>\n<h1>JK Status Manager for ").text(view.page.server_name).raw(":")
        .num(view.page.server_port);
    if (view.read_only) {
        out.raw(" (read only)");
    }
    out.raw("</h1>\n");
}

void versions(const View& view) {
    const TimeText now = format_time(view.page.now, true);
    view.out.raw("<table class=\"head\"><tr><td>Server Version:</td>").cell(view.page.web_server)
        .raw("<td></td><td>Server Time:</td>").cell(now.datetime)
        .raw("</tr>\n<tr><td>JK Version:</td>").cell(view.page.jk_version)
        .raw("<td></td><td>Unix Seconds:</td>").num_cell(view.page.now).raw("</tr></table>\n<hr>\n");
}

Params without_mime(Params params) {
    std::erase_if(params, [](const auto& p) { return p.first == "mime"; });
    return params;
}

void refresh_control(const View& view) {
    Out& out = view.out;
    Target still = view.here();
    still.keep_refresh = false;
    out.raw("<td>");
    if (view.request.refresh > 0) {
        out.raw("[");
        view.link(still, "Stop auto refresh");
        out.raw("]");
    } else {
        out.raw("<form method=\"get\" action=\"").text(view.context.request_uri).raw("\">\n");
        view.hidden_fields(view.params(still));
        out.raw("<input type=\"submit\" value=\"Start auto refresh\">\n")
            .raw("(every <input name=\"re\" type=\"text\" size=\"3\" value=\"")
            .raw(kRefreshDefault)
            .raw("\"> seconds)</form>\n");
    }
    out.raw("</td>\n");
}

void format_control(const View& view) {
    Out& out = view.out;
    out.raw("<td><form method=\"get\" action=\"").text(view.context.request_uri).raw("\">\n");
    view.hidden_fields(without_mime(view.params(view.here())));
    out.raw("<input type=\"submit\" value=\"Change format\">\n<select name=\"mime\" size=\"1\">"
            "<option value=\"xml\">XML</option><option value=\"prop\">Properties</option>"
            "<option value=\"txt\">Text</option></select></form></td>\n");
}

// [Back to worker list] or, for an edit that came from a worker's page, [Back to worker view].
void back_control(const View& view) {
    view.out.raw("<td>[");
    if (view.request.cmd != Command::edit || parse_command(view.request.from) == Command::list) {
        view.link(Target{Command::list}, "Back to worker list");
    } else {
        view.link(Target{Command::show, view.request.worker, view.previous_sub_worker()}, "Back to worker view");
    }
    view.out.raw("]</td>\n");
}

void read_only_control(const View& view) {
    Target toggle = view.here();
    (view.read_only ? toggle.remove_options : toggle.add_options) = opt_read_only;
    view.out.raw("<td>[");
    view.link(toggle, view.read_only ? "Read/Write" : "Read Only");
    view.out.raw("]</td>\n");
}

void dump_control(const View& view) {
    view.out.raw("<td>[");
    view.link(Target{Command::dump}, "Dump");
    view.out.raw("]</td>\n");
}

// Which command gets which control: mod_jk's status_cmd_props().
void navigation(const View& view) {
    const Command cmd = view.request.cmd;
    const bool viewing = cmd == Command::list || cmd == Command::show;
    Out& out = view.out;
    out.raw("<nav><table><tr>\n");
    if (viewing) refresh_control(view);
    if (viewing || cmd == Command::version || cmd == Command::dump) format_control(view);
    if (cmd == Command::show || cmd == Command::edit || cmd == Command::version || cmd == Command::dump) {
        back_control(view);
    }
    if (viewing && !view.settings.read_only) read_only_control(view);
    if (viewing || cmd == Command::version) dump_control(view);
    if (viewing) {
        out.raw("<td>[");
        view.link(Target{Command::dashboard}, "Dashboard");
        out.raw("]</td>\n");
    }
    if (viewing && (cmd == Command::list || !view.read_only)) {
        out.raw("<td>[").raw(cmd == Command::list ? "<b>S</b>=Show only this worker, " : "")
            .raw("<b>E</b>=Edit worker, <b>R</b>=Reset worker state, <b>T</b>=Try worker recovery]</td>\n");
    }
    out.raw("</tr></table></nav>\n");
}

void dump(const View& view) {
    Out& out = view.out;
    out.raw("<hr><h2>Configuration Data</h2>\n<p>This dump does not include any changes applied by the status worker "
            "to the configuration after the initial startup.</p>\n<pre>\n");
    for_each_dump_line(view.page, [&out](std::string_view name, std::string_view value) {
        out.text(name).raw("=").text(value).raw("\n");
    });
    out.raw("</pre>\n");
}

void content(const View& view) {
    switch (view.request.cmd) {
    case Command::list: write_list(view); break;
    case Command::show: write_show(view); break;
    case Command::edit: write_edit(view); break;
    case Command::dump: dump(view); break;
    default: break;
    }
    if (view.request.cmd == Command::list || view.request.cmd == Command::show) {
        write_legend(view);
    }
}

void result_line(const View& view, const ActionResult& result) {
    Out& out = view.out;
    if (result.error) {
        out.raw("<p><b>Result: ERROR - ").text(*result.error).raw("</b><br>\n");
    } else if (is_action(view.request.cmd)) {
        out.raw("<p><b>Result: OK - You will be redirected in ").num(kRedirectSeconds).raw(" seconds.</b> [");
        view.link(view.back(), "Go back now");
        out.raw("]<br>\n");
    } else {
        out.raw("<p>");
    }
    out.raw("<a href=\"").text(view.context.request_uri).raw("\">JK Status Manager Start Page</a></p>\n");
}

}  // namespace

void write_legend(const View& view) {
    Out& out = view.out;
    if (view.hidden(opt_no_legend)) {
        Target show = view.here();
        show.remove_options = opt_no_legend;
        out.raw("<p>");
        view.link(show, "Show Legend");
        out.raw("</p>\n");
        return;
    }
    Target hide = view.here();
    hide.add_options = opt_no_legend;
    out.raw("<h2>Legend [");
    view.link(hide, "Hide");
    out.raw("]</h2>\n<table>\n");
    constexpr std::string_view kColumns[][2] = {
        {"Name", "Worker name"},
        {"Type", "Worker type"},
        {"Route", "Worker route"},
        {"Act", "Worker activation configuration<br>ACT=Active, DIS=Disabled, STP=Stopped"},
        {"State", "Worker error status<br>OK=OK, ERR=Error with substates<br>IDLE=No requests handled, "
                  "BUSY=All connections busy,<br>REC=Recovering, PRB=Probing, FRC=Forced Recovery"},
        {"D", "Worker distance"},
        {"F", "Load Balancer factor"},
        {"M", "Load Balancer multiplicity"},
        {"V", "Load Balancer value"},
        {"Acc", "Number of requests"},
        {"Sess", "Number of sessions created"},
        {"Err", "Number of failed requests"},
        {"CE", "Number of client errors"},
        {"RE", "Number of reply timeouts (decayed)"},
        {"Wr", "Number of bytes transferred"},
        {"Rd", "Number of bytes read"},
        {"Busy", "Current number of busy connections"},
        {"MaxBusy", "Maximum number of busy connections"},
        {"Con", "Current number of backend connections"},
        {"MaxCon", "Maximum number of backend connections"},
        {"RR", "Route redirect"},
        {"Cd", "Cluster domain"},
        {"Rs", "Recovery scheduled in app. min/max seconds"},
        {"LR", "Seconds since last reset of statistics counters"},
        {"LE", "Timestamp of the last error"},
    };
    for (const auto& [column, meaning] : kColumns) {
        out.raw("<tr><th>").raw(column).raw("</th><td>").raw(meaning).raw("</td></tr>\n");
    }
    out.raw("</table>\n");
}

}  // namespace html

std::string render_html(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    html::Out out;
    const config::StatusWorker& settings = settings_of(context);
    const StatusRequest& request = request_of(context);
    // A read-only worker never offers E, R or T, whatever the caller decided.
    const bool read_only = context.read_only || is_read_only(settings, request);
    const html::View view{page, context, settings, request, read_only, out};
    html::head(view, result);
    if (!result.error && !is_action(view.request.cmd)) {
        if (shows_head(view.request.cmd)) html::versions(view);
        html::navigation(view);
        html::content(view);
    }
    html::result_line(view, result);
    out.raw("<hr><footer>JK Status Manager (ajpgate, compatible with mod_jk 1.2.48)</footer>\n</body>\n</html>\n");
    return out.take();
}

}  // namespace ajpgate::status::detail
