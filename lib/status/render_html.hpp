// The HTML page's parts (render_html*.cpp). The page shows what mod_jk 1.2.48's does, with
// these differences on purpose:
//   - every value is HTML-escaped (names, hosts, routes, the request URI, the query);
//   - every form that changes state (update, reset, recover) is a POST form posting to the
//     request URI with hidden cmd, w, sw, from, psw, ...; only viewing stays on GET links;
//   - checkboxes send a hidden 0 first, so unchecking one reaches the update (mod_jk cannot
//     turn sticky_session off from its form);
//   - an HTML5 page with a small built-in stylesheet (or the `css` setting's link), and a
//     footer without mod_jk's copyright line.
// Internal to lib/status.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "status/html_writer.hpp"
#include "status/render_common.hpp"

namespace ajpgate::status::detail::html {

using Params = std::vector<std::pair<std::string, std::string>>;

// A link or form on the status worker, as mod_jk's status_write_uri() builds it: the mime
// and re of the request are kept, opt gains add_options and loses remove_options, and
// edit/reset/recover remember where they came from (from=<cmd>, psw=<sw>).
struct Target {
    Command cmd = Command::list;
    std::string_view worker;
    std::string_view sub_worker;
    std::string_view attribute;
    unsigned add_options = 0;
    unsigned remove_options = 0;
    bool keep_refresh = true;  // list and show keep the request's re

    Target() = default;
    explicit Target(Command command, std::string_view w = {}, std::string_view sw = {})
        : cmd(command), worker(w), sub_worker(sw) {}
};

struct View {
    const StatusPage& page;
    const RenderContext& context;
    const config::StatusWorker& settings;
    const StatusRequest& request;
    bool read_only;
    Out& out;

    unsigned options() const noexcept { return request.options; }
    bool hidden(unsigned option) const noexcept { return (request.options & option) != 0; }

    Params params(const Target& target) const;
    std::string href(const Target& target) const;  // escaped, for an attribute
    void link(const Target& target, std::string_view label) const;
    void hidden_fields(const Params& params) const;
    // A small POST form with one button: the way to reset, recover, update.
    void post_button(const Target& target, std::string_view label, std::string_view title) const;
    // The view the request shows (toggles keep it).
    Target here() const;
    // Where an update/reset/recover goes back to: cmd=from (default list), its w and psw.
    Target back() const;
    // psw: the member whose page an edit, reset or recover came from ("" when none).
    std::string_view previous_sub_worker() const;
};

// render_html_workers.cpp
void write_list(const View& view);
void write_show(const View& view);

// render_html.cpp
void write_legend(const View& view);

// render_html_forms.cpp
void write_edit(const View& view);
// The lb's "Edit this attribute for all members" chooser (a GET to cmd=edit&att=...).
void write_mass_edit_choice(const View& view, const LbView& lb);

}  // namespace ajpgate::status::detail::html
