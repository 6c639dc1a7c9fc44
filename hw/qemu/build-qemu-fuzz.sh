#!/bin/bash
# Build our QEMU a second time, with clang and the sanitizers, for
# hostile-input testing (tests/fuzz, docs/fuzzing.md):
#
#   qemu-fuzz-x86_64    QEMU's libFuzzer binary (--enable-fuzzing); its
#                       generic-fuzz target drives the hc1 card
#   qemu-system-x86_64  the same emulator with AddressSanitizer and
#                       UndefinedBehaviorSanitizer, for the device suite
#
# Both come out of one build directory: with --enable-fuzzing QEMU still
# links the system emulator (its objects carry the fuzzer's coverage
# hooks, which cost little), and on 2 cores a second ASan build of QEMU
# would cost another half hour.
#
# hw/hc1 and hw/engine are in addition compiled with clang's source-based
# coverage, so that replaying a corpus tells how many lines of hw/ the
# fuzzer reached (tests/fuzz/coverage.sh). Nothing else is, to keep the
# fuzzer fast.
#
# The source is the one build-qemu.sh uses (Debian's package, or
# HC1_QEMU_SRC / HC1_QEMU_TARBALL), injected the same way, in a tree and
# build directory of its own under the cache, keyed like build-qemu.sh's.
# Needs Debian's clang and libclang-rt-14-dev (the sanitizer and libFuzzer
# runtimes).
#
# usage: hw/qemu/build-qemu-fuzz.sh [--print-build-dir]
#        hw/qemu/build-qemu-fuzz.sh --wrappers OUTDIR DATADIR
#
# With --wrappers it also writes OUTDIR/qemu-system-x86_64-asan (the
# sanitizer build, with the firmware search path and sanitizer options the
# tests need; the suffix lets it sit beside build-qemu.sh's wrappers) and
# OUTDIR/qemu-fuzz-x86_64. It prints the build directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${HC1_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hc1}

die() { echo "build-qemu-fuzz: $*" >&2; exit 1; }
say() { echo "build-qemu-fuzz: $*" >&2; }

case "${1:-}" in
--print-build-dir|"") ;;
--wrappers)
    wrap_out=${2:?--wrappers needs OUTDIR DATADIR}
    wrap_data=${3:?--wrappers needs OUTDIR DATADIR}
    ;;
*) die "unknown option $1" ;;
esac

command -v clang >/dev/null ||
    die "clang is missing: apt-get install clang libclang-rt-14-dev"

configure_args=(
    --target-list=x86_64-softmmu
    --without-default-features --without-default-devices
    --with-devices-x86_64=hc1
    --enable-tcg --enable-kvm --enable-virtfs --enable-attr --enable-fdt=system
    --disable-docs --disable-tools --disable-download --disable-werror
    --disable-install-blobs
    --enable-trace-backends=log
    --enable-fuzzing --enable-asan --enable-ubsan
    --python=/usr/bin/python3
)

