#include "check/tomcat_version.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace ajpgate::check::detail {

namespace {

namespace fs = std::filesystem;

// "10.1.60" and also "9.0.0-M1": digits, dots (at least one) and an optional -suffix.
bool is_version(std::string_view text) {
    const auto dash = text.find('-');
    const auto numbers = text.substr(0, dash);
    if (numbers.empty() || !std::isdigit(static_cast<unsigned char>(numbers.front())) ||
        !std::isdigit(static_cast<unsigned char>(numbers.back())) || numbers.find('.') == std::string_view::npos ||
        numbers.find("..") != std::string_view::npos) {
        return false;
    }
    for (const char c : numbers) {
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
    }
    return dash == std::string_view::npos || dash + 1 < text.size();
}

// The version after the last '-' whose tail is one: "tomcat10-catalina-10.1.60" -> "10.1.60".
std::optional<std::string> version_suffix(std::string_view name) {
    for (auto dash = name.rfind('-'); dash != std::string_view::npos && dash > 0; dash = name.rfind('-', dash - 1)) {
        if (is_version(name.substr(dash + 1))) return std::string(name.substr(dash + 1));
    }
    return std::nullopt;
}

std::optional<std::string> resolved(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
    if (!real) return std::nullopt;
    return std::string(real.get());
}

}  // namespace

std::optional<std::string> tomcat_version(const std::string& home) {
    const auto jar = resolved(home + "/lib/catalina.jar");
    if (!jar) return std::nullopt;
    const fs::path path(*jar);
    const std::string stem = path.stem().string();
    if (auto version = version_suffix(stem)) return version;
    std::error_code ec;
    for (fs::directory_iterator it(path.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const std::string prefix = stem + "-";
        if (name.size() > prefix.size() + 4 && name.compare(0, prefix.size(), prefix) == 0 &&
            it->path().extension() == ".jar") {
            const std::string tail = it->path().stem().string().substr(prefix.size());
            if (is_version(tail)) return tail;  // not tomcat10-catalina-ant-10.1.60: "ant-10.1.60" is no version
        }
    }
    // apache-tomcat-9.0.80/lib/catalina.jar
    return version_suffix(path.parent_path().parent_path().filename().string());
}

}  // namespace ajpgate::check::detail
