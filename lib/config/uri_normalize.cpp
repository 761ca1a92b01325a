#include "config/uri_normalize.hpp"

#include <cstring>
#include <utility>

namespace ajpgate::config {

std::string_view describe(NormalizeError error) noexcept {
    switch (error) {
        case NormalizeError::none:
            return "ok";
        case NormalizeError::not_absolute:
            return "path does not start with '/'";
        case NormalizeError::escapes_root:
            return "path escapes the root";
        case NormalizeError::nul_character:
            return "path contains a NUL byte";
        case NormalizeError::buffer_too_small:
            return "normalisation buffer too small";
    }
    return "unknown normalisation error";
}

namespace {

// The output is built segment by segment without a trailing slash ("" is the root), so
// popping a segment for `..` is "cut at the last slash". The trailing slash is decided once,
// at the end, from what the last input segment was.
class SegmentWriter {
public:
    explicit SegmentWriter(std::span<char> out) noexcept : out_(out) {}

    void push(std::string_view name) noexcept {
        out_[len_++] = '/';
        std::memcpy(out_.data() + len_, name.data(), name.size());
        len_ += name.size();
    }

    // False when already at the root: `..` there would leave the document space.
    bool pop() noexcept {
        if (len_ == 0) {
            return false;
        }
        while (out_[len_ - 1] != '/') {
            --len_;
        }
        --len_;
        return true;
    }

    std::size_t finish(bool trailing_slash) noexcept {
        if (len_ == 0 || trailing_slash) {
            out_[len_++] = '/';
        }
        return len_;
    }

private:
    std::span<char> out_;
    std::size_t len_ = 0;
};

}  // namespace

NormalizeError normalize_path_into(std::string_view in, std::span<char> buffer,
                                   std::size_t& out_len) noexcept {
    out_len = 0;
    if (in.empty() || in.front() != '/') {
        return NormalizeError::not_absolute;
    }
    if (in.find('\0') != std::string_view::npos) {
        return NormalizeError::nul_character;
    }
    // Every byte written corresponds to at least one input byte (the segment's '/' and name,
    // or the final slash standing for a consumed trailing segment), so in.size() is enough.
    if (buffer.size() < in.size()) {
        return NormalizeError::buffer_too_small;
    }
    SegmentWriter writer(buffer);
    bool trailing_slash = false;
    std::size_t pos = 0;  // at a '/'
    while (pos < in.size()) {
        std::size_t end = in.find('/', pos + 1);
        const bool last = end == std::string_view::npos;
        if (last) {
            end = in.size();
        }
        std::string_view segment = in.substr(pos + 1, end - pos - 1);
        segment = segment.substr(0, segment.find(';'));  // params go before dot handling
        trailing_slash = false;
        if (segment.empty() || segment == ".") {
            trailing_slash = last;  // `/a/` and `/a/.` keep the slash; `//` collapses
        } else if (segment == "..") {
            if (!writer.pop()) {
                return NormalizeError::escapes_root;
            }
            trailing_slash = last;
        } else {
            writer.push(segment);
        }
        pos = end;
    }
    out_len = writer.finish(trailing_slash);
    return NormalizeError::none;
}

NormalizeResult normalize_path(std::string_view decoded_path) {
    NormalizeResult result;
    std::string buffer(decoded_path.size(), '\0');
    std::size_t len = 0;
    result.error = normalize_path_into(decoded_path, buffer, len);
    if (result.ok()) {
        buffer.resize(len);
        result.path = std::move(buffer);
    }
    return result;
}

}  // namespace ajpgate::config
