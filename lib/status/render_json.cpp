// mime=json: the tree of the XML view (render_walk.hpp: the same sections, names and order)
// as JSON with typed values: numbers as numbers, True/False as booleans, times as seconds
// since the epoch (the *_datetime and tz texts stay, as in the XML). Elements that repeat
// (balancer, member, ajp, map) are arrays. Unlike the XML, an ajp worker's maps are inside
// its own object rather than beside it. Each member and ajp worker also carries "metrics":
// the never-reset counters and latency histograms the Prometheus view shows, so a client
// (the dashboard) computes rates from two polls; a member being drained carries "drain".
#include <algorithm>
#include <array>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <type_traits>

#include "status/render_formats.hpp"
#include "status/render_walk.hpp"
#include "status/status_drain.hpp"

namespace ajpgate::status::detail {

namespace {

// The XML attributes whose values are text; every other value that reads as a number is one.
constexpr std::array<std::string_view, 24> kTextKeys{
    "activation", "active", "address", "datetime", "disabled", "domain", "error_time_datetime", "error_time_tz",
    "fail_on_status", "host", "jk_version", "lock", "message", "method", "name", "redirect", "route", "server",
    "source", "state", "stopped", "type", "tz", "web_server"};
constexpr std::array<std::string_view, 2> kBooleanKeys{"sticky_session", "sticky_session_force"};
constexpr std::array<std::string_view, 4> kRepeated{"balancer", "member", "ajp", "map"};

template <std::size_t N> bool among(const std::array<std::string_view, N>& set, std::string_view name) {
    return std::find(set.begin(), set.end(), name) != set.end();
}

void typed_value(std::string& out, std::string_view key, std::string_view value) {
    long long number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (among(kBooleanKeys, key) && (value == "True" || value == "False")) {
        out += value == "True" ? "true" : "false";
    } else if (!among(kTextKeys, key) && !value.empty() && error == std::errc() && end == value.data() + value.size()) {
        out += std::to_string(number);  // canonical: no leading zeros, which JSON forbids
    } else {
        append_json_string(out, value);
    }
}

struct Node {
    std::string name;
    std::vector<std::pair<std::string, std::string>> values;
    std::string metrics;  // a ready JSON object, or empty
    std::string drain;    // a member's drain (status_drain.hpp), or empty
    std::vector<std::unique_ptr<Node>> children;
};

std::string metrics_object(const AjpCounters& c, const MemberView* member) {
    std::string o = "{\"requests\":" + std::to_string(c.total_used) + ",\"sent_bytes\":" +
                    std::to_string(c.total_transferred) + ",\"received_bytes\":" + std::to_string(c.total_read);
    o += ",\"responses\":{";
    for (std::size_t k = 0; k < balancer::kStatusClasses; ++k) {
        o += (k ? ",\"" : "\"") + std::to_string(k + 1) + "xx\":" + std::to_string(c.metrics.responses[k]);
    }
    o += "},\"errors\":{";
    for (std::size_t k = 0; k < balancer::kErrorKinds; ++k) {
        o += (k ? ",\"" : "\"") + std::string(balancer::to_string(static_cast<balancer::ErrorKind>(k))) +
             "\":" + std::to_string(c.metrics.errors[k]);
    }
    o += "},\"latency_bounds_seconds\":[";
    for (std::size_t b = 0; b < balancer::kLatencyBoundsUs.size(); ++b) {
        char bound[32];
        std::snprintf(bound, sizeof bound, "%s%g", b ? "," : "", static_cast<double>(balancer::kLatencyBoundsUs[b]) / 1e6);
        o += bound;
    }
    o += "],\"latency\":{";
    for (std::size_t h = 0; h < balancer::kLatencies; ++h) {
        const balancer::LatencyHistogram& hist = c.metrics.latency[h];
        o += (h ? ",\"" : "\"") + std::string(balancer::to_string(static_cast<balancer::Latency>(h))) + "\":{\"counts\":[";
        for (std::size_t b = 0; b < balancer::kLatencyBuckets; ++b) o += (b ? "," : "") + std::to_string(hist.counts[b]);
        char sum[48];
        std::snprintf(sum, sizeof sum, "],\"sum_seconds\":%" PRIu64 ".%06" PRIu64 "}", hist.sum_us / 1'000'000,
                      hist.sum_us % 1'000'000);
        o += sum;
    }
    o += "}";
    if (member) {
        o += ",\"sticky_hits\":" + std::to_string(member->sticky_hits) + ",\"failovers\":" + std::to_string(member->failovers);
    }
    return o + "}";
}

class JsonEmitter {
public:
    void begin_document() { stack_.push_back(&root_); }
    void end_document() {}

