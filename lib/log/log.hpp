// The logging facade lib/ code writes through: a level, a stable message code and a
// message, handed to a sink the web-server glue provides (JkLogFile or httpd's error log).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ajpgate::log {

// mod_jk's levels, in increasing severity. "request" is mod_jk's JkRequestLogFormat level.
enum class Level : std::uint8_t { trace, debug, info, warn, error, emerg };

std::string_view level_name(Level level) noexcept;
// Case-insensitive: "Info", "DEBUG" ... nullopt for anything else.
std::optional<Level> parse_level(std::string_view text) noexcept;

// A stable, greppable identifier for one kind of message ("AJPG0101").
struct Code {
    std::string_view id;
};

class Sink {
public:
    virtual ~Sink() = default;
    // request_id: the id of the request the line is about (log/request_id.hpp); empty for
    // lines about no request (start-up, background work).
    virtual void write(Level level, Code code, std::string_view request_id, std::string_view message) = 0;
};

class Logger {
public:
    Logger() = default;
    Logger(Sink* sink, Level threshold) noexcept : sink_(sink), threshold_(threshold) {}

    bool enabled(Level level) const noexcept { return sink_ && level >= threshold_; }
    void log(Level level, Code code, std::string_view message) const {
        if (enabled(level)) sink_->write(level, code, request_id_, message);
    }
    Level threshold() const noexcept { return threshold_; }

    // This logger for the lines about one request: each carries the request's id. The id must
    // outlive the copy (the request's pool does).
    Logger for_request(std::string_view request_id) const noexcept {
        Logger copy = *this;
        copy.request_id_ = request_id;
        return copy;
    }
    std::string_view request_id() const noexcept { return request_id_; }

private:
    Sink* sink_ = nullptr;
    Level threshold_ = Level::info;
    std::string_view request_id_;
};

}  // namespace ajpgate::log
