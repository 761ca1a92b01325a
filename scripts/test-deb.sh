#!/usr/bin/env bash
# Installs the Debian package the way an administrator would and checks it, then puts the
# machine's packages back. A separate command from the test command because it changes the
# machine's packages: Debian's libapache2-mod-jk (which the benchmarks use) is replaced while
# it runs, and reinstalled at the end.
#
#   scripts/test-deb.sh [path/to/libapache2-mod-ajpgate_*.deb]     (default: scripts/deb.sh builds it)
#
# Checked, each counted: an administrator's change to workers.properties survives the
# upgrade from libapache2-mod-jk; `a2enmod jk` enables it; `apache2ctl -t` accepts the
# configuration and `apache2ctl -M` lists jk_module, whose mod_jk.so belongs to the package;
# an httpd started from the packaged jk.load and jk.conf (on 127.0.0.1, a port of its own)
# serves a request through ajpgate to ajp-testd; purge leaves none of the package's files and
# no enabled module behind. Last line: "N passed, N failed".
set -u
AJPGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AJPGATE_ROOT
. "$AJPGATE_ROOT/scripts/lib.sh"

passed=0
failed=0
check() {  # description, command...
    local what="$1"; shift
    if "$@"; then passed=$((passed + 1)); echo "ok    $what"
    else failed=$((failed + 1)); echo "FAIL  $what"; fi
}

deb="${1:-}"
if [ -z "$deb" ]; then
    bash "$AJPGATE_ROOT/scripts/deb.sh" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
    deb="$(ls "$AJPGATE_ROOT"/build/deb/libapache2-mod-ajpgate_*.deb | head -1)"
fi
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
ajpg_install_missing apache2 libapache2-mod-jk curl || { echo "0 passed, 1 failed"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
work="$(mktemp -d /tmp/ajpgate-deb-test-XXXXXX)"
chmod 755 "$work"
testd_pid=""
httpd_conf=""
restore() {
    [ -n "$httpd_conf" ] && /usr/sbin/apache2 -f "$httpd_conf" -k stop >/dev/null 2>&1
    [ -n "$testd_pid" ] && kill "$testd_pid" 2>/dev/null
    # Debian's mod_jk back as it came: its leftovers purged, then a fresh install.
    apt-get purge -y -qq libapache2-mod-ajpgate >/dev/null 2>&1
    apt-get purge -y -qq libapache2-mod-jk >/dev/null 2>&1
    apt-get install -y -qq libapache2-mod-jk >/dev/null 2>&1 || echo "could not reinstall libapache2-mod-jk" >&2
    a2dismod -q jk >/dev/null 2>&1
    rm -rf "$work"
}
trap restore EXIT

# ---- the upgrade from Debian's mod_jk keeps the administrator's workers.properties ----
props=/etc/libapache2-mod-jk/workers.properties
marker="# changed by the administrator $(date +%s)"
echo "$marker" >> "$props"
ajpg_log "apt-get install $deb"
apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$deb" \
    >"$work/install.log" 2>&1
check "the package installs over libapache2-mod-jk" \
    sh -c "dpkg-query -W -f='\${Status}' libapache2-mod-ajpgate | grep -q 'ok installed'"
check "libapache2-mod-jk is gone" \
    sh -c "! dpkg-query -W -f='\${Status}' libapache2-mod-jk 2>/dev/null | grep -q 'ok installed'"
check "the administrator's workers.properties is kept" grep -qxF "$marker" "$props"
dpkg -L libapache2-mod-ajpgate > "$work/files"

# ---- enabled and loaded as mod_jk is ----
a2enmod -q jk >/dev/null 2>&1
check "a2enmod jk enables jk.load and jk.conf" test -L /etc/apache2/mods-enabled/jk.load -a -L /etc/apache2/mods-enabled/jk.conf
check "apache2ctl -t accepts the configuration" sh -c 'apache2ctl -t >/dev/null 2>&1'
check "apache2ctl -M lists jk_module" sh -c 'apache2ctl -M 2>/dev/null | grep -q "jk_module (shared)"'
check "mod_jk.so is the package's" sh -c 'dpkg -S /usr/lib/apache2/modules/mod_jk.so | grep -q "^libapache2-mod-ajpgate:"'
check "jkcheck is installed" test -x /usr/bin/jkcheck
check "the README is under /usr/share/doc" test -f /usr/share/doc/libapache2-mod-ajpgate/README.md.gz

# ---- an httpd from the packaged configuration serves through ajpgate ----
testd="$AJPGATE_ROOT/build/test/tools/ajp-testd"
[ -x "$testd" ] || testd="$AJPGATE_ROOT/build/bench/tools/ajp-testd"
if [ -x "$testd" ]; then
    "$testd" --port 0 --ready-file "$work/testd.port" --quiet --size 100 >/dev/null 2>&1 &
    testd_pid=$!
    for _ in $(seq 50); do [ -s "$work/testd.port" ] && break; sleep 0.1; done
    backend="$(cat "$work/testd.port" 2>/dev/null)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    mkdir -p "$work/logs"
    chmod 777 "$work/logs"
    printf 'worker.list=ajp13_worker\nworker.ajp13_worker.type=ajp13\nworker.ajp13_worker.host=127.0.0.1\nworker.ajp13_worker.port=%s\n' \
        "$backend" > "$work/workers.properties"
    # The packaged jk.conf, its files moved into the scratch directory, plus one mount.
    sed -e "s|/etc/libapache2-mod-jk/workers.properties|$work/workers.properties|" \
        -e "s|/var/log/apache2/|$work/logs/|g" /etc/apache2/mods-available/jk.conf > "$work/jk.conf"
    httpd_conf="$work/httpd.conf"
    cat > "$httpd_conf" <<CONF
ServerRoot $work
Listen 127.0.0.1:$port
PidFile $work/logs/httpd.pid
ErrorLog $work/logs/error_log
ServerName localhost
User www-data
Group www-data
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
Include /etc/apache2/mods-available/jk.load
Include $work/jk.conf
JkMount /app/* ajp13_worker
CONF
    /usr/sbin/apache2 -f "$httpd_conf" -k start >"$work/start.log" 2>&1
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
    body="$(curl -s --max-time 10 "http://127.0.0.1:$port/app/x")"
    check "httpd from the packaged jk.conf serves /app/x through ajpgate" test "$body" = "$(python3 -c 'print(("abcdefghijklmnopqrstuvwxyz" * 4)[:100], end="")')"
    check "the request went through ajpgate" grep -q "ajpgate started" "$work/logs/mod_jk.log"
    /usr/sbin/apache2 -f "$httpd_conf" -k stop >/dev/null 2>&1
    httpd_conf=""
else
    check "ajp-testd is built (build/test or build/bench) for the request through ajpgate" false
fi

# ---- purge leaves nothing of the package behind ----
apt-get purge -y -qq libapache2-mod-ajpgate >"$work/purge.log" 2>&1
left=""
while read -r path; do
    [ -f "$path" ] && left="$left $path"
done < "$work/files"
check "purge removes every file of the package${left:+ (left:$left)}" test -z "$left"
check "purge leaves no enabled jk module" test ! -e /etc/apache2/mods-enabled/jk.load -a ! -e /etc/apache2/mods-enabled/jk.conf

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
