#!/bin/bash
# Build a guest image from Debian packages: the kernel (as an ELF vmlinux
# for PVH boot), its matching headers (for building the driver), and a
# busybox initramfs with lspci, the 9p modules and any extra files.
#
# usage: images/guest/build-guest.sh [--stamp FILE] KERNEL OUTDIR [EXTRA_ROOT...]
#   --stamp     touch FILE when done (for the meson build)
#   KERNEL      6.1 (Debian 12) or 6.12 (bookworm-backports)
#   OUTDIR      receives vmlinux, initramfs.img, headers/, versions.txt
#   EXTRA_ROOT  directories copied over the initramfs root (driver, tools)
#
# Packages are fetched with apt-get download (no root needed) into
# $HC1_CACHE/debs and reused. The image is reproducible for a given set of
# package versions, which versions.txt records.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${HC1_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hc1}
stamp=
if [ "${1:-}" = --stamp ]; then
    stamp=${2:?--stamp needs a file}
    shift 2
fi
kernel=${1:?usage: build-guest.sh 6.1|6.12 OUTDIR [EXTRA_ROOT...]}
out=${2:?usage: build-guest.sh 6.1|6.12 OUTDIR [EXTRA_ROOT...]}
shift 2

die() { echo "build-guest: $*" >&2; exit 1; }

case "$kernel" in
6.1) release=() ;;
6.12) release=(-t bookworm-backports) ;;
*) die "unknown kernel '$kernel': use 6.1 or 6.12" ;;
esac

# The kernel ABI name changes with every upload; ask apt for the current one.
abi=$(apt-cache "${release[@]}" depends linux-image-amd64 2>/dev/null |
      sed -n 's/^ *Depends: linux-image-\(.*-amd64\)$/\1/p' | head -n1)
[ -n "$abi" ] || die "apt cannot resolve linux-image-amd64 for $kernel: run the README's setup (it adds bookworm-backports) or apt-get update"
common=${abi%-amd64}-common
kbuild=$(apt-cache "${release[@]}" depends "linux-headers-$abi" 2>/dev/null |
         sed -n 's/^ *Depends: \(linux-kbuild-[^ ]*\)$/\1/p' | head -n1)
[ -n "$kbuild" ] || die "cannot resolve the linux-kbuild package of linux-headers-$abi"

# The kernel comes from its release; the userspace always from bookworm.
kernel_pkgs=(linux-image-$abi-unsigned linux-headers-$abi linux-headers-$common
             "$kbuild")
user_pkgs=(busybox-static pciutils pci.ids libpci3 libkmod2 libc6 zlib1g
           libudev1 libzstd1 liblzma5 libssl3)
pkgs=("${kernel_pkgs[@]}" "${user_pkgs[@]}")
debs=$cache/debs
mkdir -p "$debs"

# Resolve each package to the file name apt would download, fetch missing.
rel_of() {   # package -> apt options selecting its release
    case " ${kernel_pkgs[*]} " in
    *" $1 "*) echo "${release[@]}" ;;
    esac
}
deb_of() {   # package -> path of its .deb in the cache
    local ver arch
    ver=$(apt-cache $(rel_of "$1") policy "$1" 2>/dev/null |
          sed -n 's/^ *Candidate: //p')
    [ -n "$ver" ] && [ "$ver" != "(none)" ] || die "apt knows no package $1"
    arch=$(apt-cache show "$1=$ver" 2>/dev/null | sed -n 's/^Architecture: //p' | head -n1)
    echo "$debs/${1}_${ver/:/%3a}_${arch}.deb"
}
for p in "${pkgs[@]}"; do
    f=$(deb_of "$p")
    if [ ! -f "$f" ]; then
        (cd "$debs" && apt-get download $(rel_of "$p") -q "$p" >/dev/null 2>&1) ||
            die "apt-get download $p failed: is the Debian archive reachable?"
        [ -f "$f" ] || die "apt-get download $p did not produce $(basename "$f")"
    fi
done

work=$out.tmp.$$
rm -rf "$work"
mkdir -p "$work/pkgroot" "$work/root"
trap 'rm -rf "$work"' EXIT

