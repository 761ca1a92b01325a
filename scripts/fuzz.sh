#!/usr/bin/env bash
# Runs every libFuzzer target, one after the other, each from a scratch copy of its seed
# corpus (the in-tree corpus never grows by itself: add an input by hand when it is worth
# keeping, a crash's above all), and prints per target what it did and whether it found
# anything. Exits 1 if any target crashed, leaked, hung or ran out of memory.
#
#   scripts/fuzz.sh                        build (build/fuzz), then 60 s per target
#   scripts/fuzz.sh -t 600                 600 s per target
#   scripts/fuzz.sh -r 10000000            10 million executions per target (no time limit)
#   scripts/fuzz.sh -t 600 -r 10000000     whichever comes first
#   scripts/fuzz.sh -b DIR                 use (and build) DIR instead of build/fuzz
#   scripts/fuzz.sh -w DIR                 scratch corpora, logs and crash inputs in DIR
#                                          (default: a new directory under /tmp; kept)
#   scripts/fuzz.sh fuzz_exchange ...      only these targets
#   scripts/fuzz.sh -- -max_len=4096       what follows -- goes to every libFuzzer run
#
# kill -INT of a running target's process ends that target early (its figures are printed,
# "interrupted"), and the next one starts.
#
# One fuzzing process at a time, in-process (no -jobs/-fork: no helper processes, and a crash
# is the run's exit status): the machine may be shared. Needs clang
# with libFuzzer (Debian: clang libclang-rt-14-dev); the build is configure --enable-fuzzers.
set -u
AJPGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AJPGATE_ROOT
. "$AJPGATE_ROOT/scripts/lib.sh"

build="$AJPGATE_ROOT/build/fuzz"
seconds=""
runs=""
work=""
targets=()
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    -b) build="$2"; shift 2 ;;
    -t) seconds="$2"; shift 2 ;;
    -r) runs="$2"; shift 2 ;;
    -w) work="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see $0 --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
    esac
done
[ -z "$seconds" ] && [ -z "$runs" ] && seconds=60

# Each target and its seed corpus (under tests/fuzz/corpus; none: libFuzzer starts empty).
declare -A seeds=(
    [fuzz_ajp13_response]=ajp13/response
    [fuzz_ajp13_request]=ajp13/request
    [fuzz_uri_map]=uri_map
    [fuzz_workers_properties]=workers_properties
    [fuzz_status_request]=status_request
    [fuzz_exchange]=exchange
    [fuzz_server_xml]=server_xml
)
ordered=(fuzz_ajp13_response fuzz_ajp13_request fuzz_uri_map fuzz_workers_properties
         fuzz_status_request fuzz_exchange fuzz_server_xml)

# A smaller ASan quarantine and shorter allocation stacks: ~17% more executions per second on
# the parser targets (whose time goes to the allocator). A crash input is re-run by hand with
# ASan's defaults for the full report. Set ASAN_OPTIONS to override.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:malloc_context_size=3}"

ajpg_build "$build" --enable-fuzzers || exit 1
# A target the table above does not know would silently go unfuzzed.
for bin in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    name="$(basename "$bin")"
    [ -n "${seeds[$name]+set}" ] || { echo "scripts/fuzz.sh does not know target $name: add it" >&2; exit 2; }
done
[ ${#targets[@]} -eq 0 ] && targets=("${ordered[@]}")

[ -z "$work" ] && work="$(mktemp -d /tmp/ajpgate-fuzz.XXXXXX)"
mkdir -p "$work"
ajpg_log "scratch corpora, logs and findings: $work"

args=(-print_final_stats=1)
[ -n "$seconds" ] && args+=(-max_total_time="$seconds")
[ -n "$runs" ] && args+=(-runs="$runs")

printf '%-26s %14s %9s %8s %8s %9s  %s\n' target executions exec/s cov ft wall_s result
found=0
for name in "${targets[@]}"; do
    bin="$build/tests/fuzz/$name"
    [ -x "$bin" ] || { echo "no such target: $name" >&2; found=1; continue; }
    dir="$work/$name"
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/findings"
    seed="${seeds[$name]}"
    [ -n "$seed" ] && cp -r "$AJPGATE_ROOT/tests/fuzz/corpus/$seed/." "$dir/corpus/"
    start=$(date +%s)
    (cd "$dir" && "$bin" "${args[@]}" -artifact_prefix="$dir/findings/" "${extra[@]}" "$dir/corpus" >"$dir/log" 2>&1)
    rc=$?
    wall=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
    # The last status line libFuzzer printed: "#N ... cov: C ft: F corp: ...".
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
    findings=$(find "$dir/findings" -type f | wc -l)
    if [ "$findings" -eq 0 ] && grep -q 'libFuzzer: run interrupted' "$dir/log"; then
        result="interrupted (SIGINT): nothing found until then"
    elif [ "$rc" -ne 0 ] || [ "$findings" -gt 0 ]; then
        result="FOUND (exit $rc): $(find "$dir/findings" -type f | head -3 | tr '\n' ' ')see $dir/log"
        found=1
    else
        result="nothing"
    fi
    printf '%-26s %14s %9s %8s %8s %9s  %s\n' "$name" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$wall" "$result"
done
exit $found
