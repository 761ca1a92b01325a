#!/usr/bin/env bash
# The demo: build ajpgate, start two AJP backends (ajp-testd playing Tomcat nodes with
# jvmRoute was1 and was2) and the real httpd with ajpgate's mod_jk.so in front of them,
# then print a URL to open and commands to try. Ctrl-C stops everything.
#
#   scripts/demo.sh             run until Ctrl-C (port 8080, or DEMO_PORT)
#   scripts/demo.sh --tour      run a short scripted tour, then stop
set -u
AJPGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AJPGATE_ROOT
. "$AJPGATE_ROOT/scripts/lib.sh"

ajpg_install_missing || exit 1
build="${AJPGATE_DEMO_BUILD:-$AJPGATE_ROOT/build/demo}"
ajpg_build "$build" || exit 1

port="${DEMO_PORT:-8080}"
run="$(mktemp -d /tmp/ajpgate-demo-XXXXXX)"
chmod 755 "$run"
mkdir -p "$run/logs" "$run/htdocs"
pids=()
cleanup() {
    [ -f "$run/logs/httpd.pid" ] && kill "$(cat "$run/logs/httpd.pid")" 2>/dev/null
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 0' INT TERM

start_backend() {  # name -> port
    local name="$1"
    "$build/tools/ajp-testd" --port 0 --ready-file "$run/$name.port" --route "$name" --name "$name" \
        --quiet >"$run/logs/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$run/$name.port" ] && break; sleep 0.1; done
    cat "$run/$name.port"
}
p1="$(start_backend was1)"
p2="$(start_backend was2)"

cat >"$run/workers.properties" <<PROPS
# Two Tomcat-like nodes (ajp-testd with jvmRoute was1 / was2).
worker.list=was1,was2
worker.was1.type=ajp13
worker.was1.host=127.0.0.1
worker.was1.port=$p1
worker.was2.type=ajp13
worker.was2.host=127.0.0.1
worker.was2.port=$p2
PROPS
user=www-data; id "$user" >/dev/null 2>&1 || user=nobody
cat >"$run/httpd.conf" <<CONF
ServerRoot $run
Listen 127.0.0.1:$port
PidFile $run/logs/httpd.pid
ErrorLog $run/logs/error_log
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule jk_module $build/modules/.libs/mod_jk.so
User $user
Group $( [ "$user" = www-data ] && echo www-data || echo nogroup )
ServerName localhost
DocumentRoot $run/htdocs

# The lines a mod_jk user already has:
JkWorkersFile workers.properties
JkLogFile "|/usr/bin/rotatelogs -l logs/mod_jk_%Y%m%d.log 86400"
JkLogStampFormat "[%a %b %d %H:%M:%S.%Q %Y] "
JkLogLevel debug
JkMount /was1/* was1
JkMount /was2/* was2
CONF
if ! /usr/sbin/apache2 -f "$run/httpd.conf" -k start; then
    cat "$run/logs/error_log" 2>/dev/null
    echo "httpd did not start (is port $port free? set DEMO_PORT)"; exit 1
fi
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

base="http://127.0.0.1:$port"
cat <<TEXT

ajpgate demo is running: httpd + ajpgate (mod_jk.so from $build/modules/.libs)
  backends : was1 on 127.0.0.1:$p1, was2 on 127.0.0.1:$p2 (ajp-testd, jvmRoute was1/was2)
  open     : $base/was1/hello
  files    : $run (httpd.conf, workers.properties, logs/)

Try:
  curl -i $base/was1/hello?name=you          # echo of what the backend received, as JSON
  curl -i $base/was2/hello -d 'a=1'          # a POST, body forwarded over AJP
  curl -i -H 'X-Testd: mode=fixed;size=1000000' $base/was1/big -o /dev/null
  tail -f $run/logs/mod_jk_*.log             # the module's own log (rotatelogs)
TEXT

if [ "${1:-}" = "--tour" ]; then
    echo; echo "== tour"
    for path in /was1/hello /was2/hello; do
        printf '%s -> ' "$path"; curl -s "$base$path" | head -c 160; echo
    done
    printf 'POST /was2/form -> '; curl -s -d 'a=1&b=2' "$base/was2/form" | grep -o '"body_length":[0-9]*'
    echo; echo "== the module's log"; sleep 0.5; tail -n 6 "$run"/logs/mod_jk_*.log
    exit 0
fi
echo; echo "Ctrl-C to stop."
while kill -0 "$(cat "$run/logs/httpd.pid" 2>/dev/null)" 2>/dev/null; do sleep 1; done
