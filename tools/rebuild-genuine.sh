#!/bin/sh
# rebuild-genuine.sh - build the project's drivers against the FS4412's real Linux 3.14 tree,
# as a student with the board's kernel source would, into firmware/prebuilt/genuine/.
#
#   tools/rebuild-genuine.sh prepare TREE GIT_DIR   extract and prepare the tree (once)
#   tools/rebuild-genuine.sh build TREE             build the fixtures, write SHA256SUMS
#
# The tree: github.com/zidigua/linux-3.14 (an FS4412 3.14 tree with the board's .config
# committed) at commit 589ec8b5395a6181fd123959ebb8716be05de5fc.  GIT_DIR is a clone or mirror
# of it.  Extracted with `git archive` (outside a git checkout the kernel release is plain
# "3.14.0", so vermagic is "3.14.0 SMP preempt mod_unload ARMv7 p2v8 "; a dirty checkout
# reports 3.14.0-gXXXXXXX-dirty: set that as `[kernel] release` in the board file).
# Only modules_prepare is needed (~20 s), not a kernel build.  On a gcc-12 host:
#   - the tree commits i386 host objects under scripts/: delete them so they are rebuilt;
#   - 3.14 knows compilers up to gcc 4: compiler-gcc12.h is a copy of compiler-gcc4.h;
#   - gcc 10+ defaults to -fno-common, which the 3.14 dtc/kconfig host tools need: 
#     HOSTCFLAGS=-fcommon;
#   - Debian's arm-linux-gnueabi-gcc builds position-independent code by default, which
#     3.14's module loader refuses ("unknown relocation: 3"): KCFLAGS=-fno-pie.  One module
#     is also built without it (leddrv_pie.ko) to test that refusal.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/firmware/prebuilt/genuine
COMMIT=589ec8b5395a6181fd123959ebb8716be05de5fc
MAKE_ARM="make ARCH=arm CROSS_COMPILE=arm-linux-gnueabi-"

usage() { echo "usage: $0 prepare TREE GIT_DIR | build TREE" >&2; exit 2; }

prepare() {
    tree=$1 gitdir=$2
    mkdir -p "$tree"
    git --git-dir="$gitdir" archive "$COMMIT" | tar -x -C "$tree"
    cd "$tree"
    find scripts \( -name '*.o' -o -name '.*.cmd' \) -delete
    cp include/linux/compiler-gcc4.h include/linux/compiler-gcc12.h
    yes "" | $MAKE_ARM oldconfig >/dev/null
    $MAKE_ARM HOSTCFLAGS=-fcommon -j2 modules_prepare
    echo "prepared $tree: release $(cat include/config/kernel.release)"
}

# build_one TREE SRC_DIR NAME [KCFLAGS]: copy the driver to a scratch dir (a fixed path, so
# the DWARF is the same on every run), build it, install it as NAME.ko.
build_one() {
    tree=$1 src=$2 name=$3 kcflags=${4-}
    work=/tmp/emu4412-genuine/$name
    rm -rf "$work" && mkdir -p "$work"
    cp "$src"/* "$work"/
    rm -f "$work"/*.ko "$work"/*.o "$work"/*.mod.c
    if $MAKE_ARM -s -C "$tree" KCFLAGS="$kcflags" M="$work" modules >"$work/build.log" 2>&1; then
        cp "$work"/*.ko "$out/$name.ko"
        echo "built $name.ko"
    else
        echo "skipped $name: does not build against the board's tree (see $work/build.log)"
    fi
}

build() {
    tree=$(cd "$1" && pwd)
    [ -f "$tree/include/config/kernel.release" ] || { echo "$tree is not prepared" >&2; exit 2; }
    mkdir -p "$out"
    rm -f "$out"/*.ko
    for d in leddrv memtest kbufmmap gpiommap faultmmap iomemchk; do
        build_one "$tree" "$here/firmware/drivers/$d" "$d" -fno-pie
    done
    for d in "$here"/tests/drivers/*/; do
        build_one "$tree" "$d" "$(basename "$d")" -fno-pie
    done
    build_one "$tree" "$here/tools/abiprobe" abiprobe -fno-pie
    build_one "$tree" "$here/firmware/drivers/leddrv" leddrv_pie ""
    {
        echo "tree: github.com/zidigua/linux-3.14 $COMMIT"
        echo "release: $(cat "$tree/include/config/kernel.release")"
        arm-linux-gnueabi-gcc --version | head -n 1
    } > "$out/TREE"
    cd "$out" && LC_ALL=C sha256sum *.ko > SHA256SUMS
    cat SHA256SUMS
}

[ $# -ge 1 ] || usage
case $1 in
    prepare) [ $# -eq 3 ] || usage; prepare "$2" "$3" ;;
    build) [ $# -eq 2 ] || usage; build "$2" ;;
    *) usage ;;
esac
