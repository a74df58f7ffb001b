#!/bin/sh
# modpost for the emu4412 SDK (the part of Linux 3.14 scripts/mod/modpost.c a loader needs).
#
#   modpost.sh NAME.o NAME PROVIDED_SYMBOLS > NAME.mod.c
#
# Writes NAME.mod.c: __this_module in .gnu.linkonce.this_module (name, init = init_module if
# the module has module_init, exit = cleanup_module if it has module_exit) and the .modinfo
# entries "vermagic=", "name=" and "depends=".  Like modpost, it warns (and does not fail)
# about undefined symbols the emulated kernel does not provide (PROVIDED_SYMBOLS, one a line)
# -- insmod will then refuse the module with "Unknown symbol" -- and about a missing
# MODULE_LICENSE().  Uses $NM and $READELF (default: arm-linux-gnueabi- tools).
set -eu
obj=$1
name=$2
provided=$3
NM=${NM:-arm-linux-gnueabi-nm}
case $NM in *nm) READELF=${READELF:-${NM%nm}readelf} ;; *) READELF=${READELF:-arm-linux-gnueabi-readelf} ;; esac

defines() {
    "$NM" --defined-only "$obj" | awk -v s="$1" '$3 == s && $2 ~ /^[TW]$/ { f = 1 } END { exit !f }'
}

# Undefined symbols the kernel does not export.
known=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$provided")
for sym in $("$NM" -u "$obj" | awk '{ print $2 }'); do
    [ "$sym" = __this_module ] && continue      # defined by NAME.mod.c
    if ! printf '%s\n' "$known" | grep -qxF -- "$sym"; then
        echo "WARNING: \"$sym\" [$name.ko] undefined!" >&2
    fi
done

if ! "$READELF" -p .modinfo "$obj" 2>/dev/null | grep -q 'license='; then
    echo "WARNING: modpost: missing MODULE_LICENSE() in $name.o" >&2
    echo "see include/linux/module.h for more information" >&2
fi

cat <<'HEAD'
#include <linux/module.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__attribute__((section(".gnu.linkonce.this_module"))) = {
	.name = KBUILD_MODNAME,
HEAD
if defines init_module; then
    printf '\t.init = init_module,\n'
fi
if defines cleanup_module; then
    printf '#ifdef CONFIG_MODULE_UNLOAD\n\t.exit = cleanup_module,\n#endif\n'
fi
cat <<'TAIL'
};

static const char __module_depends[]
__used
__attribute__((section(".modinfo"))) =
"depends=";
TAIL
