// The structure of an answer in prop, txt and xml, walked once for all three formats: which
// sections appear for which command and opt bits, in which order (mod_jk's service(),
// list_workers(), display_worker_lb/ajp() and display_maps()). Each format is an emitter:
//   begin_document() / end_document()
//   section(sec, item, names)   a whole section (prop: lines, txt: one line, xml: empty element)
//   open(sec, item, names) / close(sec)   a section others nest in (xml: balancers, balancer)
//   dump(page)                  cmd=dump's configuration lines
// Internal to lib/status.
#pragma once

#include <string>
#include <string_view>

#include "status/render_common.hpp"
#include "status/status_keys.hpp"
#include "status/status_messages.hpp"

namespace ajpgate::status::detail {

// prop's key parts: <prefix>.<item>.<key> / <prefix>.<owner>.<key> (status_keys.hpp's Scope).
struct Names {
    std::string_view item;
    std::string_view owner;
};

template <class Emitter>
class Walk {
public:
    Walk(const StatusPage& page, const RenderContext& context, Emitter& emitter)
        : page_(page), context_(context), settings_(settings_of(context)), request_(request_of(context)),
          options_(options_of(context)), out_(emitter) {}

    void run(const ActionResult& result) {
        out_.begin_document();
        if (!result.error && !is_action(request_.cmd)) {
            content();
        }
        const keys::ResultItem outcome{result.error ? "ERROR" : "OK",
                                       result.error ? std::string_view(*result.error) : messages::kActionFinished};
        out_.section(keys::kResult, outcome, Names{keys::kResultItem, {}});
        out_.end_document();
    }

private:
    void content() {
        const TimeText now = format_time(page_.now, false);
        const keys::HeaderItem head{&page_, now.datetime, now.tz};
        out_.section(keys::kServer, head, Names{});
        if (shows_head(request_.cmd)) {
            out_.section(keys::kTime, head, Names{});
            out_.section(keys::kSoftware, head, Names{});
        }
        if (request_.cmd == Command::list) {
            list();
        } else if (request_.cmd == Command::show) {
            show();
        } else if (request_.cmd == Command::dump) {
            out_.dump(page_);
        }
    }

    void list() {
        const WorkerCounts counts = count_workers(page_);
        if (counts.lb > 0 && !(options_ & opt_no_lb)) {
            const keys::CountItem count{counts.lb};
            out_.open(keys::kBalancerCount, count, Names{});
            for (const WorkerView& worker : page_.workers) {
                if (const auto* lb = std::get_if<LbView>(&worker)) balancer(*lb, nullptr);
            }
            out_.close(keys::kBalancerCount);
        }
        if (counts.ajp > 0 && !(options_ & opt_no_ajp)) {
            const keys::CountItem count{counts.ajp};
            out_.open(keys::kAjpCount, count, Names{});
            for (const WorkerView& worker : page_.workers) {
                if (const auto* ajp = std::get_if<AjpWorkerView>(&worker)) standalone(*ajp);
            }
            out_.close(keys::kAjpCount);
        }
    }

    void show() {
        const WorkerView* worker = find_worker(page_, request_.worker);
        if (const auto* lb = worker ? std::get_if<LbView>(worker) : nullptr) {
            balancer(*lb, shown_member(*lb, context_));
        } else if (const auto* ajp = worker ? std::get_if<AjpWorkerView>(worker) : nullptr) {
            standalone(*ajp);
        }
    }

    void balancer(const LbView& lb, const MemberView* only) {
        const Rating rating = rate_members(lb, settings_);
        const keys::LbItem item{&lb, rating.good, rating.degraded, rating.bad, page_.now};
        out_.open(keys::kBalancer, item, Names{lb.name, {}});
        if (!(options_ & opt_no_members)) {
            for (const MemberView& m : lb.members) {
                if (only && only != &m) continue;
                const keys::AjpItem member{&m.ajp, &m.counters, &m, lb.name, 0, page_.now};
                out_.section(keys::kMember, member, Names{m.ajp.name, lb.name});
            }
        }
        maps(lb.name, lb.maps);
        out_.close(keys::kBalancer);
    }

    void standalone(const AjpWorkerView& w) {
        const keys::AjpItem item{&w.ajp, &w.counters, nullptr, w.ajp.name, w.maps.size(), page_.now};
        out_.section(keys::kAjp, item, Names{w.ajp.name, w.ajp.name});
        maps(w.ajp.name, w.maps);
    }

    void maps(std::string_view worker, const std::vector<MapEntry>& entries) {
        if (options_ & opt_no_maps) {
            return;
        }
        int id = 0;
        for (const MapEntry& entry : entries) {
            const keys::MapItem item{&entry, ++id};
            const std::string scope = std::string(worker) + ".map." + std::to_string(id);
            out_.section(keys::kMap, item, Names{scope, {}});
        }
    }

    const StatusPage& page_;
    const RenderContext& context_;
    const config::StatusWorker& settings_;
    const StatusRequest& request_;
    unsigned options_;
    Emitter& out_;
};

// prop and txt write a section at once and nest nothing: open() is section(), close() does
// nothing, and cmd=dump's lines are "name=value" lines.
template <class Format>
class FlatEmitter {
public:
    void begin_document() {}
    void end_document() {}

    template <class Item>
    void open(const keys::Section<Item>& sec, const Item& item, Names names) {
        static_cast<Format*>(this)->section(sec, item, names);
    }

    template <class Item>
    void close(const keys::Section<Item>&) {}

    std::string take() { return std::move(out_); }

protected:
    void dump_lines(const StatusPage& page);
    std::string out_;
};

// cmd=dump's lines: ServerRoot first, then the configuration as read; like mod_jk, never a
// name ending in ".secret" (the snapshot should not hold one; this is the second lock).
template <class Visit>
void for_each_dump_line(const StatusPage& page, Visit visit) {
    if (!page.server_root.empty()) {
        visit(std::string_view("ServerRoot"), std::string_view(page.server_root));
    }
    constexpr std::string_view kSecret = ".secret";
    for (const auto& [name, value] : page.dump) {
        const bool secret = name.size() > kSecret.size() && name.ends_with(kSecret);
        if (!secret) {
            visit(std::string_view(name), std::string_view(value));
        }
    }
}

template <class Format>
void FlatEmitter<Format>::dump_lines(const StatusPage& page) {
    for_each_dump_line(page, [this](std::string_view name, std::string_view value) {
        out_.append(name).append("=").append(value).append("\n");
    });
}

}  // namespace ajpgate::status::detail
