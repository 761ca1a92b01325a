// The HTML edit forms (cmd=edit): an lb's settings, one member's (or ajp worker's) settings,
// one attribute for every member (att=). They POST cmd=update with mod_jk's parameter names
// (vlr, vwa, vahst, val<N>, ...) and carry from/psw so the update can go back.
#include "status/render_html.hpp"

namespace ajpgate::status::detail::html {

namespace {

constexpr int kMaxNameLength = 60;  // mod_jk's JK_MAX_NAME_LEN (routes, domains, hosts)

enum class Kind : std::uint8_t { number, name, activation };
enum class Group : std::uint8_t { balancing, ajp };

// One editable value of a member: mod_jk's parameter, its label, how it is edited.
struct Attribute {
    std::string_view code;
    std::string_view label;
    Group group;
    Kind kind;
    bool for_all_members;  // offered in the mass edit (host and port are not)
    std::string (*value)(const AjpSettings& ajp, const MemberView* member);
};

template <class T>
std::string num(T value) {
    return std::to_string(value);
}

using Ajp = const AjpSettings&;
using Member = const MemberView*;

constexpr Attribute kAttributes[] = {
    {"vwa", "Activation", Group::balancing, Kind::activation, true, [](Ajp, Member m) { return m->activation; }},
    {"vwf", "LB Factor", Group::balancing, Kind::number, true, [](Ajp, Member m) { return num(m->lbfactor); }},
    {"vwn", "Route", Group::balancing, Kind::name, true, [](Ajp, Member m) { return m->route; }},
    {"vwr", "Redirect Route", Group::balancing, Kind::name, true, [](Ajp, Member m) { return m->redirect; }},
    {"vwc", "Cluster Domain", Group::balancing, Kind::name, true, [](Ajp, Member m) { return m->domain; }},
    {"vwd", "Distance", Group::balancing, Kind::number, true, [](Ajp, Member m) { return num(m->distance); }},
    {"vahst", "Hostname", Group::ajp, Kind::name, false, [](Ajp a, Member) { return a.host; }},
    {"vaprt", "Port", Group::ajp, Kind::number, false, [](Ajp a, Member) { return num(a.port); }},
    {"vacpt", "Connection Pool Timeout", Group::ajp, Kind::number, true,
     [](Ajp a, Member) { return num(a.connection_pool_timeout); }},
    {"vapng", "Ping Timeout", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.ping_timeout); }},
    {"vact", "Connect Timeout", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.connect_timeout); }},
    {"vapt", "Prepost Timeout", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.prepost_timeout); }},
    {"vart", "Reply Timeout", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.reply_timeout); }},
    {"var", "Retries", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.retries); }},
    {"vari", "Retry Interval", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.retry_interval); }},
    {"vacpi", "Connection Ping Interval", Group::ajp, Kind::number, true,
     [](Ajp a, Member) { return num(a.connection_ping_interval); }},
    {"varo", "Recovery Options", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.recovery_options); }},
    {"vabl", "Busy Limit", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.busy_limit); }},
    {"vamps", "Max Packet Size", Group::ajp, Kind::number, true, [](Ajp a, Member) { return num(a.max_packet_size); }},
};

const Attribute* find_attribute(std::string_view code) {
    for (const Attribute& attribute : kAttributes) {
        if (attribute.code == code && attribute.for_all_members) return &attribute;
    }
    return nullptr;
}

// <form method="post"> with cmd=update and what the edit request carries (status_start_form).
void start_update_form(const View& view) {
    view.out.raw("<form method=\"post\" action=\"").text(view.context.request_uri).raw("\">\n");
    Params fields{{"cmd", "update"}};
    for (const char* name : {"from", "psw", "mime", "w", "sw", "att", "opt"}) {
        if (const std::string* value = view.request.find(name)) fields.emplace_back(name, *value);
    }
    view.hidden_fields(fields);
}

void radio(const View& view, std::string_view name, int value, bool checked, std::string_view label) {
    view.out.raw("<label><input name=\"").text(name).raw("\" type=\"radio\" value=\"").num(value).raw("\"")
        .raw(checked ? " checked" : "").raw(">").text(label).raw("</label> ");
}

void activation_radios(const View& view, std::string_view name, std::string_view current) {
    radio(view, name, 0, current == "ACT", "Active");
    radio(view, name, 1, current == "DIS", "Disabled");
    radio(view, name, 2, current == "STP", "Stopped");
}

void input(const View& view, std::string_view name, const Attribute& attribute, const std::string& value) {
    if (attribute.kind == Kind::activation) {
        activation_radios(view, name, value);
        return;
    }
    view.out.raw("<input name=\"").text(name).raw("\" type=\"text\" value=\"").text(value).raw("\"");
    if (attribute.kind == Kind::name) view.out.raw(" maxlength=\"").num(kMaxNameLength).raw("\"");
    view.out.raw(">");
}

void number_row(const View& view, std::string_view label, std::string_view name, int value) {
    view.out.raw("<tr><td>").text(label).raw(":</td><td><input name=\"").text(name).raw("\" type=\"text\" value=\"")
        .num(value).raw("\"></td></tr>\n");
}

// A hidden 0 before the box: unchecked, the update still learns "off" (last value wins).
void checkbox_row(const View& view, std::string_view label, std::string_view name, bool checked) {
    view.out.raw("<tr><td>").text(label).raw(":</td><td><input type=\"hidden\" name=\"").text(name)
        .raw("\" value=\"0\"><input name=\"").text(name).raw("\" type=\"checkbox\" value=\"1\"")
        .raw(checked ? " checked" : "")
        .raw("></td></tr>\n");
}

