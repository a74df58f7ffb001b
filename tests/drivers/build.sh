#!/bin/sh
# build.sh DIR OUT - build one test driver with the emu4412 SDK, out of tree.
#
# DIR is a folder of tests/drivers (its name, e.g. "nullderef", or a path); its files are
# copied into OUT (created if needed) and "make -C firmware/sdk M=OUT modules" builds
# OUT/NAME.ko there, leaving the source tree clean.  Prints the path of every .ko built.
# CROSS_COMPILE is passed through (default arm-linux-gnueabi-).
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 DIR OUT" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
sdk=$(cd "$here/../../firmware/sdk" && pwd)
src=$1
[ -d "$src" ] || src=$here/$1
[ -d "$src" ] || { echo "$0: no such driver folder: $1" >&2; exit 2; }
mkdir -p "$2"
out=$(cd "$2" && pwd)
for f in "$src"/*; do
    case $f in
        *.ko|*.o|*.mod.c) ;;
        *) [ -f "$f" ] && cp "$f" "$out"/ ;;
    esac
done
make -s -C "$sdk" M="$out" modules
ls "$out"/*.ko
