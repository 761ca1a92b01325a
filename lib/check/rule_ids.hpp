// The jkcheck rules ajpgate's module also names in its log at run time, when it meets what
// the rule describes. One definition, so a log line and `jkcheck --explain` always mean the
// same rule (test_check_probe checks each id is in the rule table). Header only: the module
// does not link lib/check.
#pragma once

namespace ajpgate::check::rule_ids {

// A CPING got no CPONG (ping_mode, hung-member check): JKC602.
inline constexpr const char* no_cpong_note = " [JKC602: jkcheck --explain JKC602]";
// Every request refused with 403 and the connection closed (a secret mismatch): JKC603.
inline constexpr const char* refused_note = " [JKC603: jkcheck --explain JKC603]";

}  // namespace ajpgate::check::rule_ids
