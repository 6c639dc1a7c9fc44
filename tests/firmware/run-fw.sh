#!/bin/bash
# Boot a firmware image under QEMU and check how it ended.
#
# usage: run-fw.sh QEMU riscv64|x86 IMAGE EXPECT [--qom PROP=JSON]...
#                  [QEMU ARGS...]
#   EXPECT  the firmware's result code: 0 for a pass, or a failure code
#           (firmware/include/fw.h); the console must say the same
#   --qom   set a property of the device with id "card" before the
#           firmware starts (the card's x-fault-* fault injection only
#           works on a realized device): QEMU starts stopped (-S), and
#           qom-set and cont go in over QMP on stdin
#
# Exit codes reach us differently per platform: on riscv64 the SiFive
# test device exits QEMU with the code itself; on x86 a pass powers off
# (0) and a failure writes isa-debug-exit, which exits with (code<<1)|1.
# A hang is a failure too: every run has a hard timeout.
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

qemu=${1:?QEMU}
arch=${2:?ARCH}
image=${3:?IMAGE}
expect=${4:?EXPECT}
shift 4
limit=${HC1_FW_TIMEOUT:-60}
qmp_in=""
while [ "${1:-}" = --qom ]; do
    prop=${2%%=*}
    val=${2#*=}
    qmp_in+="{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/machine/peripheral/card\", \"property\": \"$prop\", \"value\": $val}}"$'\n'
    shift 2
done

case "$arch" in
riscv64)
    machine=(-M virt -bios none -m 256M)
    ;;
x86)
    machine=(-M q35 -m 256M -device isa-debug-exit,iobase=0xf4,iosize=4)
    ;;
*)
    echo "run-fw: unknown ARCH $arch" >&2
    exit 2
    ;;
esac

log=$(mktemp)
trap 'rm -f "$log" "$log.qmp"' EXIT
start=$(date +%s%N)
qemu_cmd=(timeout -k 5 "$limit" "$qemu" "${machine[@]}" -accel tcg
          -nodefaults -display none -no-reboot -serial "file:$log"
          -kernel "$image")
if [ -n "$qmp_in" ]; then
    qmp_in="{\"execute\": \"qmp_capabilities\"}"$'\n'"$qmp_in"
    qmp_in+="{\"execute\": \"cont\"}"$'\n'
    # QMP's replies go to the log's end, for the record.
    printf '%s' "$qmp_in" | "${qemu_cmd[@]}" -S -qmp stdio "$@" > "$log.qmp"
    status=$?
else
    "${qemu_cmd[@]}" "$@" </dev/null
    status=$?
fi
ms=$(( ($(date +%s%N) - start) / 1000000 ))
tr -d '\r' < "$log"
if [ -s "$log.qmp" ] && grep -q '"error"' "$log.qmp"; then
    echo "run-fw: QMP said:"
    cat "$log.qmp"
fi

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "run-fw: FAIL: no exit within ${limit}s (the firmware hung)"
    exit 1
fi
code=$status
if [ "$arch" = x86 ] && [ "$status" != 0 ]; then
    if [ $((status & 1)) = 1 ]; then
        code=$((status >> 1))
    else
        echo "run-fw: FAIL: QEMU exited with $status, not through the firmware"
        exit 1
    fi
fi
if [ "$expect" = 0 ]; then
    want="RESULT: PASS"
else
    want="RESULT: FAIL $expect "
fi
if [ "$code" != "$expect" ]; then
    echo "run-fw: FAIL: firmware result $code, expected $expect (${ms} ms)"
    exit 1
fi
if ! tr -d '\r' < "$log" | grep -q "$want"; then
    echo "run-fw: FAIL: the console does not say '$want'"
    exit 1
fi
echo "run-fw: ok: result $code as expected (${ms} ms)"
