#include "log/stamp_format.hpp"

#include <cstdio>
#include <ctime>

namespace ajpgate::log {

namespace {

// Stands in for %Q/%q while strftime runs: strftime leaves "%%" as "%", so a doubled
// percent sign cannot collide with it, and no conversion produces this byte.
constexpr char placeholder = '\x01';

}  // namespace

std::optional<StampFormat> StampFormat::parse(std::string_view format, std::string& error) {
    if (format.size() > max_stamp_format_length) {
        error = "JkLogStampFormat is longer than 63 characters";
        return std::nullopt;
    }
    StampFormat result;
    result.format_ = std::string(format);
    for (std::size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (c == placeholder) {
            error = "JkLogStampFormat contains a control character";
            return std::nullopt;
        }
        if (c != '%' || i + 1 == format.size()) {
            result.strftime_format_ += c;
            continue;
        }
        const char next = format[++i];
        if (next == 'Q' || next == 'q') {
            if (result.subsecond_digits_ != 0) {
                error = "JkLogStampFormat may use %Q or %q only once, and not both";
                return std::nullopt;
            }
            result.subsecond_digits_ = next == 'Q' ? 3 : 6;
            result.strftime_format_ += placeholder;
        } else {
            result.strftime_format_ += '%';
            result.strftime_format_ += next;
        }
    }
    return result;
}

std::string StampFormat::format(std::chrono::system_clock::time_point when) const {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm local{};
    localtime_r(&seconds, &local);
    char buffer[256];
    const std::size_t n = std::strftime(buffer, sizeof buffer, strftime_format_.c_str(), &local);
    std::string out(buffer, n);
    if (subsecond_digits_ == 0) return out;

    const auto since_second = when - std::chrono::system_clock::from_time_t(seconds);
    const long long micros = std::chrono::duration_cast<std::chrono::microseconds>(since_second).count();
    char digits[24];
    if (subsecond_digits_ == 3) std::snprintf(digits, sizeof digits, "%03lld", micros / 1000);
    else std::snprintf(digits, sizeof digits, "%06lld", micros);
    const std::size_t at = out.find(placeholder);
    if (at != std::string::npos) out.replace(at, 1, digits);
    return out;
}

}  // namespace ajpgate::log
