#!/usr/bin/env bash
# The benchmark in one command: ajpgate against Debian's mod_jk and httpd's mod_proxy_ajp,
# each in its own httpd on 127.0.0.1, with httpd serving a static file as the ceiling.
#
#   bash bench/run.sh            5 interleaved rounds x 10 s per case, 2,000 callgrind/strace requests
#   bash bench/run.sh --quick    1 round x 2 s, 200 requests: checks the pipeline, measures nothing
#   (any other option is passed to bench/bench.py, e.g. --cases get100,post16k --rounds 7)
#
# Writes bench/results/<date>[-smoke].md and .png, and points bench/results/latest.md at them.
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AJPGATE_ROOT="$root"
export AJPGATE_ROOT
. "$root/scripts/lib.sh"

ajpg_install_missing wrk valgrind strace gnuplot-nox libapache2-mod-jk apache2 apache2-utils || exit 1
build="$root/build/bench"
# No configure arguments: an optimised build without sanitizers (they would be what we measure).
ajpg_build "$build" || exit 1
if ldd "$build/modules/.libs/mod_jk.so" | grep -qE 'libasan|libubsan'; then
    echo "bench: $build is a sanitizer build; remove it and rerun" >&2; exit 1
fi

run="$(mktemp -d /tmp/ajpgate-bench-XXXXXX)"
chmod 755 "$run"  # the httpd children (www-data) read their confs and write their logs below it
bench_pid=""
cleanup() {
    # bench.py stops its own processes; whatever it left (killed hard) is listed in $run/pids.
    if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$bench_pid" 2>/dev/null || break; sleep 0.2; done
    fi
    if [ -f "$run/pids" ]; then
        while read -r pid; do kill -TERM "$pid" 2>/dev/null; done <"$run/pids"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

suffix=""
for arg in "$@"; do [ "$arg" = "--quick" ] && suffix="-smoke"; done
results="$root/bench/results"
base="$results/$(date -u +%Y-%m-%d)$suffix"
mkdir -p "$results"

ajpg_log "running (work files in $run)"
python3 "$root/bench/bench.py" --build "$build" --run "$run" --out "$run/result.json" "$@" &
bench_pid=$!
wait "$bench_pid"
status=$?
bench_pid=""
if [ "$status" -ne 0 ]; then
    echo "bench: FAILED (exit $status); logs and confs are kept in $run" >&2
    exit "$status"
fi
cp "$run/result.json" "$base.json"
python3 "$root/bench/report.py" "$base.json" "$base" || exit 1
ln -sfn "$(basename "$base.md")" "$results/latest.md"
ln -sfn "$(basename "$base.png")" "$results/latest.png"
ajpg_log "wrote $base.md and $base.png (latest.md points at them)"
rm -rf "$run"
