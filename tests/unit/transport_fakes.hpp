// Scripted fakes for lib/transport tests: a backend Link that replays bytes and records
// what was written to it, a connector handing such links out, a client body source, a sink
// that records what the client got, and a clock that moves only when a test moves it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ajp13/messages.hpp"
#include "transport/connection_pool.hpp"
#include "transport/interfaces.hpp"
#include "transport/time_source.hpp"

namespace ajpgate::transport::testing {

using Bytes = std::vector<std::uint8_t>;

// A small, valid request: what most exchange tests send.
inline ajp13::ForwardRequest simple_request(std::string_view method = "GET") {
    ajp13::ForwardRequest r;
    r.method = method;
    r.protocol = "HTTP/1.1";
    r.uri = "/app/x";
    r.remote_addr = "127.0.0.1";
    r.server_name = "localhost";
    r.server_port = 80;
    return r;
}

// Time that passes only through advance() and waits: no test waits on the wall clock. A wait
// jumps to its deadline (in a one-thread test nobody else could wake it), unless
// `during_wait` is set: that runs once instead, with the waiter's lock released, standing in
// for another thread (returning a connection to the pool, say).
class FakeTime : public TimeSource {
public:
    Clock::time_point current = Clock::time_point{} + std::chrono::hours(1);  // any fixed start
    std::function<void()> during_wait;
    int waits = 0;

    Clock::time_point now() const noexcept override { return current; }
    void advance(Clock::duration by) { current += by; }
    void wait_until(std::condition_variable&, std::unique_lock<std::mutex>& lock,
                    Clock::time_point deadline) override {
        ++waits;
        if (during_wait) {
            const auto other_thread = std::move(during_wait);
            during_wait = nullptr;
            lock.unlock();
            other_thread();
            lock.lock();
            return;
        }
        if (current < deadline) current = deadline;
    }
};

class ScriptedLink : public Link {
public:
    Bytes incoming;                      // everything the backend will say, in order
    std::size_t piece = 1 << 20;         // deliver at most this many bytes per read
    IoResult at_end = IoResult::eof;     // what a read returns once `incoming` is used up
    int fail_write_number = -1;          // 0-based write that fails (-1: none)
    std::vector<Bytes> writes;           // every write_all, in order
    bool spoke_while_idle = false;       // what idle_peer_spoke() reports
    int liveness_checks = 0;             // times idle_peer_spoke() was asked
    bool idle_peer_spoke() override {
        ++liveness_checks;
        return spoke_while_idle;
    }

    IoResult write_all(std::span<const std::uint8_t> bytes) override {
        if (static_cast<int>(writes.size()) == fail_write_number) return IoResult::error;
        writes.emplace_back(bytes.begin(), bytes.end());
        return IoResult::ok;
    }
    // Offsets a single read never crosses: a real backend says the next thing only after
    // it was asked (the next request, or the request after a CPING).
    std::vector<std::size_t> boundaries;

    IoResult read_some(std::span<std::uint8_t> into, std::size_t& got, std::chrono::milliseconds) override {
        if (offset_ == incoming.size()) return at_end;
        std::size_t limit = incoming.size();
        for (std::size_t b : boundaries) {
            if (b > offset_) {
                limit = std::min(limit, b);
            }
        }
        got = std::min({into.size(), piece, limit - offset_});
        std::memcpy(into.data(), incoming.data() + offset_, got);
        offset_ += got;
        return IoResult::ok;
    }

private:
    std::size_t offset_ = 0;
};

class StringBody : public BodySource {
public:
    explicit StringBody(std::string data, std::size_t piece = 1 << 20) : data_(std::move(data)), piece_(piece) {}
    bool broken = false;
    IoResult read(std::span<std::uint8_t> into, std::size_t& got) override {
        if (broken) return IoResult::error;
        got = std::min({into.size(), piece_, data_.size() - offset_});
        std::memcpy(into.data(), data_.data() + offset_, got);
        offset_ += got;
        return IoResult::ok;
    }

private:
    std::string data_;
    std::size_t piece_;
    std::size_t offset_ = 0;
};

class RecordingSink : public ResponseSink {
public:
    int starts = 0;
    int flushes = 0;
    int idles = 0;           // times the exchange said it is about to wait for the backend
    std::size_t body_at_first_idle = 0;
    std::uint16_t status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body_text;
    bool client_gone = false;

