#!/usr/bin/env bash
# Issue 15's scale benchmark, axis by axis (so far: mounts). ajpgate, Debian's mod_jk and
# mod_proxy_ajp side by side on 127.0.0.1, each in its own httpd.
#
#   bash bench/scale.sh                     mounts: 10, 1,000, 10,000, 100,000 rules (~30 min)
#   bash bench/scale.sh --rules 10,1000     (any option goes to bench/scale_mounts.py)
#
# Writes bench/results/scale-mounts-<date>.json and .md.
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AJPGATE_ROOT="$root"
export AJPGATE_ROOT
. "$root/scripts/lib.sh"

ajpg_install_missing wrk valgrind libapache2-mod-jk apache2 apache2-utils || exit 1
build="$root/build/bench"
ajpg_build "$build" || exit 1  # optimised, no sanitizers (bench/run.sh checks the same)
if ldd "$build/modules/.libs/mod_jk.so" | grep -qE 'libasan|libubsan'; then
    echo "scale: $build is a sanitizer build; remove it and rerun" >&2; exit 1
fi
run="$(mktemp -d /tmp/ajpgate-scale-XXXXXX)"
chmod 755 "$run"
cleanup() {
    if [ -f "$run/pids" ]; then
        while read -r pid; do kill -TERM "$pid" 2>/dev/null; done <"$run/pids"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base="$root/bench/results/scale-mounts-$(date -u +%Y-%m-%d)"
python3 "$root/bench/scale_mounts.py" --build "$build" --run "$run" --out "$base.json" "$@" || {
    echo "scale: FAILED; logs and confs are kept in $run" >&2; exit 1; }
python3 "$root/bench/scale_mounts.py" --report "$base.json" >"$base.md" || exit 1
ajpg_log "wrote $base.md"
rm -rf "$run"
