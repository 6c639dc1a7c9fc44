#!/bin/bash
# Inject the project's hw/ into a QEMU 10.0 source tree. Idempotent: run it
# as often as you like; it re-points the links at this checkout and adds
# each line to QEMU's build files only once.
#
# usage: hw/qemu/inject.sh QEMU_SOURCE_DIR
set -euo pipefail

src=${1:?usage: inject.sh QEMU_SOURCE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
hw=$(cd "$here/.." && pwd)

die() { echo "inject: $*" >&2; exit 1; }
[ -f "$src/hw/Kconfig" ] && [ -f "$src/hw/meson.build" ] ||
    die "$src does not look like a QEMU source tree"

# Links, not copies: after editing a file under hw/, ninja sees the change.
ln -sfn "$hw/hc1" "$src/hw/hc1"
ln -sfn "$hw/engine" "$src/hw/hc1-engine"

# The tree may be a hard-link copy of a pristine one: give a file its own
# inode before changing it, so the pristine copy stays untouched.
make_private() {
    if [ "$(stat -c %h "$1")" -gt 1 ]; then
        cp -p "$1" "$1.private" && mv -f "$1.private" "$1"
    fi
}
append_once() {   # file line
    grep -qxF "$2" "$1" && return
    make_private "$1"
    printf '%s\n' "$2" >> "$1"
}
append_once "$src/hw/Kconfig" "source hc1/Kconfig"
# The engine's meson.build defines hc1_engine_files, used by hc1's.
append_once "$src/hw/meson.build" "subdir('hc1-engine')"
append_once "$src/hw/meson.build" "subdir('hc1')"

# Without this entry trace/trace-hw_hc1.h is never generated.
if ! grep -q "'hw/hc1'," "$src/meson.build"; then
    make_private "$src/meson.build"
    sed -i "s|^trace_events_subdirs = \[|&\n  'hw/hc1',|" "$src/meson.build"
    grep -q "'hw/hc1'," "$src/meson.build" ||
        die "could not add hw/hc1 to trace_events_subdirs in $src/meson.build"
fi

for mak in "$here"/*-softmmu.mak; do
    target=$(basename "$mak" .mak)
    dst=$src/configs/devices/$target/hc1.mak
    cmp -s "$mak" "$dst" || cp --remove-destination "$mak" "$dst"
done
