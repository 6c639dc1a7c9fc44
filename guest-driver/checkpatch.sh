#!/bin/bash
# checkpatch.pl --strict over the driver and its UAPI header.
#
# usage: checkpatch.sh [CHECKPATCH_PL]
# The Debian kernel headers do not ship scripts/checkpatch.pl. Without an
# argument (or $CHECKPATCH), use the copy in the QEMU source the build
# already has (U-Boot's, which is the kernel's plus checks that only
# --u-boot enables); skip (exit 77) when there is none.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cp=${1:-${CHECKPATCH:-}}
if [ -z "$cp" ]; then
    src=$("$here/../hw/qemu/build-qemu.sh" --print-source-dir 2>/dev/null || true)
    cp=$src/roms/u-boot/scripts/checkpatch.pl
fi
if [ ! -f "$cp" ]; then
    echo "checkpatch.pl not found (give its path): skipped"
    exit 77
fi
status=0
# Relative names: checkpatch knows include/uapi/ headers cannot use BIT().
cd "$here"
for f in linux/*.c linux/*.h include/uapi/hc1.h; do
    perl "$cp" --no-tree --strict --terse --show-types -f "$f" |
        grep -v '^total: 0 errors, 0 warnings, 0 checks' || true
    perl "$cp" --no-tree --strict --quiet -f "$f" > /dev/null || status=1
done
[ $status = 0 ] && echo "checkpatch --strict: clean"
exit $status
