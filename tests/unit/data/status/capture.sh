#!/bin/bash
# Captures the golden outputs of the real mod_jk 1.2.48 status worker that
# tests/unit/test_status_golden.cpp compares ajpgate's renderers with.
#
# usage: capture.sh AJP_TESTD [PORT_BASE] [OUT_DIR]
#   AJP_TESTD  path to ajpgate's tools/ajp-testd (the live backends)
#   PORT_BASE  first of 10 free local ports (default 18470)
#   OUT_DIR    where the captures go (default: this script's directory)
#
# It writes a small httpd + workers.properties into a temporary directory, starts httpd with
# /usr/lib/apache2/modules/mod_jk.so and drives the members of lb "lb" into the states the
# test's StatusPage holds (see status_golden_page.cpp), then saves the answers to
# <name>.<prop|txt|xml|html> unchanged. The only values that differ between the capture
# and ajpgate's rendering of the same page are the time-derived ones (clock, ages, times to
# maintenance/recovery, and the lb values a maintenance run decays); the test normalises
# those the same way on both sides (normalize_text() and canonical_xml() in
# tests/unit/test_status_support.hpp), so the files here stay raw.
#
# Run it from the build directory after `make`, e.g.
#   tests/unit/data/status/capture.sh build/t/tools/ajp-testd
# (about 40 s: the forced recovery waits for a maintenance run).
#
# States reached: OK/IDLE (never used), OK (a sticky request answered by ajp-testd),
# ERR (a sticky request to a closed port), ERR/REC (cmd=recover on an ERR member),
# ERR/PRB (a request in flight to a recovering member), OK/BUSY (busy_limit=1, one request
# in flight, a second one refused), ERR/FRC (lb "lbf": every member in error, then a
# maintenance run), each with activation ACT, DIS (configured) or STP (set by cmd=update).
set -euo pipefail

TESTD=${1:?usage: capture.sh AJP_TESTD [PORT_BASE] [OUT_DIR]}
BASE=${2:-18470}
OUT=${3:-$(cd "$(dirname "$0")" && pwd)}
HTTPD=/usr/sbin/apache2
MODULES=/usr/lib/apache2/modules

P_HTTP=$BASE          # httpd
P_LIVE=$((BASE + 1))  # ajp-testd for the OK / BUSY members and the ajp worker
P_PRB=$((BASE + 2))   # closed until the probing member has been recovered
P_DEAD=$((BASE + 3))  # never listens
P_VHOST=$((BASE + 4)) # a second listener for a virtual host

