#!/bin/bash
# Build hc1.ko out of tree against a guest image's kernel headers.
#
# usage: build-module.sh OUT.ko GUEST_DIR WORK_DIR SRC_DIR HW_DIR UAPI_DIR
#   GUEST_DIR  build/images/guest/linux-<k> (has abi and headers/)
#   WORK_DIR   scratch directory for Kbuild (sources are linked into it,
#              so the source tree stays clean)
set -euo pipefail

out=$1 guest=$2 work=$3 src=$4 hw=$5 uapi=$6
abi=$(cat "$guest/abi")
hdr=$guest/headers/usr/src/linux-headers-$abi
[ -f "$hdr/Makefile" ] || { echo "build-module: no kernel headers in $hdr" >&2; exit 1; }

mkdir -p "$work"
for f in "$src"/*.c "$src"/*.h "$src"/Kbuild; do
    ln -sfn "$f" "$work/$(basename "$f")"
done
# Quiet unless it fails: Kbuild's chatter would drown the build log.
if ! log=$(make -C "$hdr" M="$work" HC1_HW_DIR="$hw" HC1_UAPI_DIR="$uapi" \
           modules 2>&1); then
    printf '%s\n' "$log" >&2
    exit 1
fi
printf '%s\n' "$log" | grep -i warning >&2 || true
cp "$work/hc1.ko" "$out"
