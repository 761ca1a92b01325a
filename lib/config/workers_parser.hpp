// Entry point: workers.properties (file and/or JkWorkerProperty lines) ->
// validated, immutable WorkersConfig. Every problem is reported in
// `diagnostics` with file and line; nullopt when any of them is an error.
//
// Every configuration mod_jk 1.2.48 starts, this starts too, and builds what mod_jk builds
// from it; what mod_jk silently guesses is a compatibility warning naming file:line, what
// mod_jk does (and so ajpgate) and the fix. Under JkStrict On (Strictness::strict in
// `diagnostics`) each of those is an error instead. Measured against the real mod_jk:
//  - a line without '=' is skipped;
//  - a value that does not parse is read as mod_jk reads it: integers with atoi and its
//    clamps ("80a" is 80, lbfactor 0 is 1, max_packet_size aligned to 1 KiB and clamped to
//    8192..65536), an unknown boolean or choice is the default, ping_mode ignores unknown
//    letters;
//  - an lb member or worker.list entry that is never defined, and a missing worker.list
//    (mod_jk maps one worker 'ajp13'), become ajp13 workers on localhost:8009 with every
//    default; an lb without `type` is such an ajp13 worker, its balance_workers ignored;
//  - reference=P copies every property written P.<name>, whatever the prefix P;
//  - worker.lock, worker.X.maintain, worker.X.Y.port and the properties of the removed jni
//    workers are accepted and ignored; distance and maintain keep their first value;
//  - a redirect to no route of the lb is never followed; balance_workers on a worker whose
//    type is not lb is ignored; mount on a worker outside worker.list is ignored.
// Refused as mod_jk refuses: an unknown property (with a "did you mean" hint), an unknown
// type, a reference to a prefix no property has, reference loops, an lb without members, an
// lb member listed twice or two members with one route, an lb as a member.
// Plain warnings (mod_jk ignores the same): a property a worker's type does not use; '#'
// inside a value still starts a comment (a secret containing '#' is cut there, as in mod_jk).
#pragma once

#include <optional>

#include "config/diagnostic.hpp"
#include "config/properties_reader.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::config {

std::optional<WorkersConfig> parse_workers(const PropertySources& sources,
                                           Diagnostics& diagnostics);

}  // namespace ajpgate::config
