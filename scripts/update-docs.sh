#!/usr/bin/env bash
# Regenerates what is generated from the property table: conf/workers.properties.sample and
# the README's workers.properties reference (between the two "properties" markers), and the
# README's retry and failover table from the request policy (between the "policy" markers).
#   scripts/update-docs.sh [build-dir]      (default build/test; built first if needed)
set -eu
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/test}"
make -s -C "$build/lib/config" >/dev/null
make -s -C "$build/lib/balancer" >/dev/null
make -s -C "$build/tools" ajpgate-properties >/dev/null
tool="$build/tools/ajpgate-properties"
"$tool" --sample > "$root/conf/workers.properties.sample"
replace_section() {  # marker name, generated text
    python3 - "$root/README.md" "$1" "$2" <<'PY'
import sys
path, name, body = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
begin, end = "<!-- %s:begin -->\n" % name, "<!-- %s:end -->" % name
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + body.rstrip("\n") + "\n" + end + tail)
PY
}
replace_section properties "$("$tool" --markdown)"
replace_section policy "$("$tool" --policy)"
echo "updated conf/workers.properties.sample and README.md"
