#!/usr/bin/env bash
# Builds the Debian package libapache2-mod-ajpgate (packaging/debian) from the working tree,
# with debhelper, into build/deb/, and runs lintian on it.
#
#   scripts/deb.sh          (or: make deb)
set -u
AJPGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AJPGATE_ROOT
. "$AJPGATE_ROOT/scripts/lib.sh"

ajpg_install_missing debhelper dpkg-dev apache2-dev libxml2-dev libcmocka-dev autoconf automake \
    libtool pkgconf lintian || exit 1
out="$AJPGATE_ROOT/build/deb"
stage="$(mktemp -d /tmp/ajpgate-deb-XXXXXX)"
trap 'rm -rf "$stage"' EXIT
# The tree as git sees it (tracked and new files, not what .gitignore leaves out: no build
# directories), with packaging/debian as its debian/ directory.
mkdir -p "$stage/src"
(cd "$AJPGATE_ROOT" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp --parents -t "$stage/src") || exit 1
rm -rf "$stage/src/debian"
cp -r "$AJPGATE_ROOT/packaging/debian" "$stage/src/debian"
ajpg_log "dpkg-buildpackage (log: $out/build.log)"
mkdir -p "$out"
(cd "$stage/src" && dpkg-buildpackage -b -us -uc -j"$(nproc)") >"$out/build.log" 2>&1 || {
    tail -40 "$out/build.log"; exit 1; }
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$stage"/*.deb "$stage"/*.changes "$stage"/*.buildinfo "$out"/ || exit 1
ajpg_log "lintian"
lintian --info "$out"/*.changes | tee "$out/lintian.txt"
if grep -q '^E: ' "$out/lintian.txt"; then
    ajpg_log "lintian found errors (above)"
    exit 1
fi
ls "$out"/*.deb
