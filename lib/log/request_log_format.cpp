#include "log/request_log_format.hpp"

#include <cstdio>
#include <cstring>

namespace ajpgate::log {

namespace {

constexpr const char* conversions = "bBHmpqrsTUvVwR%";

}  // namespace

std::optional<RequestLogFormat> RequestLogFormat::parse(std::string_view format, std::string& error) {
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') continue;
        if (i + 1 == format.size()) {
            error = "JkRequestLogFormat ends with a lone '%'";
            return std::nullopt;
        }
        const char c = format[++i];
        if (!std::strchr(conversions, c)) {
            error = std::string("JkRequestLogFormat: unknown conversion '%") + c + "' (known: %b %B %H %m %p %q %r %s %T %U %v %V %w %R)";
            return std::nullopt;
        }
    }
    RequestLogFormat result;
    result.format_ = std::string(format);
    return result;
}

std::string RequestLogFormat::render(const RequestLogFields& f) const {
    std::string out;
    out.reserve(format_.size() + 64);
    for (std::size_t i = 0; i < format_.size(); ++i) {
        if (format_[i] != '%') {
            out += format_[i];
            continue;
        }
        switch (format_[++i]) {
        case 'b': out += f.bytes_sent ? std::to_string(f.bytes_sent) : "-"; break;
        case 'B': out += std::to_string(f.bytes_sent); break;
        case 'H': out += f.protocol; break;
        case 'm': out += f.method; break;
        case 'p': out += std::to_string(f.port); break;
        case 'q':
            if (!f.query.empty()) {
                out += '?';
                out += f.query;
            }
            break;
        case 'r': out += f.request_line; break;
        case 's': out += std::to_string(f.status); break;
        case 'T': {
            char buffer[32];
            const long long us = f.took.count();
            std::snprintf(buffer, sizeof buffer, "%lld.%06lld", us / 1000000, us % 1000000);
            out += buffer;
            break;
        }
        case 'U': out += f.path; break;
        case 'v': out += f.canonical_server; break;
        case 'V': out += f.server_name; break;
        case 'w': out += f.worker; break;
        case 'R': out += f.member.empty() ? f.worker : f.member; break;
        case '%': out += '%'; break;
        }
    }
    return out;
}

}  // namespace ajpgate::log
