// JkLogStampFormat: strftime text plus mod_jk's two extensions, %Q (milliseconds, 3
// digits) and %q (microseconds, 6 digits), either one at most once and never both.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ajpgate::log {

// mod_jk's default stamp: "[Sun Nov 22 06:02:42.123 2026] ".
inline constexpr std::string_view default_stamp_format = "[%a %b %d %H:%M:%S.%Q %Y] ";
inline constexpr std::size_t max_stamp_format_length = 63;

class StampFormat {
public:
    // nullopt with `error` set when the format breaks one of the rules above.
    static std::optional<StampFormat> parse(std::string_view format, std::string& error);

    // The stamp for `when`, in local time (as mod_jk writes it).
    std::string format(std::chrono::system_clock::time_point when) const;
    const std::string& text() const noexcept { return format_; }

private:
    std::string format_;
    // strftime text with the sub-second token replaced by a placeholder we fill in after.
    std::string strftime_format_;
    int subsecond_digits_ = 0;  // 0, 3 or 6
};

}  // namespace ajpgate::log