    template <class Item>
    void section(const keys::Section<Item>& sec, const Item& item, Names names) {
        open(sec, item, names);
        stack_.pop_back();
    }

    template <class Item>
    void open(const keys::Section<Item>& sec, const Item& item, Names) {
        Node* parent = stack_.back();
        // A standalone worker's maps go inside that worker's object.
        if (sec.xml_element == "map" && parent->name == "ajp_workers" && !parent->children.empty()) {
            parent = parent->children.back().get();
        }
        auto node = std::make_unique<Node>();
        node->name = std::string(sec.xml_element);
        for (const auto& part : sec.parts) {
            for (const keys::Field<Item>& field : part) {
                if (!field.xml.empty() && field.visible(item)) node->values.emplace_back(field.xml, field.value(item));
            }
        }
        if constexpr (std::is_same_v<Item, keys::AjpItem>) {
            node->metrics = metrics_object(*item.counters, item.member);
            if (item.member && item.member->drain) node->drain = drain_json(*item.member->drain);
        }
        if constexpr (std::is_same_v<Item, keys::LbItem>) {
            node->values.emplace_back("unavailable_total", std::to_string(item.lb->unavailable));
        }
        stack_.push_back(node.get());
        parent->children.push_back(std::move(node));
    }

    template <class Item>
    void close(const keys::Section<Item>&) {
        stack_.pop_back();
    }

    void dump(const StatusPage& page) {
        auto node = std::make_unique<Node>();
        node->name = "configuration";
        for_each_dump_line(page, [&](std::string_view name, std::string_view value) {
            node->values.emplace_back(std::string(name), std::string(value));
        });
        stack_.back()->children.push_back(std::move(node));
    }

    std::string take() {
        std::string out;
        write(out, root_);
        out += '\n';
        return out;
    }

private:
    static void write(std::string& out, const Node& node) {
        out += '{';
        bool first = true;
        const auto comma = [&] {
            if (!first) out += ',';
            first = false;
        };
        for (const auto& [key, value] : node.values) {
            comma();
            append_json_string(out, key);
            out += ':';
            if (node.name == "configuration") {
                append_json_string(out, value);  // the dumped properties stay text, as written
            } else {
                typed_value(out, key, value);
            }
        }
        if (!node.metrics.empty()) {
            comma();
            out += "\"metrics\":" + node.metrics;
        }
        if (!node.drain.empty()) {
            comma();
            out += "\"drain\":" + node.drain;
        }
        // Children grouped by name, in the order each name first appears.
        std::vector<std::string_view> names;
        for (const auto& child : node.children) {
            if (std::find(names.begin(), names.end(), child->name) == names.end()) names.push_back(child->name);
        }
        for (std::string_view name : names) {
            comma();
            append_json_string(out, name);
            out += ':';
            const bool array = among(kRepeated, name);
            if (array) out += '[';
            bool first_child = true;
            for (const auto& child : node.children) {
                if (child->name != name) continue;
                if (!first_child) {
                    if (!array) break;  // a single element appears once
                    out += ',';
                }
                first_child = false;
                write(out, *child);
            }
            if (array) out += ']';
        }
        out += '}';
    }

    Node root_{"status", {}, {}, {}, {}};
    std::vector<Node*> stack_;
};

}  // namespace

std::string render_json(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    JsonEmitter emitter;
    Walk<JsonEmitter>(page, context, emitter).run(result);
    std::string out = emitter.take();  // "{...}\n"
    if (!page.admin_actions.empty() && out.size() >= 2) {
        std::string actions = ",\"admin_actions\":[";
        for (std::size_t i = 0; i < page.admin_actions.size(); ++i) {
            actions += i ? ",{\"at\":" : "{\"at\":";
            actions += std::to_string(page.admin_actions[i].at) + ",\"text\":";
            append_json_string(actions, page.admin_actions[i].text);
            actions += '}';
        }
        out.insert(out.size() - 2, actions + "]");
    }
    return out;
}

}  // namespace ajpgate::status::detail
