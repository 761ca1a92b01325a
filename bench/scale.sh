#!/usr/bin/env bash
# Issue 15's scale benchmark, axis by axis: ajpgate, Debian's mod_jk and mod_proxy_ajp side by
# side on 127.0.0.1, each in its own httpd.
#
#   bash bench/scale.sh                  every axis, one after the other (~75 min)
#   bash bench/scale.sh mounts           10 to 100,000 mount rules (~30 min)
#   bash bench/scale.sh members          lb of 2, 8, 64 members, and failover (~10 min)
#   bash bench/scale.sh clients          16, 256, 1,000 keep-alive clients
#   bash bench/scale.sh children         event 1/4/16 children, prefork 64; Tomcat maxThreads=50 (~10 min)
#   bash bench/scale.sh bodies           1 GiB up and down, the child's RSS
#   bash bench/scale.sh mounts --rules 10,1000     (options after the axis go to its script)
#
# Each axis writes bench/results/scale-<axis>-<date>.json, .md and .png (bench/scale_<axis>.py,
# bench/scale_chart.py).
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AJPGATE_ROOT="$root"
export AJPGATE_ROOT
. "$root/scripts/lib.sh"

axes=(mounts members clients children bodies)
case "${1:-all}" in
    all) selected=("${axes[@]}"); [ $# -gt 0 ] && shift ;;
    mounts|members|clients|children|bodies) selected=("$1"); shift ;;
    -*) selected=(mounts) ;;  # the old form: options for the mount axis
    *) echo "scale: unknown axis '$1' (one of: ${axes[*]}, all)" >&2; exit 2 ;;
esac

ajpg_install_missing wrk valgrind curl gnuplot-nox libapache2-mod-jk apache2 apache2-utils tomcat10 || exit 1
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

for axis in "${selected[@]}"; do
    base="$root/bench/results/scale-$axis-$(date -u +%Y-%m-%d)"
    mkdir -p "$run/$axis"
    python3 "$root/bench/scale_$axis.py" --build "$build" --run "$run/$axis" --out "$base.json" "$@" || {
        echo "scale: $axis FAILED; logs and confs are kept in $run/$axis" >&2; exit 1; }
    python3 "$root/bench/scale_$axis.py" --report "$base.json" >"$base.md" || exit 1
    python3 "$root/bench/scale_chart.py" "$base.json" >/dev/null || exit 1  # $base.png
    ajpg_log "wrote $base.md"
done
rm -rf "$run"