    bool start(ajp13::SendHeadersView& view) override {
        ++starts;
        status = view.status;
        ajp13::HeaderField field;
        while (ajp13::next_header(view, field)) headers.emplace_back(field.name, field.value);
        return !client_gone;
    }
    bool body(std::span<const std::uint8_t> data) override {
        body_text.append(reinterpret_cast<const char*>(data.data()), data.size());
        return !client_gone;
    }
    bool flush() override {
        ++flushes;
        return !client_gone;
    }
    bool idle() override {
        if (idles++ == 0) body_at_first_idle = body_text.size();
        return !client_gone;
    }
};

// Encodes container->server messages for the script.
class BackendScript {
public:
    BackendScript& headers(std::uint16_t status, std::vector<ajp13::HeaderField> fields = {}) {
        ajp13::SendHeaders message{status, "OK", fields};
        return add([&](ajp13::PacketWriter& w) { return ajp13::encode_send_headers(message, w); });
    }
    BackendScript& body(std::string_view text) {
        return add([&](ajp13::PacketWriter& w) {
            return ajp13::encode_body_chunk(
                {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, w);
        });
    }
    BackendScript& end(bool reuse = true) {
        return add([&](ajp13::PacketWriter& w) { return ajp13::encode_end_response(reuse, w); });
    }
    BackendScript& ask_body(std::uint16_t n) {
        return add([&](ajp13::PacketWriter& w) { return ajp13::encode_get_body_chunk(n, w); });
    }
    BackendScript& cpong() {
        return add([&](ajp13::PacketWriter& w) { return ajp13::encode_cpong(w); });
    }
    BackendScript& raw(Bytes bytes) {
        bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
        return *this;
    }
    Bytes bytes() const { return bytes_; }
    // Marks "the backend waits for us here" (see ScriptedLink::boundaries).
    BackendScript& pause() {
        pauses_.push_back(bytes_.size());
        return *this;
    }
    const std::vector<std::size_t>& pauses() const { return pauses_; }

private:
    template <typename Encode>
    BackendScript& add(Encode encode) {
        Bytes buffer(8192);
        ajp13::PacketWriter writer(buffer, ajp13::Direction::to_server);
        writer.reset();
        if (encode(writer) == ajp13::Status::ok) {
            auto packet = writer.packet();
            bytes_.insert(bytes_.end(), packet.begin(), packet.end());
        }
        return *this;
    }
    Bytes bytes_;
    std::vector<std::size_t> pauses_;
};

// Hands out scripted links in order; a null entry is a failed connect.
class QueueConnector : public Connector {
public:
    std::deque<std::unique_ptr<ScriptedLink>> links;
    std::deque<IoResult> failures;  // why each failed connect failed, in order (error when none left)
    std::vector<ScriptedLink*> handed_out;
    std::unique_ptr<Link> connect(IoResult& why) override {
        if (links.empty() || !links.front()) {
            if (!links.empty()) links.pop_front();
            why = failures.empty() ? IoResult::error : failures.front();
            if (!failures.empty()) failures.pop_front();
            return nullptr;
        }
        auto link = std::move(links.front());
        links.pop_front();
        handed_out.push_back(link.get());
        return link;
    }
    void add(const BackendScript& script) {
        auto link = std::make_unique<ScriptedLink>();
        link->incoming = script.bytes();
        link->boundaries = script.pauses();
        links.push_back(std::move(link));
    }
    void add_failure() { links.push_back(nullptr); }
    void add_timeout() {
        links.push_back(nullptr);
        failures.push_back(IoResult::timeout);
    }
};

}  // namespace ajpgate::transport::testing