# The compiler QEMU is configured with: clang through ccache, adding
# source-based coverage to the card's and the engine's files only, and
# the profile runtime to every link.
cc_wrapper='#!/bin/sh
cov=
for a in "$@"; do
    case $a in
    */hw/hc1/*.c|*/hw/hc1-engine/*.c)
        cov="-fprofile-instr-generate -fcoverage-mapping" ;;
    esac
done
case " $* " in
*" -c "*) ;;
*) cov=-fprofile-instr-generate ;;
esac
command -v ccache >/dev/null && exec ccache CC "$@" $cov
exec CC "$@" $cov'

# The pristine source, fetched and checked by build-qemu.sh.
pristine=$("$here/build-qemu.sh" --print-source-dir) ||
    die "build-qemu.sh could not provide the QEMU source"
version=$(cat "$pristine/VERSION")
case "$version" in
10.0.*) ;;
*) die "$pristine holds QEMU '$version'; HC1 needs QEMU 10.0.x" ;;
esac

# Keyed by version, configuration, compiler and checkout, as in
# build-qemu.sh; the prefix qemu-fuzz- keeps the two apart (and out of
# each other's pruning).
repo=$(cd "$here/../.." && pwd)
clang_version=$(clang --version | head -n1)
key=$( { echo "$version"; echo "${configure_args[*]}"; echo "$cc_wrapper";
         echo "$clang_version"; cat "$here"/*.mak; echo "$repo"; } |
       sha256sum | cut -c1-12)
tree=$cache/qemu-fuzz-$version-$key
src=$tree/src
build=${HC1_QEMU_FUZZ_BUILD:-$tree/build}
if [ "${1:-}" = --print-build-dir ]; then
    echo "$build"
    exit 0
fi

if [ ! -f "$src/.hc1-source-ok" ]; then
    rm -rf "$src" "$src.tmp"
    mkdir -p "$tree"
    cp -al "$pristine" "$src.tmp" 2>/dev/null || cp -a "$pristine" "$src.tmp" ||
        die "cannot copy the QEMU source to $src"
    mv "$src.tmp" "$src"
fi
touch "$tree"
"$here/inject.sh" "$src"
find "$cache" -maxdepth 1 -name 'qemu-fuzz-10.*-*' -type d -mtime +30 \
    -exec rm -rf {} + 2>/dev/null || true

mkdir -p "$tree/bin"
for c in clang clang++; do
    w=${cc_wrapper//CC/$c}
    if [ "$(cat "$tree/bin/$c" 2>/dev/null)" != "$w" ]; then
        printf '%s\n' "$w" > "$tree/bin/$c.tmp"
        chmod +x "$tree/bin/$c.tmp"
        mv -f "$tree/bin/$c.tmp" "$tree/bin/$c"
    fi
done

export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export CCACHE_BASEDIR=$cache CCACHE_NOHASHDIR=1

# The stamp holds "VERSION SOURCE-DIR" of a finished configure.
if [ -f "$build/.hc1-configured" ]; then
    read -r built_version built_src < "$build/.hc1-configured" || true
    [ "$built_version" = "$version" ] ||
        die "$build was configured for QEMU $built_version, not $version; delete it or set HC1_QEMU_FUZZ_BUILD to another directory"
    [ "${built_src:-}" = "$src" ] || rm -f "$build/.hc1-configured"
fi
if [ ! -f "$build/.hc1-configured" ] && [ -e "$build" ] && [ -n "$(ls -A "$build")" ]; then
    [ -d "$build/meson-private" ] || [ -f "$build/config.log" ] ||
        die "$build is not empty and not a QEMU build directory; choose another HC1_QEMU_FUZZ_BUILD"
    say "$build holds an unfinished or outdated configure; starting it again"
    rm -rf "$build"
fi
if [ ! -f "$build/.hc1-configured" ]; then
    mkdir -p "$build"
    say "configuring QEMU $version with clang, fuzzing, ASan and UBSan in $build"
    (cd "$build" && "$src/configure" --cc="$tree/bin/clang" \
        --cxx="$tree/bin/clang++" --host-cc=clang "${configure_args[@]}" >&2) ||
        die "QEMU configure failed (log: $build/meson-logs/meson-log.txt); are clang and libclang-rt-14-dev installed?"
    echo "$version $src" > "$build/.hc1-configured"
fi

say "building qemu-fuzz-x86_64 and qemu-system-x86_64 in $build"
ninja -C "$build" qemu-fuzz-x86_64 qemu-system-x86_64 >&2 ||
    die "QEMU build failed; see the compiler output above"

write_if_changed() {   # file content
    if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then
        printf '%s\n' "$2" > "$1.tmp" && chmod +x "$1.tmp" && mv -f "$1.tmp" "$1"
    fi
}
if [ -n "${wrap_out:-}" ]; then
    [ -f /usr/share/seabios/bios-256k.bin ] ||
        die "SeaBIOS is missing: install Debian's seabios package"
    mkdir -p "$wrap_out"
    # Leaks at exit are QEMU's own (it frees little on shutdown) and
    # would fail every test; any other finding stops QEMU at once. The
    # coverage profile goes nowhere unless asked for.
    san='export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:print_summary=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"
export LLVM_PROFILE_FILE="${LLVM_PROFILE_FILE:-/dev/null}"'
    write_if_changed "$wrap_out/qemu-system-x86_64-asan" "#!/bin/sh
# Generated by hw/qemu/build-qemu-fuzz.sh: our QEMU $version with hc1,
# built with clang, ASan and UBSan.
$san
exec '$build/qemu-system-x86_64' -L '$wrap_data' -L /usr/share/seabios \"\$@\""
    write_if_changed "$wrap_out/qemu-fuzz-x86_64" "#!/bin/sh
# Generated by hw/qemu/build-qemu-fuzz.sh: QEMU's libFuzzer binary with
# hc1 (see tests/fuzz/generic-fuzz.sh for the card's target).
$san
exec '$build/qemu-fuzz-x86_64' \"\$@\""
fi
echo "$build"
