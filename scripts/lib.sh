# Shared by scripts/demo.sh and scripts/test.sh: install what is missing, then build.
# Sourced, not run. Expects $AJPGATE_ROOT (the repository root).

# Debian packages the build and the tests need. Kept in one place so the README, the demo
# and CI install the same set.
AJPGATE_PACKAGES="g++ make autoconf automake libtool pkg-config
  apache2 apache2-dev libapr1-dev libaprutil1-dev libxml2-dev libcmocka-dev
  python3 curl"

ajpg_log() { printf '== %s\n' "$*" >&2; }

# Install only the packages that are not installed yet; apt-get update once, only if needed.
ajpg_install_missing() {
    local missing="" pkg
    for pkg in $AJPGATE_PACKAGES "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing="$missing $pkg"
    done
    [ -z "$missing" ] && return 0
    ajpg_log "installing:$missing"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# ajpg_build DIR [configure args...]: configure once into DIR (out of tree), then make.
ajpg_build() {
    local dir="$1"; shift
    if [ ! -x "$AJPGATE_ROOT/configure" ] || [ "$AJPGATE_ROOT/configure.ac" -nt "$AJPGATE_ROOT/configure" ]; then
        ajpg_log "autoreconf"
        (cd "$AJPGATE_ROOT" && autoreconf -fi >/dev/null 2>&1) || { (cd "$AJPGATE_ROOT" && autoreconf -fi); return 1; }
    fi
    mkdir -p "$dir"
    local stamp="$dir/.configure-args" want="$*"
    if [ ! -f "$dir/Makefile" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        ajpg_log "configure $want"
        (cd "$dir" && "$AJPGATE_ROOT/configure" -q "$@") || return 1
        printf '%s' "$want" > "$stamp"
    fi
    ajpg_log "make ($dir)"
    make -s -C "$dir" -j"$(nproc)" >"$dir/make.log" 2>&1 || { tail -40 "$dir/make.log"; return 1; }
    # Warnings are bugs here: show them even when the build succeeded.
    if grep -q 'warning:' "$dir/make.log"; then
        grep -B2 -A4 'warning:' "$dir/make.log" | head -60
        ajpg_log "the build printed compiler warnings (above)"
        return 1
    fi
}
