#!/bin/bash
# Build the project's QEMU (pinned to 10.0.x) with hw/ injected.
#
# The source tree and the build directory live in a cache outside the
# checkout ($HC1_CACHE, default ~/.cache/hc1), so they survive clean
# clones: the first build takes about 20 minutes on 2 cores, a rebuild
# after editing one file under hw/ takes seconds.
#
# Where the source comes from, in order:
#   HC1_QEMU_SRC=DIR          a QEMU 10.0.x source tree you provide;
#   HC1_QEMU_TARBALL=FILE     the upstream qemu-10.0.x.tar.xz, checked
#                             against a pinned sha256 (10.0.0) or
#                             HC1_QEMU_TARBALL_SHA256;
#   otherwise                 Debian's source package (trixie), fetched
#                             with apt-get source and checked against the
#                             pinned sha256 below.
#
# usage: hw/qemu/build-qemu.sh [--print-build-dir | --print-source-dir]
#        hw/qemu/build-qemu.sh --wrappers OUTDIR DATADIR
#
# With --wrappers, it also writes OUTDIR/qemu-system-{x86_64,riscv64}:
# small scripts that run the cached binaries with the firmware search path
# the platform needs (our option ROMs, Debian's SeaBIOS, and DATADIR,
# where the embedded default model hc1-default.gguf is built).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${HC1_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hc1}

# The pin: Debian's source package. Bump all of these together.
deb_version=1:10.0.13+ds-0+deb13u1
deb_orig=qemu_10.0.13+ds.orig.tar.xz
deb_orig_sha256=6a0888e806c2ffc0c5f0733e974f9aea55491950d3c47c98669c8b236dde59ae
deb_dsc_sha256=a426c892e5369058c3423816c8625bc8010bb5a58ece57261f62b64ee4d765ad
deb_debian_sha256=da73c092f5684c551b0334d675eb16a3dec91e1edea94759cfb1102fa4a0364e

targets=x86_64-softmmu,riscv64-softmmu
configure_args=(
    --target-list=$targets
    --without-default-features --without-default-devices
    --with-devices-x86_64=hc1 --with-devices-riscv64=hc1
    --enable-tcg --enable-kvm --enable-virtfs --enable-attr --enable-fdt=system
    --disable-docs --disable-tools --disable-download --disable-werror
    --disable-install-blobs
    --enable-trace-backends=log
    --python=/usr/bin/python3
)

die() { echo "build-qemu: $*" >&2; exit 1; }
say() { echo "build-qemu: $*" >&2; }

export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export CCACHE_BASEDIR=$cache CCACHE_NOHASHDIR=1

# Print the QEMU version of a source tree, or nothing.
tree_version() { [ -f "$1/VERSION" ] && cat "$1/VERSION" || true; }

check_version() {   # dir
    case "$(tree_version "$1")" in
    10.0.*) ;;
    *) die "$1 holds QEMU '$(tree_version "$1")'; HC1 needs QEMU 10.0.x" ;;
    esac
}

