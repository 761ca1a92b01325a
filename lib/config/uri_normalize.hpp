// Tomcat's servlet path normalisation, applied to a request path before it is matched against
// JkMount / uriworkermap rules. Matching the raw path would let `/app/..;/manager/x` reach a
// context that no rule maps (CVE-2018-11759 and friends): we match exactly what Tomcat serves.
//
// Steps, in Tomcat's order:
//   1. drop `;params` from every segment (`/app;jsessionid=1/x;a=b` -> `/app/x`);
//   2. collapse empty segments (`//` -> `/`);
//   3. remove `.` segments, resolve `..` segments; going above the root is an error.
// Params are stripped before dot handling, so `/..;x/` is a `..` segment. A trailing `/`,
// `/.` or `/..` leaves a trailing slash, as Tomcat does (`/a/b/..` -> `/a/`).
//
// The input is the path httpd already percent-decoded (r->uri). Nothing is decoded here:
// `%2e%2e` is an ordinary segment name. One consequence, shared with mod_jk: a `;` that
// arrived as `%3B` is treated as a parameter separator, where Tomcat (which strips params
// before decoding) would keep it as a character of the segment. A backslash is kept
// as an ordinary character (Tomcat rejects it by default; JkOptions +RejectUnsafeURI in the
// module rejects it earlier).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace ajpgate::config {

enum class NormalizeError {
    none,
    not_absolute,     // empty, or does not start with '/'
    escapes_root,     // a `..` segment would climb above '/'
    nul_character,    // an embedded NUL byte (never a valid path)
    buffer_too_small  // caller's buffer shorter than the input (see normalize_path_into)
};

// A short stable description for logs ("path escapes the root").
std::string_view describe(NormalizeError error) noexcept;

struct NormalizeResult {
    NormalizeError error = NormalizeError::none;
    std::string path;  // the normalised path when error == none, else empty

    bool ok() const noexcept { return error == NormalizeError::none; }
};

// Allocating form, for configuration time and tests.
NormalizeResult normalize_path(std::string_view decoded_path);

// Allocation-free form for the request path: the result is never longer than the input, so a
// buffer of decoded_path.size() bytes always suffices. On success `out_len` is the length of
// the normalised path written at the start of `buffer`; on error `out_len` is 0.
// `buffer` must not overlap `decoded_path`.
NormalizeError normalize_path_into(std::string_view decoded_path, std::span<char> buffer,
                                   std::size_t& out_len) noexcept;

}  // namespace ajpgate::config
