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

# Runs in this shell (not in $(...)) so the backends' pids are kept for cleanup and the tour.
start_backend() {  # name
    local name="$1"
    "$build/tools/ajp-testd" --port 0 --ready-file "$run/$name.port" --route "$name" --name "$name" \
        --quiet >"$run/logs/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$run/$name.port" ] && break; sleep 0.1; done
}
start_backend was1
start_backend was2
p1="$(cat "$run/was1.port")"
p2="$(cat "$run/was2.port")"

cat >"$run/workers.properties" <<PROPS
# The seed's workers.properties: an lb over two Tomcat-like nodes (ajp-testd playing
# jvmRoute was1 / was2), here on 127.0.0.1 and the ports the backends picked.
worker.list=loadbalancer,jkstatus

worker.loadbalancer.type=lb
worker.loadbalancer.balance_workers=was1,was2
worker.loadbalancer.recover_time=5
worker.maintain=5

worker.was1.type=ajp13
worker.was1.host=127.0.0.1
worker.was1.port=$p1
worker.was1.lbfactor=1

worker.was2.type=ajp13
worker.was2.host=127.0.0.1
worker.was2.port=$p2
worker.was2.lbfactor=1

# mod_jk's status worker (jkstatus): see and steer the balancer.
worker.jkstatus.type=status
PROPS
user=www-data; id "$user" >/dev/null 2>&1 || user=nobody
cat >"$run/httpd.conf" <<CONF
ServerRoot $run
Listen 127.0.0.1:$port
PidFile $run/logs/httpd.pid
ErrorLog $run/logs/error_log
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authz_host_module /usr/lib/apache2/modules/mod_authz_host.so
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
JkMount /* loadbalancer
JkMount /jkstatus jkstatus
<Location /jkstatus>
  Require local
</Location>
CONF
if ! /usr/sbin/apache2 -f "$run/httpd.conf" -k start; then
    cat "$run/logs/error_log" 2>/dev/null
    echo "httpd did not start (is port $port free? set DEMO_PORT)"; exit 1
fi
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

base="http://127.0.0.1:$port"
cat <<TEXT

ajpgate demo is running: httpd + ajpgate (mod_jk.so from $build/modules/.libs)
  balancer : loadbalancer over was1 (127.0.0.1:$p1) and was2 (127.0.0.1:$p2)
             (ajp-testd playing Tomcat nodes with jvmRoute was1/was2)
  open     : $base/app/hello        (reload: X-Route and the JSESSIONID cookie show the node)
  status   : $base/jkstatus         (mod_jk's status worker: the balancer, its members, edits)
  files    : $run (httpd.conf, workers.properties, logs/)

Try:
  curl -si $base/app/hello | grep -E 'X-Route|Set-Cookie'        # a new session on some node
  curl -si -b 'JSESSIONID=ABC.was2' $base/app/x | grep X-Route    # sticky: always was2
  curl -si '$base/app/x;jsessionid=ABC.was1' | grep X-Route       # sticky by URL: was1
  curl -s '$base/jkstatus?cmd=update&mime=txt&w=loadbalancer&sw=was1&vwa=D'   # drain was1
  curl -s '$base/jkstatus?mime=prop' | grep -E 'activation|elected'           # what scripts read
  kill \$(pgrep -f 'route was1')   # then the was1 session fails over to was2, rebound to ABC.was2
  tail -f $run/logs/mod_jk_*.log                                  # the module's own log
TEXT

route_of() {  # curl args... -> "node session-out count"
    curl -s -o /dev/null -D - "$@" | awk -F': ' 'tolower($1)=="x-route"{r=$2} tolower($1)=="x-session-out"{s=$2}
        tolower($1)=="x-session-count"{c=$2} END{gsub("\r","",r); gsub("\r","",s); gsub("\r","",c); print r, s, c}'
}
if [ "${1:-}" = "--tour" ]; then
    echo; echo "== 1. sessionless requests are balanced by lbfactor (1:1)"
    for i in 1 2 3 4; do printf '  request %s -> %s\n' "$i" "$(route_of "$base/app/hello" | cut -d' ' -f1)"; done
    echo "== 2. a session sticks to its node"
    read -r node session count <<<"$(route_of "$base/app/cart")"
    echo "  new session $session on $node"
    for i in 1 2 3; do printf '  with the cookie -> %s\n' "$(route_of -b "JSESSIONID=$session" "$base/app/cart")"; done
    other=was1; [ "$node" = was1 ] && other=was2
    echo "== 3. the status worker disables $other: new sessions avoid it, then it is active again"
    printf '  %s\n' "$(curl -s "$base/jkstatus?cmd=update&mime=txt&w=loadbalancer&sw=$other&vwa=D")"
    for i in 1 2 3; do printf '  new session -> %s\n' "$(route_of "$base/app/hello" | cut -d' ' -f1)"; done
    printf '  %s\n' "$(curl -s "$base/jkstatus?cmd=update&mime=txt&w=loadbalancer&sw=$other&vwa=A")"
    echo "== 4. the session's node dies: the next request fails over, the route is rebound"
    if [ "$node" = was1 ]; then kill "${pids[0]}"; else kill "${pids[1]}"; fi
    sleep 0.3
    read -r node2 session2 _ <<<"$(route_of -b "JSESSIONID=$session" "$base/app/cart")"
    echo "  -> $node2 answers; its Set-Cookie rebinds the session to $session2"
    printf '  with the new cookie -> %s\n' "$(route_of -b "JSESSIONID=$session2" "$base/app/cart")"
    echo; echo "== the module's log"; sleep 0.5; grep -E 'AJPG014|AJPG011|AJPG0150' "$run"/logs/mod_jk_*.log | tail -n 6
    exit 0
fi
echo; echo "Ctrl-C to stop."
while kill -0 "$(cat "$run/logs/httpd.pid" 2>/dev/null)" 2>/dev/null; do sleep 1; done
