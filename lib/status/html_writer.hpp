// Writing HTML safely: every value goes through text() (escaped), only literal markup of
// the renderer through raw(). Plus the URL encoding of query values and mod_jk's byte
// counts (apr_strfsize style: "973 ", "1.2K", "45M"). Internal to lib/status.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ajpgate::status::detail::html {

// & < > " ' as character references: safe in element content and quoted attributes.
std::string escape(std::string_view text);

// A query value or name: unreserved characters (RFC 3986) as they are, the rest %XX.
std::string url_encode(std::string_view text);

// mod_jk's human-readable size: below 973 the number and a blank, else one decimal below
// 9.5 units of K, M, G, T, P, E (1024 based), else a whole number of units.
std::string size_text(std::uint64_t bytes);

class Out {
public:
    Out& raw(std::string_view markup) {
        text_.append(markup);
        return *this;
    }
    Out& text(std::string_view value) {
        text_.append(escape(value));
        return *this;
    }
    template <class Number>
    Out& num(Number value) {
        text_.append(std::to_string(value));
        return *this;
    }
    // <td>value</td> with the value escaped.
    Out& cell(std::string_view value) { return raw("<td>").text(value).raw("</td>"); }
    template <class Number>
    Out& num_cell(Number value) {
        return raw("<td>").num(value).raw("</td>");
    }

    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

}  // namespace ajpgate::status::detail::html