WORK=$(mktemp -d /tmp/status-capture.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$WORK/logs/httpd.pid" ] && $HTTPD -f "$WORK/httpd.conf" -k stop 2>/dev/null || true
    sleep 1
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/logs" "$WORK/htdocs" "$OUT"

cat >"$WORK/workers.properties" <<PROPS
worker.maintain=10
worker.list=lb,lbf,solo,jkstatus,jkstatus2,jkstatus3
worker.lb.type=lb
worker.lb.balance_workers=a_idle,a_ok,a_busy,a_err,a_rec,a_prb,d_ok,d_err,s_idle,s_err
worker.lb.recover_time=600
worker.lb.mount=/wm/* /wm/exact
worker.a_idle.type=ajp13
worker.a_idle.host=127.0.0.1
worker.a_idle.port=$P_LIVE
worker.a_idle.redirect=a_ok
worker.a_idle.domain=dom1
worker.a_idle.distance=1
worker.a_ok.type=ajp13
worker.a_ok.host=127.0.0.1
worker.a_ok.port=$P_LIVE
worker.a_ok.lbfactor=3
worker.a_ok.route=r_ok
worker.a_ok.connection_pool_timeout=600
worker.a_ok.socket_connect_timeout=2000
worker.a_ok.ping_mode=A
worker.a_ok.recovery_options=7
worker.a_busy.type=ajp13
worker.a_busy.redirect=r_ok
worker.a_busy.host=127.0.0.1
worker.a_busy.port=$P_LIVE
worker.a_busy.busy_limit=1
worker.a_err.type=ajp13
worker.a_err.redirect=r_ok
worker.a_err.host=127.0.0.1
worker.a_err.port=$P_DEAD
worker.a_err.reply_timeout=30000
worker.a_rec.type=ajp13
worker.a_rec.redirect=r_ok
worker.a_rec.host=127.0.0.1
worker.a_rec.port=$P_DEAD
worker.a_rec.max_packet_size=16384
worker.a_prb.type=ajp13
worker.a_prb.redirect=r_ok
worker.a_prb.host=127.0.0.1
worker.a_prb.port=$P_PRB
worker.d_ok.type=ajp13
worker.d_ok.host=127.0.0.1
worker.d_ok.port=$P_LIVE
worker.d_ok.activation=D
worker.d_err.type=ajp13
worker.d_err.redirect=r_ok
worker.d_err.host=127.0.0.1
worker.d_err.port=$P_DEAD
worker.d_err.activation=D
worker.s_idle.type=ajp13
worker.s_idle.host=127.0.0.1
worker.s_idle.port=$P_LIVE
worker.s_idle.activation=S
worker.s_err.type=ajp13
worker.s_err.redirect=r_ok
worker.s_err.host=127.0.0.1
worker.s_err.port=$P_DEAD
worker.lbf.type=lb
worker.lbf.balance_workers=f1,f2
worker.lbf.method=B
worker.lbf.lock=P
worker.lbf.sticky_session=False
worker.lbf.retries=3
worker.lbf.recover_time=600
worker.f1.type=ajp13
worker.f1.host=127.0.0.1
worker.f1.port=$P_DEAD
worker.f2.type=ajp13
worker.f2.host=localhost
worker.f2.port=$P_DEAD
worker.solo.type=ajp13
worker.solo.host=127.0.0.1
worker.solo.port=$P_LIVE
worker.solo.secret=capture-secret
worker.jkstatus.type=status
worker.jkstatus2.type=status
worker.jkstatus2.read_only=True
worker.jkstatus2.prefix=st
worker.jkstatus2.ns=-
worker.jkstatus2.xmlns=-
worker.jkstatus2.doctype=<!DOCTYPE status>
worker.jkstatus2.good=a
worker.jkstatus2.bad=e,d.o
worker.jkstatus3.type=status
worker.jkstatus3.user=admin
worker.jkstatus3.ns=st:
worker.jkstatus3.xmlns=xmlns:st="urn:x-status"
PROPS

cat >"$WORK/uriworkermap.properties" <<MAP
/lb/*=lb
/lb/*.jsp=lb;reply_timeout=5000;sticky_ignore=1;stateless=1;fail_on_status=500,-503;active=a_ok;disabled=a_idle;stopped=s_idle;use_server_errors=400
-/lb/off/*=lb
!/lb/static/*=lb
!/*.png=*
/solo/api|/*=solo
/lbf/*=lbf
MAP

cat >"$WORK/httpd.conf" <<CONF
ServerRoot $WORK
Listen 127.0.0.1:$P_HTTP
Listen 127.0.0.1:$P_VHOST
PidFile $WORK/logs/httpd.pid
ErrorLog $WORK/logs/error_log
LoadModule mpm_event_module $MODULES/mod_mpm_event.so
LoadModule authz_core_module $MODULES/mod_authz_core.so
LoadModule jk_module $MODULES/mod_jk.so
ServerName localhost
DocumentRoot $WORK/htdocs
StartServers 1
ServerLimit 1
ThreadsPerChild 25
MaxRequestWorkers 25
JkWorkersFile workers.properties
JkShmFile logs/jk.shm
JkLogFile logs/mod_jk.log
JkLogLevel info
JkMountFile uriworkermap.properties
JkMount /jkstatus jkstatus
JkMount /jkstatus2 jkstatus2
JkMount /jkstatus3 jkstatus3
JkMount /jk/* lb
JkUnMount /jk/images/* lb
JkMount /solo/* solo
<VirtualHost 127.0.0.1:$P_VHOST>
  ServerName vhost.example
  JkMountCopy On
  JkMount /vh/* lb
</VirtualHost>
CONF

"$TESTD" --port "$P_LIVE" --quiet >/dev/null 2>&1 & PIDS+=($!)
$HTTPD -f "$WORK/httpd.conf" -k start
sleep 1

URL=http://127.0.0.1:$P_HTTP
get() { curl -s -o /dev/null "$@" || true; }
sticky() { get -H "Cookie: JSESSIONID=capture.$2" "$URL/lb/$1"; }
status() { curl -s "$URL/jkstatus?$1" >/dev/null; }

# lb "lbf": both members fail, then a maintenance run (worker.maintain=10) finds every member
# in error and forces their recovery: ERR/FRC.
get "$URL/lbf/x"
for _ in $(seq 1 25); do status "mime=prop"; sleep 1; done

# Errors first: sticky requests to closed ports. Each failed member redirects to a_ok (route
# r_ok), so the request is served and no forced recovery turns the errors into ERR/FRC.
sticky x a_err; sticky x a_rec; sticky x a_prb; sticky x d_err; sticky x s_err
status "cmd=recover&w=lb&sw=a_rec"
status "cmd=recover&w=lb&sw=a_prb"
status "cmd=update&w=lb&sw=s_err&vwa=S"
# A probe in flight: the recovering member's backend now answers, slowly.
"$TESTD" --port "$P_PRB" --quiet >/dev/null 2>&1 & PIDS+=($!)
sleep 0.5
get -H "Cookie: JSESSIONID=capture.a_prb" -H "X-Testd: delay=60000" "$URL/lb/probe" & PIDS+=($!)
# Busy: one request held by the backend, a second one over busy_limit=1.
get -H "Cookie: JSESSIONID=capture.a_busy" -H "X-Testd: delay=60000" "$URL/lb/held" & PIDS+=($!)
sleep 1
sticky busy a_busy
# Served requests last, so that no maintenance run turns them into OK/IDLE before the capture.
sticky ok r_ok; sticky ok2 r_ok; sticky ok d_ok
get "$URL/solo/api"

# prop, txt and xml of every view first (the test compares those), the HTML pages (kept for
# reference only) at the end: all within one maintenance interval, so no OK member turns
# OK/IDLE in between (a decay of the lb values may happen: the test normalises lbvalue).
HTML=()
save() {  # save NAME QUERY [PATH]
    local name=$1 query=$2 path=${3:-/jkstatus} mime
    for mime in prop txt xml; do
        curl -s "$URL$path?$query&mime=$mime" >"$OUT/$name.$mime"
    done
    HTML+=("$name|$query|$path")
}
save_html() {
    local entry name query path
    for entry in "${HTML[@]}"; do
        IFS='|' read -r name query path <<<"$entry"
        curl -s "$URL$path?$query&mime=html" >"$OUT/$name.html"
    done
}
save list "cmd=list"
save list_opt3 "opt=3"
save list_opt24 "opt=24"
save show_lb "cmd=show&w=lb"
save show_member "cmd=show&w=lb&sw=a_ok"
save show_lbf "cmd=show&w=lbf"
save show_solo "cmd=show&w=solo"
save version "cmd=version"
save dump "cmd=dump"
save err_no_worker "cmd=show"
save err_empty_sub "cmd=show&w=lb&sw="
save err_unknown_worker "cmd=show&w=nosuch"
save err_unknown_sub "cmd=show&w=lb&sw=nosuch"
save err_wildcard "cmd=show&w=lb&sw=a_*"
save err_no_sub_workers "cmd=show&w=solo&sw=x"
save err_read_only "cmd=reset&w=lb&opt=32"
save err_recover "cmd=recover&w=lb&sw=a_ok"
# mod_jk stops parsing at a bad escape: parameters after it (here mime) are never read.
for mime in prop txt xml html; do
    curl -s "$URL/jkstatus?mime=$mime&cmd=show&w=%zz" >"$OUT/err_parse_first.$mime"
    curl -s "$URL/jkstatus?cmd=bogus&mime=$mime" >"$OUT/err_command.$mime"
done
save list_st "cmd=list" /jkstatus2
save err_denied "cmd=list" /jkstatus3
save edit "cmd=edit&w=lb"
curl -s "$URL/jkstatus?cmd=show&w=%zz&mime=prop" >"$OUT/err_parse_late.html"
curl -s "$URL/jkstatus?cmd=list&mime=bogus" >"$OUT/err_mime.prop"
curl -s -D - -o /dev/null "$URL/jkstatus?mime=xml" | tr -d '\r' | grep -i '^content-type' >"$OUT/headers.xml"
curl -s -D - -o /dev/null "$URL/jkstatus?mime=html" | tr -d '\r' | grep -i '^content-type' >"$OUT/headers.html"
curl -s -D - -o /dev/null "$URL/jkstatus?mime=txt" | tr -d '\r' | grep -i '^content-type' >"$OUT/headers.txt"
save_html
# The answers of the commands that change state (no state left to compare afterwards).
HTML=()
save update "cmd=update&w=lb&sw=a_idle&vwf=2"
save update_wild "cmd=update&w=lb&sw=s_*&vwd=3"
save reset "cmd=reset&w=lb&sw=a_idle"
# Each recover needs a member still in error.
for pair in prop:a_err txt:d_err xml:s_err html:lbf; do
    mime=${pair%%:*} member=${pair#*:}
    if [ "$member" = lbf ]; then query="w=lbf&sw=f1"; else query="w=lb&sw=$member"; fi
    curl -s "$URL/jkstatus?cmd=recover&$query&mime=$mime" >"$OUT/recover.$mime"
done
save_html
echo "captured into $OUT"
