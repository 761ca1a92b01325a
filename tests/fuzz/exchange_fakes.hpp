// The world fuzz_exchange.cpp runs one exchange in: a backend link whose bytes arrive in
// pieces and after delays the input chooses (time is tests/unit's FakeTime: it moves only when
// a read waits, so "would time out" is decided, never waited for), a client body that may
// fail, a liveness check that answers as told, and a sink that checks, call by call, what the
// client is promised. Any broken promise traps (libFuzzer keeps the input).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <strings.h>
#include <utility>
#include <vector>

#include "ajp13/messages.hpp"
#include "ajp13/response_checks.hpp"
#include "transport/interfaces.hpp"
#include "transport/liveness.hpp"
#include "transport_fakes.hpp"

namespace exchange_fuzz {

using namespace ajpgate;
using namespace std::chrono_literals;
using transport::IoResult;

inline void check(bool condition) {
    if (!condition) __builtin_trap();
}

// How one read of the backend goes: at most `size` bytes (0: as many as fit), which arrive
// `delay` after the read starts waiting.
struct ReadStep {
    std::size_t size = 0;
    std::chrono::milliseconds delay{0};
};

// The backend's bytes, in the pieces and at the times the steps say (cycling through them).
// A read waits at most its timeout (zero: `socket_timeout`); all waits since the last bytes
// arrived add up to at most `wait_bound`, or the exchange waited longer than it may.
class PacedLink : public transport::Link {
public:
    PacedLink(transport::testing::FakeTime& time, std::span<const std::uint8_t> stream,
              std::span<const ReadStep> steps, IoResult at_end, std::chrono::milliseconds socket_timeout,
              std::chrono::milliseconds wait_bound)
        : time_(time), stream_(stream), steps_(steps), at_end_(at_end), socket_timeout_(socket_timeout),
          wait_bound_(wait_bound) {
        pending_delay_ = steps_.empty() ? 0ms : steps_[0].delay;
    }

    std::vector<std::vector<std::uint8_t>> writes;  // everything the exchange wrote, per write
    std::size_t delivered = 0;                      // backend bytes handed to the exchange
    int timeouts = 0;                               // reads that timed out

    // The 1-based write that fails, the backend gone (0: none). `writes` keeps its bytes too:
    // what the exchange meant to send, the client's body it had taken included.
    int fail_write_number = 0;

    IoResult write_all(std::span<const std::uint8_t> bytes) override {
        writes.emplace_back(bytes.begin(), bytes.end());
        if (static_cast<int>(writes.size()) == fail_write_number) return IoResult::error;
        return IoResult::ok;
    }

    IoResult read_some(std::span<std::uint8_t> into, std::size_t& got, std::chrono::milliseconds timeout) override {
        check(!into.empty());
        const auto limit = timeout.count() > 0 ? timeout : socket_timeout_;
        if (delivered == stream_.size()) {
            if (at_end_ == IoResult::timeout) return wait_in_vain(limit);
            return at_end_;
        }
        if (pending_delay_ > limit) {
            pending_delay_ -= limit;
            return wait_in_vain(limit);
        }
        time_.advance(pending_delay_);
        check(waited_ + pending_delay_ <= wait_bound_);
        waited_ = 0ms;
        const ReadStep step = steps_.empty() ? ReadStep{} : steps_[step_++ % steps_.size()];
        got = std::min(into.size(), stream_.size() - delivered);
        if (step.size > 0) got = std::min(got, step.size);
        std::memcpy(into.data(), stream_.data() + delivered, got);
        delivered += got;
        pending_delay_ = steps_.empty() ? 0ms : steps_[step_ % steps_.size()].delay;
        return IoResult::ok;
    }

private:
    IoResult wait_in_vain(std::chrono::milliseconds limit) {
        time_.advance(limit);
        waited_ += limit;
        check(waited_ <= wait_bound_);
        ++timeouts;
        return IoResult::timeout;
    }

    transport::testing::FakeTime& time_;
    std::span<const std::uint8_t> stream_;
    std::span<const ReadStep> steps_;
    IoResult at_end_;
    std::chrono::milliseconds socket_timeout_;
    std::chrono::milliseconds wait_bound_;
    std::chrono::milliseconds waited_{0};  // since the last bytes arrived
    std::chrono::milliseconds pending_delay_{0};
    std::size_t step_ = 0;
};

// The client's body: `available` bytes of a fixed pattern, in pieces of at most `piece`;
// read number `fail_at` (1-based; 0: none) fails.
class PatternBody : public transport::BodySource {
public:
    PatternBody(std::size_t available, std::size_t piece, int fail_at)
        : available_(available), piece_(piece), fail_at_(fail_at) {}