# Unpack into a temporary directory and rename it into place, so an
# interrupted run never leaves a tree that looks finished.
source_from_debian() {
    local dst=$cache/qemu-src-${deb_version#1:}
    [ -f "$dst/.hc1-source-ok" ] && { echo "$dst"; return; }
    command -v apt-get >/dev/null && command -v dpkg-source >/dev/null ||
        die "no apt-get/dpkg-source: set HC1_QEMU_SRC=DIR or HC1_QEMU_TARBALL=FILE"
    mkdir -p "$cache/src"
    if [ ! -f "$cache/src/$deb_orig" ]; then
        say "fetching Debian's qemu $deb_version source package"
        (cd "$cache/src" && apt-get source --download-only -q \
            "qemu=$deb_version" >&2) ||
            die "apt-get source qemu=$deb_version failed: is deb-src for trixie in the apt sources (the README's commands add it) and the archive reachable?"
    fi
    (cd "$cache/src" && sha256sum -c --quiet - >/dev/null 2>&1) <<SUMS ||
$deb_orig_sha256  $deb_orig
$deb_dsc_sha256  qemu_${deb_version#1:}.dsc
$deb_debian_sha256  qemu_${deb_version#1:}.debian.tar.xz
SUMS
        die "the QEMU source in $cache/src does not match the pinned sha256; delete $cache/src and retry"
    local tmp=$dst.tmp.$$
    rm -rf "$tmp"
    dpkg-source --skip-patches -x "$cache/src/qemu_${deb_version#1:}.dsc" \
        "$tmp" >/dev/null 2>&1 ||
        die "dpkg-source could not unpack the QEMU source in $cache/src"
    rm -f "$cache"/qemu_*.orig.tar.*   # dpkg-source's link beside $tmp
    # Debian strips the EDK2 firmware blobs and the bundled Python wheels
    # from its source; these two Debian patches stop the build from
    # reaching for them. Debian's other patches are not needed.
    local p
    for p in skip-unpack-edk2-blobs.patch disable-pycotap.patch; do
        patch -s -d "$tmp" -p1 < "$tmp/debian/patches/$p" ||
            die "cannot apply Debian's $p to the QEMU source"
    done
    touch "$tmp/.hc1-source-ok"
    rm -rf "$dst"
    mv "$tmp" "$dst"
    echo "$dst"
}

# Upstream release tarballs whose sha256 is pinned here; for another
# 10.0.x release, give HC1_QEMU_TARBALL_SHA256.
upstream_sha256() {
    case "$1" in
    qemu-10.0.0.tar.xz) echo 22c075601fdcf8c7b2671a839ebdcef1d4f2973eb6735254fd2e1bd0f30b3896 ;;
    esac
}

source_from_tarball() {
    local tb=$1 sum=${HC1_QEMU_TARBALL_SHA256:-}
    [ -f "$tb" ] || die "HC1_QEMU_TARBALL=$tb does not exist"
    [ -n "$sum" ] || sum=$(upstream_sha256 "$(basename "$tb")")
    [ -n "$sum" ] || die "no pinned sha256 for $(basename "$tb"): set HC1_QEMU_TARBALL_SHA256 to the one published with it"
    echo "$sum  $tb" | sha256sum -c --quiet - >/dev/null 2>&1 ||
        die "$tb does not match the expected sha256 $sum; download it again"
    local dst=$cache/qemu-src-$sum
    [ -f "$dst/.hc1-source-ok" ] && { echo "$dst"; return; }
    local tmp=$dst.tmp.$$
    rm -rf "$tmp" && mkdir -p "$tmp"
    tar -xf "$tb" -C "$tmp" --strip-components=1 || die "cannot unpack $tb"
    touch "$tmp/.hc1-source-ok"
    rm -rf "$dst"
    mv "$tmp" "$dst"
    echo "$dst"
}

if [ -n "${HC1_QEMU_SRC:-}" ]; then
    pristine=$(cd "$HC1_QEMU_SRC" && pwd) || die "HC1_QEMU_SRC=$HC1_QEMU_SRC is not a directory"
elif [ -n "${HC1_QEMU_TARBALL:-}" ]; then
    pristine=$(source_from_tarball "$HC1_QEMU_TARBALL")
else
    pristine=$(source_from_debian)
fi
check_version "$pristine"
version=$(tree_version "$pristine")

# Each checkout gets its own source tree and build directory, keyed by
# QEMU version, configuration and the checkout's path: the injected links
# point into one checkout, so two checkouts must never share a tree. The
# source tree is a hard-link copy of the pristine one (no extra space);
# ccache, told to ignore paths, makes a new checkout's build quick.
repo=$(cd "$here/../.." && pwd)
key=$( { echo "$version"; echo "${configure_args[*]}"; cat "$here"/*.mak;
         echo "$repo"; } | sha256sum | cut -c1-12)
tree=$cache/qemu-$version-$key
src=$tree/src
build=${HC1_QEMU_BUILD:-$tree/build}
case "${1:-}" in
--print-source-dir)
    # The pristine tree, without our injection: for reading, and for the
    # firmware's libfdt (roms/u-boot/scripts/dtc/libfdt).
    echo "$pristine"
    exit 0
    ;;
--print-build-dir)
    echo "$build"
    exit 0
    ;;
--wrappers)
    wrap_out=${2:?--wrappers needs OUTDIR DATADIR}
    wrap_data=${3:?--wrappers needs OUTDIR DATADIR}
    ;;
"") ;;
*) die "unknown option $1" ;;
esac

if [ ! -f "$src/.hc1-source-ok" ]; then
    rm -rf "$src" "$src.tmp"
    mkdir -p "$tree"
    cp -al "$pristine" "$src.tmp" 2>/dev/null || cp -a "$pristine" "$src.tmp" ||
        die "cannot copy the QEMU source to $src"
    mv "$src.tmp" "$src"
fi
touch "$tree"   # last use, for pruning
"$here/inject.sh" "$src"

# Trees of checkouts unused for 30 days are removed.
find "$cache" -maxdepth 1 -name 'qemu-10.*-*' -type d -mtime +30 \
    -exec rm -rf {} + 2>/dev/null || true

# The stamp records "VERSION SOURCE-DIR" of a finished configure.
if [ -f "$build/.hc1-configured" ]; then
    read -r built_version built_src < "$build/.hc1-configured" || true
    [ "$built_version" = "$version" ] ||
        die "$build was configured for QEMU $built_version, not $version; delete it or set HC1_QEMU_BUILD to another directory"
    if [ "${built_src:-}" != "$src" ]; then
        say "$build was configured for another source tree; configuring again"
        rm -f "$build/.hc1-configured"
    elif [ ! -f "$build/pc-bios/optionrom/config.mak" ]; then
        # The option ROMs (pvh.bin boots our guests) need a 32-bit x86
        # compiler (gcc-multilib).
        say "$build was configured without 32-bit x86 support; configuring again"
        rm -f "$build/.hc1-configured"
    fi
fi
if [ ! -f "$build/.hc1-configured" ] && [ -e "$build" ] && [ -n "$(ls -A "$build")" ]; then
    [ -d "$build/meson-private" ] || [ -f "$build/config.log" ] ||
        die "$build is not empty and not a QEMU build directory; choose another HC1_QEMU_BUILD"
    say "$build holds an unfinished or outdated configure; starting it again"
    rm -rf "$build"
fi
if [ ! -f "$build/.hc1-configured" ]; then
    mkdir -p "$build"
    say "configuring QEMU $version in $build"
    cc=cc
    command -v ccache >/dev/null && cc="ccache cc"
    (cd "$build" && CC=$cc "$src/configure" "${configure_args[@]}" >&2) ||
        die "QEMU configure failed (log: $build/meson-logs/meson-log.txt)"
    echo "$version $src" > "$build/.hc1-configured"
fi

say "building QEMU in $build"
ninja -C "$build" qemu-system-x86_64 qemu-system-riscv64 >&2 ||
    die "QEMU build failed; see the compiler output above"
[ -f "$build/pc-bios/optionrom/config.mak" ] ||
    die "QEMU found no 32-bit x86 compiler for its option ROMs: install gcc-multilib and delete $build"
make -s -C "$build/pc-bios/optionrom" >&2 ||
    die "building QEMU's option ROMs (pvh.bin) failed"

# Write a file only when its content changes, so dependants stay built.
write_if_changed() {   # file content
    if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then
        printf '%s\n' "$2" > "$1.tmp" && chmod +x "$1.tmp" && mv -f "$1.tmp" "$1"
    fi
}
if [ -n "${wrap_out:-}" ]; then
    [ -f /usr/share/seabios/bios-256k.bin ] ||
        die "SeaBIOS is missing: install Debian's seabios package"
    mkdir -p "$wrap_out"
    for t in x86_64 riscv64; do
        write_if_changed "$wrap_out/qemu-system-$t" "#!/bin/sh
# Generated by hw/qemu/build-qemu.sh: our QEMU $version with hc1.
exec '$build/qemu-system-$t' -L '$wrap_data' -L '$build/pc-bios/optionrom' -L /usr/share/seabios \"\$@\""
    done
fi
echo "$build"
