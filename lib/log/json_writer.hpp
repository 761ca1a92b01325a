// A small streaming JSON writer: ajp-testd's echo body and --record lines, jkcheck's reports.
// Commas are placed automatically; the caller only has to nest begin/end correctly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ajpgate::log {

// Appends `text` as a JSON string literal (with quotes). Control characters, '"' and '\'
// are escaped; valid UTF-8 passes through; every byte that is not part of a valid UTF-8
// sequence becomes \u00XX (its byte value), so any input yields valid JSON.
void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    // Inside an object: the next value belongs to this key.
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(std::optional<std::string_view> text);  // null when absent
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(std::uint64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
    JsonWriter& value(bool flag);
    JsonWriter& null();

    const std::string& str() const noexcept { return out_; }
    std::string take() noexcept { return std::move(out_); }

private:
    void before_value();

    std::string out_;
    // One entry per open container: true once it holds an element (next needs a comma).
    std::vector<bool> has_element_;
    bool after_key_ = false;
};

}  // namespace ajpgate::log
