#include "member_probe.hpp"

#include <array>
#include <cstdint>
#include <span>

#include "ajp13/messages.hpp"
#include "transport/ajp_service.hpp"
#include "transport/apr_link.hpp"
#include "transport/exchange.hpp"
#include "transport/packet_channel.hpp"

namespace ajpgate::check {
namespace {

class NoBody final : public transport::BodySource {
public:
    transport::IoResult read(std::span<std::uint8_t>, std::size_t& got) override {
        got = 0;
        return transport::IoResult::ok;
    }
};

// Keeps the status and throws the body away.
class StatusSink final : public transport::ResponseSink {
public:
    bool start(ajp13::SendHeadersView& headers) override {
        status = headers.status;
        return true;
    }
    bool body(std::span<const std::uint8_t>) override { return true; }
    bool flush() override { return true; }
    std::uint16_t status = 0;
};

ProbeResult::Ping ping_of(transport::PingAnswer answer) {
    switch (answer) {
    case transport::PingAnswer::cpong: return ProbeResult::Ping::cpong;
    case transport::PingAnswer::silent: return ProbeResult::Ping::silent;
    case transport::PingAnswer::not_ajp: return ProbeResult::Ping::not_ajp;
    case transport::PingAnswer::other: return ProbeResult::Ping::other;
    case transport::PingAnswer::send_failed:
    case transport::PingAnswer::closed: break;
    }
    return ProbeResult::Ping::closed;
}

}  // namespace

ProbeResult probe_member(const config::Ajp13Worker& worker, const std::string& secret,
                         std::chrono::milliseconds timeout) {
    ProbeResult result;
    result.timeout = timeout;
    transport::SocketOptions socket;
    socket.connect_timeout = timeout;
    socket.io_timeout = timeout;
    socket.source = worker.source;
    socket.prefer_ipv6 = worker.prefer_ipv6;
    transport::AprConnector connector(worker.host, static_cast<std::uint16_t>(worker.port), socket);
    if (connector.resolve() != APR_SUCCESS) {
        result.connect = ProbeResult::Connect::unresolved;
        return result;
    }
    transport::IoResult why = transport::IoResult::ok;
    std::unique_ptr<transport::Link> link = connector.connect(why);
    if (!link) {
        result.connect = why == transport::IoResult::timeout ? ProbeResult::Connect::timeout
                                                            : ProbeResult::Connect::refused;
        return result;
    }
    const std::size_t packet_size = worker.max_packet_size > 0 ? static_cast<std::size_t>(worker.max_packet_size) : 8192;
    transport::PacketChannel channel(*link, packet_size);
    result.ping = ping_of(transport::ping(channel, timeout));
    if (result.ping != ProbeResult::Ping::cpong) return result;

    const std::array headers{ajp13::HeaderField{"Host", worker.host}, ajp13::HeaderField{"User-Agent", "jkcheck"}};
    ajp13::ForwardRequest request;
    request.method = "GET";
    request.protocol = "HTTP/1.1";
    request.uri = "/";
    request.remote_addr = "127.0.0.1";
    request.server_name = worker.host;
    request.server_port = 80;
    request.headers = headers;
    if (!secret.empty()) request.secret = secret;
    result.secret_sent = !secret.empty();
    transport::ExchangeOptions options;
    options.content_length = 0;
    options.reply_timeout = timeout;
    options.socket_timeout = timeout;
    NoBody body;
    StatusSink sink;
    const transport::ExchangeOutcome outcome = transport::run_exchange(channel, request, options, body, sink);
    if (sink.status != 0) {
        result.status = sink.status;
    } else {
        result.failure = std::string(transport::to_string(outcome.result));
        if (!outcome.detail.empty()) result.failure += " (" + std::string(outcome.detail) + ")";
    }
    return result;
}

}  // namespace ajpgate::check
