#!/bin/sh
# Lines of hw/ the fuzzers reach: replay corpora through the builds that
# carry clang's source-based coverage, and report per file.
#
# usage: tests/fuzz/coverage.sh engine BUILD_DIR CORPUS_DIR...
#          (the cov-* replays; each CORPUS_DIR named work-TARGET or
#          seeds-TARGET, TARGET one of gguf, gguf-compute (replayed by
#          cov-gguf), tokblob, toktext)
#        tests/fuzz/coverage.sh card QEMU_FUZZ ROM CORPUS_DIR...
#          (hw/hc1 and hw/engine inside QEMU's fuzzer)
set -eu
mode=$1
shift
prof=$(mktemp -d)
trap 'rm -rf "$prof"' EXIT
case $mode in
engine)
    build=$1
    shift
    objs=
    for dir in "$@"; do
        t=$(basename "$dir" | sed 's/^[a-z]*-//; s/-compute$//')
        LLVM_PROFILE_FILE="$prof/$t-%p.profraw" \
            "$build/tests/fuzz/cov-$t" "$dir" >/dev/null 2>&1 || true
        case " $objs " in
        *" $build/tests/fuzz/cov-$t "*) ;;
        *) objs="$objs -object $build/tests/fuzz/cov-$t" ;;
        esac
    done
    llvm-profdata-14 merge -o "$prof/all.profdata" "$prof"/*.profraw
    # shellcheck disable=SC2086
    llvm-cov-14 report $objs -instr-profile "$prof/all.profdata" \
        --ignore-filename-regex='tests/fuzz'
    ;;
card)
    qemu_fuzz=$1 rom=$2
    shift 2
    LLVM_PROFILE_FILE="$prof/card-%p.profraw" \
    QEMU_FUZZ_ARGS="-machine q35 -nodefaults -L /usr/share/seabios -device hc1,rom=$rom,threads=1" \
    QEMU_FUZZ_OBJECTS=hc1 ASAN_OPTIONS=detect_leaks=0 \
    UBSAN_OPTIONS=halt_on_error=0 \
        "$qemu_fuzz" --fuzz-target=generic-fuzz -runs=0 "$@" >/dev/null 2>&1 || true
    llvm-profdata-14 merge -o "$prof/all.profdata" "$prof"/*.profraw
    llvm-cov-14 report "$qemu_fuzz" -instr-profile "$prof/all.profdata"
    ;;
*) echo "usage: coverage.sh engine|card ..." >&2; exit 2 ;;
esac
