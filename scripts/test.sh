#!/usr/bin/env bash
# The test command: install what is missing, build with ASan+UBSan, run every unit suite
# (CMocka) and every integration suite (real processes on 127.0.0.1), and end with one line
# "N passed, N failed" over all of them.
#
#   scripts/test.sh            everything
#   AJPGATE_BUILD=dir          build directory (default: build/test under the repository)
#   AJPGATE_SANITIZE=0         build without sanitizers
set -u
AJPGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AJPGATE_ROOT
. "$AJPGATE_ROOT/scripts/lib.sh"

# The end-to-end suites also run a real Tomcat 10 (its JRE comes with it); the differential
# tests run Debian's real mod_jk beside ajpgate; xmllint checks the status worker's XML;
# htpasswd makes users for its access tests; the status page is driven in headless Chromium.
ajpg_install_missing tomcat10 libapache2-mod-jk libxml2-utils apache2-utils \
    chromium chromium-driver python3-selenium prometheus || { echo "0 passed, 1 failed"; exit 1; }
# Debian's python3, which python3-selenium is installed for (another python3 may come first
# on PATH).
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

build="${AJPGATE_BUILD:-$AJPGATE_ROOT/build/test}"
config_args=()
[ "${AJPGATE_SANITIZE:-1}" = 1 ] && config_args+=(--enable-sanitizers)
ajpg_build "$build" "${config_args[@]}" || { echo "0 passed, 1 failed"; exit 1; }
export AJPGATE_BUILD="$build"
# Sanitizer reports are failures, and leaks count.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

passed=0
failed=0

# ---- unit suites (CMocka, through automake's test harness) ----------------------
ajpg_log "unit tests"
make -s -C "$build/tests/unit" check >"$build/unit-check.log" 2>&1
for log in "$build"/tests/unit/test_*.log; do
    [ -f "$log" ] || continue
    name="$(basename "$log" .log)"
    p="$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log" | awk '{s+=$1} END {print s+0}')"
    f="$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')"
    if ! grep -q '^\[==========\] .* test(s) run\.' "$log"; then
        # No CMocka summary: the program crashed or a sanitizer stopped it.
        echo "  $name: no summary (crashed?); last lines:"; tail -15 "$log" | sed 's/^/    /'
        f=$((f + 1))
    fi
    grep -E '^\[  (FAILED|  ERROR) \]' "$log" | sed "s/^/  $name: /" | head -20
    printf '  %-34s %4d passed, %d failed\n' "$name" "$p" "$f"
    passed=$((passed + p)); failed=$((failed + f))
done
if ! ls "$build"/tests/unit/test_*.log >/dev/null 2>&1; then
    echo "  no unit test ran:"; tail -30 "$build/unit-check.log"; failed=$((failed + 1))
fi

# ---- integration suites (python3, stdlib only) -------------------------------
ajpg_log "integration tests"
out="$build/integration.log"
"$PYTHON" "$AJPGATE_ROOT/tests/integration/run.py" 2>&1 | tee "$out" | grep -vE '^(ok|\.)' | sed 's/^/  /'
line="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)"
if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | awk '{print $1}')))
    failed=$((failed + $(echo "$line" | awk '{print $3}')))
else
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
