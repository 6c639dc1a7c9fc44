#!/bin/bash
# Lay out the files the driver adds to a guest, as an "extra root" for
# images/guest/build-guest.sh, and pack it as a second initramfs archive
# (the kernel unpacks concatenated cpio archives in order, so
# "cat initramfs.img extra.cpio.gz" is the base image plus the driver).
#
# usage: mkroot.sh ROOT_DIR EXTRA.cpio.gz COMBINED.img GUEST_DIR HC1_KO \
#                  HC1_TOOL LIBHC1_A LIBHC1_SO UAPI_H
set -euo pipefail

root=$1 cpio=$2 combined=$3 guest=$4 ko=$5 tool=$6 liba=$7 libso=$8 uapi=$9
abi=$(cat "$guest/abi")

rm -rf "$root"
mkdir -p "$root/lib/modules/$abi/extra" "$root/usr/bin" "$root/usr/lib" \
         "$root/usr/include/linux"
# Debug information is 90 % of the module; the guest does not need it.
strip --strip-debug -o "$root/lib/modules/$abi/extra/hc1.ko" "$ko"
cp "$tool" "$root/usr/bin/hc1"

# modules.dep and friends for base + hc1, so that "modprobe hc1" works: the
# files in this archive replace the base image's when it is unpacked.
mods=$root.mods
rm -rf "$mods"
mkdir -p "$mods"
(cd "$mods" && gzip -dc "$guest/initramfs.img" |
    cpio -id --quiet "lib/modules/$abi/*")
mkdir -p "$mods/lib/modules/$abi/extra"
cp "$root/lib/modules/$abi/extra/hc1.ko" "$mods/lib/modules/$abi/extra/"
# depmod lives in /sbin, outside an ordinary user's PATH on Debian.
PATH=$PATH:/usr/sbin:/sbin depmod -b "$mods" "$abi"
cp "$mods/lib/modules/$abi"/modules.* "$root/lib/modules/$abi/"
rm -rf "$mods"
cp "$liba" "$root/usr/lib/libhc1.a"
cp -L "$libso" "$root/usr/lib/$(basename "$libso")"
cp "$uapi" "$root/usr/include/linux/hc1.h"

# Reproducible: fixed order, owner and timestamps (as build-guest.sh).
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -1 > "$cpio.tmp"
mv -f "$cpio.tmp" "$cpio"
cat "$guest/initramfs.img" "$cpio" > "$combined.tmp"
mv -f "$combined.tmp" "$combined"