void choice_row(const View& view, std::string_view label, std::string_view name,
                std::initializer_list<std::string_view> options, std::string_view current) {
    view.out.raw("<tr><td>").text(label).raw(":</td><td>");
    int code = 0;
    for (std::string_view option : options) {
        radio(view, name, code++, option == current, option);
    }
    view.out.raw("</td></tr>\n");
}

void lb_form(const View& view, const LbView& lb) {
    Out& out = view.out;
    out.raw("<hr><h3>Edit load balancer settings for ").text(lb.name).raw("</h3>\n");
    start_update_form(view);
    out.raw("<table>\n");
    number_row(view, "Retries", "vlr", lb.retries);
    number_row(view, "Retry Interval", "vlri", lb.retry_interval);
    number_row(view, "Recover Wait Time", "vlt", lb.recover_time);
    number_row(view, "Error Escalation Time", "vlee", lb.error_escalation_time);
    number_row(view, "Max Reply Timeouts", "vlx", lb.max_reply_timeouts);
    checkbox_row(view, "Sticky Sessions", "vls", lb.sticky_session);
    checkbox_row(view, "Force Sticky Sessions", "vlf", lb.sticky_session_force);
    // Values are mod_jk's method and lock codes (0 Request ... 4 Next; 0 Optimistic, 1 Pessimistic).
    choice_row(view, "LB Method", "vlm", {"Request", "Traffic", "Busyness", "Sessions", "Next"}, lb.method);
    choice_row(view, "Locking", "vll", {"Optimistic", "Pessimistic"}, lb.lock);
    out.raw("</table>\n<input type=\"submit\" value=\"Update Balancer\"></form>\n");
}

void attribute_rows(const View& view, Group group, const AjpSettings& ajp, const MemberView* member) {
    view.out.raw("<table>\n");
    for (const Attribute& attribute : kAttributes) {
        if (attribute.group != group) continue;
        view.out.raw("<tr><td>").text(attribute.label).raw(":</td><td>");
        input(view, attribute.code, attribute, attribute.value(ajp, member));
        view.out.raw("</td></tr>\n");
    }
    view.out.raw("</table>\n");
}

void member_form(const View& view, const AjpSettings& ajp, const MemberView* member) {
    Out& out = view.out;
    out.raw("<hr><h3>Edit worker settings for ").text(ajp.name).raw("</h3>\n");
    start_update_form(view);
    if (member) {
        out.raw("<table><tr><th>Balancing related settings</th><th>AJP settings</th></tr>\n<tr><td>");
        attribute_rows(view, Group::balancing, ajp, member);
        out.raw("</td><td>");
    }
    attribute_rows(view, Group::ajp, ajp, member);
    if (member) out.raw("</td></tr></table>\n");
    out.raw("<input type=\"submit\" value=\"Update Worker\"></form>\n");
}

void all_members_form(const View& view, const LbView& lb) {
    Out& out = view.out;
    const Attribute* attribute = find_attribute(view.request.attribute);
    if (!attribute) {
        out.raw("<p>Unknown attribute '").text(view.request.attribute).raw("'.</p>\n");
        return;
    }
    out.raw("<hr><h3>Edit attribute '").text(attribute->label).raw("' for all members of load balancer ").text(lb.name)
        .raw("</h3>\n");
    start_update_form(view);
    out.raw("<table><tr><th>Balanced Worker</th><th>").text(attribute->label).raw("</th></tr>\n");
    for (std::size_t i = 0; i < lb.members.size(); ++i) {
        const MemberView& member = lb.members[i];
        out.raw("<tr>").cell(member.ajp.name).raw("<td>");
        input(view, "val" + std::to_string(i), *attribute, attribute->value(member.ajp, &member));
        out.raw("</td></tr>\n");
    }
    out.raw("</table>\n<input type=\"submit\" value=\"Update Balancer\"></form>\n");
}

}  // namespace

void write_edit(const View& view) {
    const WorkerView* worker = find_worker(view.page, view.request.worker);
    if (const auto* ajp = worker ? std::get_if<AjpWorkerView>(worker) : nullptr) {
        member_form(view, ajp->ajp, nullptr);
        return;
    }
    const auto* lb = worker ? std::get_if<LbView>(worker) : nullptr;
    if (!lb) return;
    if (!view.request.sub_worker.empty()) {
        const MemberView* member = find_member(*lb, view.request.sub_worker);
        if (member) member_form(view, member->ajp, member);
    } else if (view.request.find("att")) {
        all_members_form(view, *lb);
    } else {
        lb_form(view, *lb);
    }
}

void write_mass_edit_choice(const View& view, const LbView& lb) {
    Out& out = view.out;
    out.raw("<form method=\"get\" action=\"").text(view.context.request_uri).raw("\">\n");
    view.hidden_fields(view.params(Target{Command::edit, lb.name}));
    out.raw("<table><tr><td><b>E</b>dit this attribute for all members:</td><td><select name=\"att\" size=\"1\">\n");
    for (const Attribute& attribute : kAttributes) {
        if (!attribute.for_all_members) continue;
        out.raw("<option value=\"").text(attribute.code).raw("\">").text(attribute.label).raw("</option>\n");
    }
    out.raw("</select></td><td><input type=\"submit\" value=\"Go\"></td></tr></table></form>\n");
}

}  // namespace ajpgate::status::detail::html
