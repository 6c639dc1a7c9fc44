#!/bin/bash
# Cross-compile one bare-metal firmware image.
#
# usage: build-image.sh ARCH OUT.elf LIBFDT_DIR HC1_INC GOLDEN.c
#   ARCH        riscv64 (virt, -bios none) or x86 (q35, PVH entry)
#   LIBFDT_DIR  libfdt sources from the pinned QEMU tree (riscv64 only;
#               compiled here, never copied into the repository)
#   HC1_INC     the directory of hc1_hw.h
#   GOLDEN.c    expected results from mkgolden.py
#
# Meson cannot drive two cross compilers in one build, so each image is
# one custom_target running this script; it is quick (a few seconds).
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

arch=${1:?ARCH}
out=${2:?OUT}
libfdt=${3:?LIBFDT_DIR}
hc1inc=${4:?HC1_INC}
golden=${5:?GOLDEN.c}
fw=$(cd "$(dirname "$0")" && pwd)

common=(core/fmt.c core/hal.c core/hal_direct.c core/pci.c
        core/card_bringup.c core/card_selftest.c core/card_queue.c
        core/card_llm.c core/fw_main.c libc/string.c)
case "$arch" in
riscv64)
    cc=riscv64-unknown-elf-gcc
    cflags=(-march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany)
    srcs=("${common[@]}" plat/dt/dt.c plat/riscv/plat.c plat/riscv/start.S)
    fdt_srcs=(fdt.c fdt_ro.c fdt_addresses.c fdt_strerror.c)
    ldscript=plat/riscv/link.ld
    ;;
x86)
    cc=gcc
    cflags=(-m32 -march=i686 -mno-sse -mno-mmx -mno-80387 -fno-pic
            -mgeneral-regs-only)
    srcs=("${common[@]}" plat/x86/acpi.c plat/x86/plat.c plat/x86/start.S)
    fdt_srcs=()
    ldscript=plat/x86/link.ld
    ;;
*)
    echo "build-image: unknown ARCH $arch" >&2
    exit 1
    ;;
esac
command -v "$cc" >/dev/null || {
    echo "build-image: $cc not found (riscv64: install gcc-riscv64-unknown-elf)" >&2
    exit 1
}

cflags+=(-std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter
         -ffreestanding -fno-stack-protector -fno-common
         -ffunction-sections -fdata-sections
         -nostdinc -isystem "$($cc "${cflags[@]}" -print-file-name=include)"
         -I "$fw/libc" -I "$fw/include" -I "$fw/plat/dt" -I "$hc1inc"
         -I "$libfdt")
objdir=$out.objs
rm -rf "$objdir"
mkdir -p "$objdir"
objs=()
for s in "${srcs[@]}"; do
    o=$objdir/$(echo "$s" | tr / _).o
    "$cc" "${cflags[@]}" -c "$fw/$s" -o "$o"
    objs+=("$o")
done
for s in "${fdt_srcs[@]}"; do
    o=$objdir/libfdt_$s.o
    # libfdt is third-party code: build it as its authors do.
    "$cc" "${cflags[@]}" -w -c "$libfdt/$s" -o "$o"
    objs+=("$o")
done
o=$objdir/golden.o
"$cc" "${cflags[@]}" -c "$golden" -o "$o"
objs+=("$o")

"$cc" "${cflags[@]}" -nostdlib -static -Wl,--gc-sections \
    -Wl,-T,"$fw/$ldscript" -Wl,--build-id=none -Wl,--no-warn-rwx-segments -o "$out.tmp" \
    "${objs[@]}" -lgcc
mv -f "$out.tmp" "$out"
