// libFuzzer target: arbitrary bytes as a Tomcat server.xml through read_server_xml_text
// (libxml2 with entities replaced from local files only, ${...} substitution, the whole model
// walk). Beyond "no crash, no leak", it checks that a failed read says why, and that every
// place in the model names a file and, in the input itself, a line the input has.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check/server_xml.hpp"

namespace {

using namespace ajpgate::check;

// A base nobody has: relative entities find nothing, and no catalina.properties is read.
const std::string label = "/nonexistent-ajpgate-fuzz/conf/server.xml";

void check(bool condition) {
    if (!condition) __builtin_trap();
}

struct Places {
    std::size_t lines;  // of the input
    void operator()(const Location& where) const {
        check(!where.file.empty());
        if (where.file == label) check(where.line <= lines);
    }
    void operator()(const Attribute& attribute) const { (*this)(attribute.where); }
    void operator()(const ClusterElement& element) const {
        (*this)(element.where);
        (*this)(element.enabled);
    }
};

void check_node(const TomcatNode& node, const Places& at) {
    check(node.server_xml == label);
    for (const auto& note : node.notes) {
        at(note.where);
        check(!note.message.empty());
    }
    for (const Service& service : node.services) {
        at(service.where);
        for (const auto& executor : service.executors) at(executor.max_threads);
        for (const Connector& c : service.connectors) {
            at(c.where);
            for (const Attribute* a : {&c.protocol, &c.port, &c.address, &c.secret, &c.secret_required,
                                       &c.packet_size, &c.connection_timeout, &c.keep_alive_timeout, &c.max_threads,
                                       &c.max_connections, &c.executor, &c.allowed_request_attributes_pattern,
                                       &c.tomcat_authentication, &c.redirect_port, &c.enabled}) {
                at(*a);
            }
            check(!c.ajp || c.protocol.present());
        }
        at(service.engine.where);
        at(service.engine.jvm_route);
        for (const Host& host : service.engine.hosts) {
            at(host.where);
            for (const WebApp& app : host.apps) {
                at(app.context);
                at(app.session_cookie_name);
                if (app.manager) at(*app.manager);
            }
        }
        if (const auto& cluster = service.cluster) {
            at(cluster->where);
            at(cluster->channel_send_options);
            at(cluster->expire_sessions_on_shutdown);
            at(cluster->receiver_address);
            at(cluster->receiver_port);
            at(cluster->receiver_where);
            for (const auto& valve : cluster->valves) at(valve);
            for (const auto& listener : cluster->listeners) at(listener);
            if (cluster->manager) at(*cluster->manager);
            for (const auto& member : cluster->members) {
                at(member.where);
                at(member.host);
                at(member.port);
            }
            check(cluster->members.empty() || cluster->static_membership);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    NodeSource source;
    // Names the inputs may use: one plain, one with a default inside, one that doubles.
    source.system_properties = {{"a", "A"}, {"d", "${missing:-x}"}, {"grow", "${grow}${grow}"}};
    const NodeReadResult result = read_server_xml_text(text, label, source);
    check(result.node.has_value() == result.error.empty());
    check(!result.where.file.empty());
    if (result.node) {
        const Places at{static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1};
        check_node(*result.node, at);
    }
    return 0;
}
