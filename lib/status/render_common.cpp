#include "status/render_common.hpp"

#include <cstdio>
#include <ctime>
#include <type_traits>

namespace ajpgate::status::detail {

bool shows_head(Command cmd) noexcept {
    return cmd == Command::list || cmd == Command::show || cmd == Command::version || cmd == Command::dump;
}

bool is_action(Command cmd) noexcept {
    return cmd == Command::update || cmd == Command::reset || cmd == Command::recover || cmd == Command::drain;
}

bool needs_write(Command cmd) noexcept {
    return cmd == Command::edit || is_action(cmd);
}

bool needs_target(Command cmd) noexcept {
    return cmd != Command::list && cmd != Command::version && cmd != Command::dump && cmd != Command::history &&
           cmd != Command::dashboard;
}

TimeText format_time(std::int64_t unix_seconds, bool html) {
    const auto clock = static_cast<std::time_t>(unix_seconds);
    std::tm local{};
    localtime_r(&clock, &local);
    char datetime[64];
    char tz[16];
    const char* format = html ? "%Y-%m-%d %H:%M:%S %z" : "%Y%m%d%H%M%S";
    const std::size_t n = std::strftime(datetime, sizeof datetime, format, &local);
    const std::size_t m = std::strftime(tz, sizeof tz, "%z", &local);
    return {std::string(datetime, n), std::string(tz, m)};
}

const config::StatusWorker& default_settings() {
    static const config::StatusWorker defaults = [] {
        config::StatusWorker w;
        w.good = {"a.o", "a.i", "a.b", "a.r"};
        w.bad = {"s", "e"};
        w.prefix = "worker";
        w.ns = "jk:";
        w.xmlns = "xmlns:jk=\"http://tomcat.apache.org\"";
        return w;
    }();
    return defaults;
}

const config::StatusWorker& settings_of(const RenderContext& context) {
    return context.settings ? *context.settings : default_settings();
}

std::string_view xml_prefix(const config::StatusWorker& settings) {
    return !settings.ns.empty() && settings.ns.front() == '-' ? std::string_view{} : settings.ns;
}

std::string_view xml_namespace_text(const config::StatusWorker& settings) {
    return !settings.xmlns.empty() && settings.xmlns.front() == '-' ? std::string_view{} : settings.xmlns;
}

namespace {

std::string_view name_of(const WorkerView& worker) {
    return std::visit(
        [](const auto& view) -> std::string_view {
            if constexpr (std::is_same_v<std::decay_t<decltype(view)>, LbView>) {
                return view.name;
            } else {
                return view.ajp.name;
            }
        },
        worker);
}

}  // namespace

const WorkerView* find_worker(const StatusPage& page, std::string_view name) {
    for (const WorkerView& worker : page.workers) {
        if (name_of(worker) == name) {
            return &worker;
        }
    }
    return nullptr;
}

const MemberView* find_member(const LbView& lb, std::string_view name) {
    for (const MemberView& member : lb.members) {
        if (member.ajp.name == name) {
            return &member;
        }
    }
    return nullptr;
}

bool has_wildcards(std::string_view name) noexcept {
    return name.find_first_of("*?") != std::string_view::npos;
}

Rating rate_members(const LbView& lb, const config::StatusWorker& settings) {
    Rating rating;
    for (const MemberView& member : lb.members) {
        const int rate = rate_member(member, settings);
        (rate > 0 ? rating.good : rate < 0 ? rating.bad : rating.degraded)++;
    }
    return rating;
}

WorkerCounts count_workers(const StatusPage& page) {
    WorkerCounts counts;
    for (const WorkerView& worker : page.workers) {
        (std::holds_alternative<LbView>(worker) ? counts.lb : counts.ajp)++;
    }
    return counts;
}

const StatusRequest& request_of(const RenderContext& context) {
    static const StatusRequest none;
    return context.request ? *context.request : none;
}

unsigned options_of(const RenderContext& context) noexcept {
    return context.request ? context.request->options : 0U;
}

const MemberView* shown_member(const LbView& lb, const RenderContext& context) {
    const StatusRequest& request = request_of(context);
    if (request.cmd != Command::show || request.sub_worker.empty()) {
        return nullptr;
    }
    return find_member(lb, request.sub_worker);
}

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u >= 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out += escaped;
        } else {
            out += c;
        }
    }
    out += '"';
}

}  // namespace ajpgate::status::detail