    static std::uint8_t byte_at(std::size_t i) noexcept { return static_cast<std::uint8_t>(i * 131 + (i >> 8)); }

    std::size_t offered = 0;  // bytes handed out
    bool ended = false;       // a read returned the end of the body

    IoResult read(std::span<std::uint8_t> into, std::size_t& got) override {
        // The exchange never asks again after the end, nor for nothing.
        check(!ended && !into.empty());
        if (++reads_ == fail_at_) return IoResult::error;
        got = std::min({into.size(), piece_, available_ - offered});
        for (std::size_t i = 0; i < got; ++i) into[i] = byte_at(offered + i);
        offered += got;
        ended = got == 0;
        return IoResult::ok;
    }

private:
    std::size_t available_;
    std::size_t piece_;
    int fail_at_;
    int reads_ = 0;
};

// Answers member_alive() from the bits of `answers` (bit i: the i-th question), and checks
// that it is asked only while no packet has come yet.
class ScriptedLiveness : public transport::LivenessCheck {
public:
    explicit ScriptedLiveness(std::uint8_t answers) : answers_(answers) {}
    int asked = 0;
    bool said_hung = false;
    bool member_alive() override {
        const bool alive = (answers_ >> (asked++ % 8)) & 1;
        said_hung = said_hung || !alive;
        return alive;
    }

private:
    std::uint8_t answers_;
};

// What the client was promised, checked as the calls come: headers once and first, safe
// ones; no body for HEAD or a bodiless status, never more than the Content-Length; nothing
// after end(); the bytes of body() stay as they were until the next idle() or end().
class CheckingSink : public transport::ResponseSink {
public:
    CheckingSink(bool head_request, int gone_at_call) : head_request_(head_request), gone_at_(gone_at_call) {}

    int starts = 0;
    int ends = 0;
    std::uint16_t status = 0;
    std::optional<std::uint64_t> declared;  // the Content-Length the client was told
    std::uint64_t body_bytes = 0;
    std::string body_text;  // everything body() delivered, in order

    bool start(ajp13::SendHeadersView& view) override {
        check(starts == 0 && ends == 0);
        ++starts;
        status = view.status;
        // AJP has no interim responses: the final status is a real one.
        check(view.status >= 200 && view.status <= 599);
        if (view.reason) check(clean(*view.reason));
        ajp13::HeaderField field;
        std::size_t count = 0;
        while (ajp13::next_header(view, field)) {
            ++count;
            check(!field.name.empty() && clean(field.name) && clean(field.value));
            if (field.name.size() == 14 && strncasecmp(field.name.data(), "Content-Length", 14) == 0) {
                note_length(field.value);
            }
        }
        check(count == view.header_count && count <= ajp13::kMaxResponseHeaders);
        return answer();
    }

    bool body(std::span<const std::uint8_t> data) override {
        check(starts == 1 && ends == 0 && !data.empty());
        check(!head_request_ && status != 204 && status != 304);
        body_bytes += data.size();
        if (declared) check(body_bytes <= *declared);
        body_text.append(reinterpret_cast<const char*>(data.data()), data.size());
        held_.push_back({data, std::string(reinterpret_cast<const char*>(data.data()), data.size())});
        return answer();
    }

    bool flush() override {
        check(ends == 0);
        return answer();
    }

    bool idle() override {
        check(ends == 0);
        release_held();
        return answer();
    }

    bool end() override {
        check(starts == 1 && ends == 0);
        ++ends;
        release_held();
        return answer();
    }

private:
    static bool clean(std::string_view text) {
        return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
    }

    // Every Content-Length the client sees says the same number (digits, maybe padded).
    void note_length(std::string_view value) {
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        check(!value.empty() && value.size() <= 18);
        std::uint64_t n = 0;
        for (const char c : value) {
            check(c >= '0' && c <= '9');
            n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
        check(!declared || *declared == n);
        declared = n;
    }

    // The zero-copy promise: what body() pointed at is untouched until now.
    void release_held() {
        for (const auto& [view, copy] : held_) {
            check(std::memcmp(view.data(), copy.data(), copy.size()) == 0);
        }
        held_.clear();
    }

    // The client goes away at call number gone_at_ (1-based; 0: never) and stays away.
    bool answer() { return gone_at_ == 0 || ++calls_ < gone_at_; }

    bool head_request_;
    int gone_at_;
    int calls_ = 0;
    std::vector<std::pair<std::span<const std::uint8_t>, std::string>> held_;
};

}  // namespace exchange_fuzz
