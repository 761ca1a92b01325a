#include "config/property_parse.hpp"

#include <chrono>
#include <string>

namespace ajpgate::config {

namespace {

ParsedValue fail(std::string message) {
    return {std::nullopt, {CheckResult::Kind::error, std::move(message)}};
}

ParsedValue ok(PropertyValue value) { return {std::move(value), {}}; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

ParsedValue parse_number(const PropertySpec& spec, std::string_view text) {
    const auto number = parse_integer(text);
    if (!number) {
        return fail(quoted(text) + " is not an integer (decimal, optional k or M suffix)");
    }
    if (*number < spec.min || *number > spec.max) {
        std::string unit = spec.unit.empty() ? "" : " " + std::string(spec.unit);
        return fail(std::to_string(*number) + " is out of range " + std::to_string(spec.min) +
                    ".." + std::to_string(spec.max) + unit);
    }
    switch (spec.type) {
        case ValueType::seconds: return ok(std::chrono::seconds(*number));
        case ValueType::milliseconds: return ok(std::chrono::milliseconds(*number));
        default: return ok(*number);
    }
}

ParsedValue parse_status_codes(std::string_view text) {
    std::vector<int> codes;
    for (const auto& item : split_list(text)) {
        const auto number = parse_integer(item);
        const bool plain = item.find_first_of("kKmM") == std::string::npos;
        if (!number || !plain) return fail(quoted(item) + " is not an HTTP status code");
        codes.push_back(static_cast<int>(*number));
    }
    return ok(std::move(codes));
}

ParsedValue parse_worker_type(std::string_view text) {
    if (text == "ajp13") return ok(WorkerType::ajp13);
    if (text == "lb") return ok(WorkerType::lb);
    if (text == "status") return ok(WorkerType::status);
    if (text == "ajp14") {
        return fail("type ajp14 is not supported (experimental in mod_jk); use ajp13");
    }
    if (text == "ajp12" || text == "jni") {
        return fail("type " + std::string(text) + " is obsolete and not supported; use ajp13");
    }
    return fail("unknown worker type " + quoted(text) + " (ajp13, lb or status)");
}

ParsedValue parse_reference(std::string_view text) {
    constexpr std::string_view prefix = "worker.";
    if (text.substr(0, prefix.size()) != prefix || text.size() == prefix.size()) {
        return fail("reference must be worker.<name>, got " + quoted(text));
    }
    return ok(std::string(text.substr(prefix.size())));
}

template <class T>
ParsedValue from_optional(const std::optional<T>& parsed, std::string_view text,
                          const char* expected) {
    if (!parsed) return fail(quoted(text) + " is not " + expected);
    return ok(*parsed);
}

ParsedValue parse_by_type(const PropertySpec& spec, std::string_view text) {
    switch (spec.type) {
        case ValueType::text: return ok(std::string(text));
        case ValueType::integer:
        case ValueType::seconds:
        case ValueType::milliseconds: return parse_number(spec, text);
        case ValueType::boolean:
            return from_optional(parse_boolean(text), text,
                                 "a boolean (true/false, on/off, 1/0, yes/no)");
        case ValueType::list: return ok(split_list(text));
        case ValueType::status_codes: return parse_status_codes(text);
        case ValueType::ping_flags:
            return from_optional(parse_ping_flags(text), text, "a ping_mode (letters C, P, I, A)");
        case ValueType::activation:
            return from_optional(parse_activation(text), text, "an activation (A, D or S)");
        case ValueType::lb_method:
            return from_optional(parse_lb_method(text), text, "a method (R, T, B, S or N)");
        case ValueType::lb_lock:
            return from_optional(parse_lb_lock(text), text, "a lock (O or P)");
        case ValueType::worker_type: return parse_worker_type(text);
        case ValueType::reference: return parse_reference(text);
    }
    return fail("internal: unknown value type");
}

}  // namespace

ParsedValue parse_property_value(const PropertySpec& spec, std::string_view text) {
    auto parsed = parse_by_type(spec, text);
    if (!parsed.value || spec.check == nullptr) return parsed;
    parsed.check = spec.check(*parsed.value);
    if (parsed.check.kind == CheckResult::Kind::error) parsed.value.reset();
    return parsed;
}

std::optional<PropertyValue> default_value(const PropertySpec& spec) {
    if (spec.default_is_rule) return std::nullopt;
    const bool numeric = spec.type == ValueType::integer || spec.type == ValueType::seconds ||
                         spec.type == ValueType::milliseconds;
    if (spec.default_text.empty() && (numeric || spec.type == ValueType::boolean)) {
        return std::nullopt;
    }
    if (spec.type == ValueType::worker_type || spec.type == ValueType::reference) {
        if (spec.default_text.empty()) return std::nullopt;
    }
    return parse_property_value(spec, spec.default_text).value;
}

}  // namespace ajpgate::config
