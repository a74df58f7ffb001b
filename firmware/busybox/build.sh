#!/bin/sh
# Build the board's busybox: Debian's busybox source package, cross-compiled statically for
# ARM EABI with the project's config (firmware/busybox/config), reproducibly (the same script
# gives the same bytes). Writes firmware/prebuilt/busybox.
#
#   firmware/busybox/build.sh [OUT]       (default OUT: firmware/prebuilt/busybox)
#
# Needs network access to deb.debian.org (a private apt source list with a deb-src entry is
# used; the machine's apt configuration is not touched), dpkg-source and arm-linux-gnueabi-gcc.
# Exits 0 after building, 77 ("skipped") when a prerequisite is missing, 1 on a build error.
# The project's tests never run this: the binary is committed.
set -eu

VERSION=1:1.35.0-4+deb12u1    # Debian bookworm's busybox source package (exact)
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
SNAPSHOT=http://snapshot.debian.org/archive/debian/20250520T000000Z
CROSS=${CROSS_COMPILE:-arm-linux-gnueabi-}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../prebuilt/busybox}
WORK=${BUSYBOX_WORK:-/tmp/emu4412-busybox}

skip() { echo "busybox build skipped: $*" >&2; exit 77; }
command -v "${CROSS}gcc" >/dev/null || skip "${CROSS}gcc not installed"
command -v dpkg-source >/dev/null || skip "dpkg-source not installed (apt-get install dpkg-dev)"
command -v apt-get >/dev/null || skip "apt-get not available"

rm -rf "$WORK" && mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/archives/partial" "$WORK/src"
APT="-o Dir::Etc::SourceList=$WORK/apt/sources.list -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists=$WORK/apt/lists -o Dir::Cache=$WORK/apt -o Debug::NoLocking=1
     -o Acquire::Check-Valid-Until=false"      # the snapshot's Release files are old
cd "$WORK/src"
# The mirror first; once a later point release replaces this version there, the snapshot
# archive (which keeps every version) still has it.
for source in "$MIRROR" "$SNAPSHOT"; do
    echo "deb-src $source $SUITE main" > "$WORK/apt/sources.list"
    # shellcheck disable=SC2086
    apt-get $APT -q update >>"$WORK/apt.log" 2>&1 &&
        apt-get $APT -q source --download-only "busybox=$VERSION" >>"$WORK/apt.log" 2>&1 &&
        break
done
ls busybox_*.dsc >/dev/null 2>&1 ||
    skip "busybox $VERSION source package not available (no network?): see $WORK/apt.log"
# Unpack and apply Debian's patches (apt checked the files against the signed Sources index).
dpkg-source -x --no-check busybox_*.dsc tree >/dev/null
cd tree

# The build must not depend on the time, the user, the host or the directory.
export SOURCE_DATE_EPOCH=1650000000      # 2022-04-15: the source package's era
export KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH" KBUILD_BUILD_USER=emu4412 \
       KBUILD_BUILD_HOST=emu4412 LC_ALL=C TZ=UTC
cp "$HERE/config" .config
make -s ARCH=arm CROSS_COMPILE="$CROSS" oldconfig </dev/null >/dev/null
make -s ARCH=arm CROSS_COMPILE="$CROSS" -j2 BB_EXTRA_VERSION="Debian $VERSION" \
    EXTRA_CFLAGS="-ffile-prefix-map=$WORK/src/tree=." busybox >"$WORK/build.log" 2>&1 \
    || { tail -20 "$WORK/build.log" >&2; exit 1; }
cp busybox "$OUT"          # busybox's own strip step: no symbols, no .comment
chmod 755 "$OUT"
make -s ARCH=arm CROSS_COMPILE="$CROSS" busybox.links >/dev/null 2>&1
cp busybox.links "$HERE/busybox.links"     # the applets: the skeleton's /bin links
echo "busybox $VERSION: $(wc -c <"$OUT") bytes -> $OUT"
