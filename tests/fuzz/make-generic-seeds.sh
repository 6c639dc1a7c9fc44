#!/bin/sh
# Regenerate corpus-generic/, the generic-fuzz seeds, from the device
# suite's qtest traffic: run the device tests with qtest-record.sh in
# place of QEMU, then convert each trace (qtest2fuzz.py). Run it after
# the device suite grows; commit what changes.
#
# usage: tests/fuzz/make-generic-seeds.sh [BUILD_DIR]   (default build/)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${HC1_BUILD:-$here/../../build}}
traces=$(mktemp -d)
trap 'rm -rf "$traces"' EXIT
export HC1_QTEST_QEMU="$build/hw/qemu/qemu-system-x86_64"
export HC1_QTEST_TRACES="$traces"
model="$build/images/model/hc1-default.gguf"
for t in identity queues faults compute migration; do
    exe="$build/tests/device/test-$t"
    [ -x "$exe" ] || continue
    echo "make-generic-seeds: recording $t" >&2
    "$exe" "$here/qtest-record.sh" "$model" >/dev/null 2>&1 ||
        echo "make-generic-seeds: $t failed; its traces are used anyway" >&2
done
rm -f "$here"/corpus-generic/trace-*
python3 "$here/qtest2fuzz.py" "$here/corpus-generic" "$traces"/*.log
ls "$here/corpus-generic" | wc -l
