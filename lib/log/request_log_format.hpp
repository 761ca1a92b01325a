// JkRequestLogFormat: one line per forwarded request, with mod_jk's conversions:
//   %b bytes sent without headers ("-" for none)   %B the same, 0 for none
//   %H protocol   %m method   %p server port   %q query ("?x=y" or empty)
//   %r request line   %s status   %T seconds taken (s.microseconds)   %U path
//   %v canonical server name   %V server name of the request
//   %w worker the request was mapped to   %R the member that served it (lb), else %w
//   %% a percent sign
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ajpgate::log {

struct RequestLogFields {
    std::uint64_t bytes_sent = 0;
    std::string_view protocol, method, query, request_line, path, canonical_server, server_name, worker, member;
    unsigned port = 0;
    int status = 0;
    std::chrono::microseconds took{0};
};

class RequestLogFormat {
public:
    // nullopt (with `error`) for an unknown conversion or a trailing '%'.
    static std::optional<RequestLogFormat> parse(std::string_view format, std::string& error);
    std::string render(const RequestLogFields& fields) const;

private:
    std::string format_;
};

}  // namespace ajpgate::log
