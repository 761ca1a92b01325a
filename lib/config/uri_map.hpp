// The immutable URI -> worker map of one server (or virtual host).
//
// Precedence among mount rules (first match wins):
//   1. exact rules before wildcard rules,
//   2. more '/' in the pattern first (mod_jk's primary key),
//   3. longer pattern first,
//   4. source: uriworkermap > JkMount > worker.X.mount,
//   5. then the order the rules were given (so a duplicate pattern for two workers in one
//      source, which mod_jk leaves undefined, resolves to the first one, with a warning).
// mod_jk itself orders only by 2-4, mixing exact and wildcard rules; step 1 follows the
// project's spec and changes the outcome only in ties such as `/a*` vs `/ab` on "/ab".
//
// Exclusions are looked at after the winner is known: an enabled exclusion for the winner's
// worker, or for worker "*", that matches the path cancels the mapping. As in mod_jk there is
// no fallback to the next mount rule. Disabled rules never take part.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/uri_index.hpp"
#include "config/uri_normalize.hpp"
#include "config/uri_pattern.hpp"

namespace ajpgate::config {

struct MapResult {
    NormalizeError error = NormalizeError::none;  // set: the module answers 400
    std::string_view path;                        // normalised path; r->uri becomes this
    const UriRule* rule = nullptr;                // the winning mount, or nullptr: not ours

    bool ok() const noexcept { return error == NormalizeError::none; }
};

class UriMap {
public:
    UriMap();  // maps nothing

    // Builds a map from static rules (JkMount/JkUnMount/mount) and file rules (JkMountFile).
    // Conflicts (same pattern and kind in one source, different workers) become warnings.
    static UriMap build(std::vector<UriRule> static_rules, std::vector<UriRule> file_rules,
                        Diagnostics& diags);

    // JkMountFileReload: a new map with this map's static rules and a fresh set of file rules.
    // The static rules are shared, not copied; this map is left untouched.
    UriMap with_file_rules(std::vector<UriRule> file_rules, Diagnostics& diags) const;

    // The winning rule for an already normalised path, or nullptr. Allocation-free, and
    // without a scan of the rules (uri_index.hpp).
    const UriRule* match(std::string_view normalised_path) const noexcept;

    // Normalises the decoded request path into `buffer` (at least decoded_path.size() bytes,
    // not overlapping it), then matches. `path` in the result points into `buffer`.
    MapResult map_request(std::string_view decoded_path, std::span<char> buffer) const noexcept;

    // Convenience form that keeps the normalised path in `storage`.
    MapResult map_request(std::string_view decoded_path, std::string& storage) const;

    // Enabled mounts in precedence order (for logs and the status worker).
    std::span<const UriRule* const> mounts() const noexcept { return mounts_; }
    std::span<const UriRule* const> exclusions() const noexcept { return exclusions_; }
    const std::vector<UriRule>& static_rules() const noexcept { return *static_; }
    const std::vector<UriRule>& file_rules() const noexcept { return *file_; }

private:
    using Rules = std::shared_ptr<const std::vector<UriRule>>;
    UriMap(Rules static_rules, Rules file_rules, Diagnostics& diags);

    Rules static_;
    Rules file_;
    std::vector<const UriRule*> mounts_;      // into *static_ / *file_, sorted
    std::vector<const UriRule*> exclusions_;  // idem, in the order given
    UriIndex mount_index_;                    // over mounts_: match() scans no list
    UriIndex exclusion_index_;                // over exclusions_
};

}  // namespace ajpgate::config