# Kernel: unpack only what the guest needs from the 70 MB package: the
# 9p file system and virtio modules (which of them are modules rather than
# built in differs between 6.1 and 6.12).
image_deb=$(deb_of "linux-image-$abi-unsigned")
members=$(dpkg-deb -c "$image_deb" | awk '{ print $6 }')
wanted=("./boot/vmlinuz-$abi" "./lib/modules/$abi/modules.*")
for d in fs/9p net/9p fs/netfs fs/fscache drivers/virtio; do
    if grep -q "^./lib/modules/$abi/kernel/$d/" <<<"$members"; then
        wanted+=("./lib/modules/$abi/kernel/$d")
    fi
done
dpkg-deb --fsys-tarfile "$image_deb" |
    tar -x -C "$work/pkgroot" --wildcards "${wanted[@]}" ||
    die "cannot unpack linux-image-$abi-unsigned"
"$here/extract-vmlinux.py" "$work/pkgroot/boot/vmlinuz-$abi" "$work/vmlinux"

for p in "${user_pkgs[@]}"; do
    dpkg-deb -x "$(deb_of "$p")" "$work/pkgroot"
done

# Headers for building out-of-tree modules; their Makefile includes the
# -common tree by absolute path, so point it at ours.
mkdir -p "$work/headers"
for p in "linux-headers-$abi" "linux-headers-$common" "$kbuild"; do
    dpkg-deb -x "$(deb_of "$p")" "$work/headers"
done
hdr=$work/headers/usr/src/linux-headers-$abi
sed -i "s|/usr/src/linux-headers-$common|$out/headers/usr/src/linux-headers-$common|g" \
    "$hdr/Makefile"
# The arch tree links scripts and tools from linux-kbuild under /usr/lib.
for l in scripts tools; do
    t=$(readlink "$hdr/$l" 2>/dev/null || true)
    case "$t" in
    /*) ln -sfn "$out/headers$t" "$hdr/$l" ;;
    esac
done

# The initramfs root.
r=$work/root
mkdir -p "$r"/{bin,sbin,usr/bin,usr/share/misc,lib64,lib/x86_64-linux-gnu,proc,sys,dev,tmp,host}
cp "$work/pkgroot/bin/busybox" "$r/bin/busybox"
cp "$here/init" "$r/init"
chmod +x "$r/init"
cp "$work/pkgroot/usr/bin/lspci" "$r/usr/bin/lspci"
cp "$work/pkgroot/usr/share/misc/pci.ids" "$r/usr/share/misc/pci.ids"
ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$r/lib64/ld-linux-x86-64.so.2"
for lib in ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libpci.so.3 libkmod.so.2 \
           libz.so.1 libudev.so.1 libzstd.so.1 liblzma.so.5 libcrypto.so.3; do
    src=$(find "$work/pkgroot/lib" "$work/pkgroot/usr/lib" -name "$lib" | head -n1)
    [ -n "$src" ] || die "$lib not found in the unpacked packages"
    cp -L "$src" "$r/lib/x86_64-linux-gnu/$lib"
done
# Modules, decompressed (busybox's modprobe reads plain .ko only).
cp -a "$work/pkgroot/lib/modules" "$r/lib/modules"
find "$r/lib/modules" -name '*.ko.xz' -exec xz -d {} +
find "$r/lib/modules" -name '*.ko.zst' -exec zstd -qd --rm {} +
# depmod lives in /sbin, outside an ordinary user's PATH on Debian.
PATH=$PATH:/usr/sbin:/sbin depmod -b "$r" "$abi" ||
    die "depmod failed for $abi (install kmod)"

for extra in "$@"; do
    [ -d "$extra" ] || die "extra root $extra is not a directory"
    cp -a "$extra/." "$r/"
done

# Reproducible archive: fixed order, owner and timestamps.
find "$r" -exec touch -h -d @0 {} +
(cd "$r" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -1 > "$work/initramfs.img"

{
    echo "kernel $kernel $abi"
    for p in "${pkgs[@]}"; do basename "$(deb_of "$p")"; done
} > "$work/versions.txt"

rm -rf "$out"
mkdir -p "$out"
mv "$work/vmlinux" "$work/initramfs.img" "$work/versions.txt" "$out/"
mv "$work/headers" "$out/headers"
echo "$abi" > "$out/abi"
[ -z "$stamp" ] || touch "$stamp"
