#!/bin/sh
# Fuzz the hc1 card with QEMU's generic-fuzz target: the fuzzer's bytes
# become MMIO reads and writes on the card's BARs, PCI configuration
# cycles, clock steps, and the contents of every guest-memory read the
# card makes by DMA (queues, commands, prompts, LoRA adapters).
#
# usage: generic-fuzz.sh [OPTIONS] WORKDIR [SEED_DIR...] [-- LIBFUZZER_ARGS]
#   --qemu-fuzz PATH   QEMU's libFuzzer binary (default: the one
#                      hw/qemu/build-qemu-fuzz.sh built)
#   --rom FILE         the card's ROM (default: the fuzz seed made from the
#                      default model, build/tests/fuzz/seeds-gguf/
#                      hc1-default.gguf: the same architecture and
#                      tokenizer kind, small enough that compute stays fast)
#   --seconds N | --runs N   how long (default 60 seconds)
#   --replay FILE...   run these inputs once each, with the qtest trace of
#                      each on stderr (QTEST_LOG), and stop
# WORKDIR keeps the grown corpus (WORKDIR/corpus) and the findings
# (WORKDIR/crash-*, timeout-*). Exit status 0: nothing found.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
qemu_fuzz='' rom='' stop=-max_total_time=60 replay=''
while [ $# -gt 0 ]; do
    case $1 in
    --qemu-fuzz) qemu_fuzz=$2; shift 2 ;;
    --rom) rom=$2; shift 2 ;;
    --seconds) stop=-max_total_time=$2; shift 2 ;;
    --runs) stop=-runs=$2; shift 2 ;;
    --replay) replay=1; shift ;;
    -*) echo "generic-fuzz: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
if [ -z "$qemu_fuzz" ]; then
    qemu_fuzz=$("$repo/hw/qemu/build-qemu-fuzz.sh" --print-build-dir)/qemu-fuzz-x86_64
fi
[ -n "$rom" ] || rom=${HC1_BUILD:-$repo/build}/tests/fuzz/seeds-gguf/hc1-default.gguf
[ -x "$qemu_fuzz" ] || { echo "generic-fuzz: no $qemu_fuzz; run hw/qemu/build-qemu-fuzz.sh" >&2; exit 2; }
[ -f "$rom" ] || { echo "generic-fuzz: no ROM $rom; build the project first" >&2; exit 2; }

# One engine thread: fewer threads racing the fuzzer's resets between
# inputs, and findings that replay the same way. q35 is the machine the
# platform ships; -nodefaults keeps other devices out of the way.
QEMU_FUZZ_ARGS="-machine q35 -nodefaults -L /usr/share/seabios -device hc1,rom=$rom,threads=1"
# The card and every memory region it owns (registers, doorbells, the
# MSI-X table and PBA).
QEMU_FUZZ_OBJECTS=hc1
# Leak checks off: QEMU keeps allocations across inputs on purpose, and
# libFuzzer would report them as leaks of the input that made them.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
LLVM_PROFILE_FILE=${LLVM_PROFILE_FILE:-/dev/null}
export QEMU_FUZZ_ARGS QEMU_FUZZ_OBJECTS ASAN_OPTIONS UBSAN_OPTIONS \
    LLVM_PROFILE_FILE

if [ -n "$replay" ]; then
    # Serialised, every operation goes through qtest and is logged.
    QTEST_LOG=1 FUZZ_SERIALIZE_QTEST=1 exec "$qemu_fuzz" \
        --fuzz-target=generic-fuzz "$@"
fi

work=${1:?usage: generic-fuzz.sh [OPTIONS] WORKDIR [SEED_DIR...]}
shift
seeds=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    [ -d "$1" ] && seeds="$seeds $1"
    shift
done
[ $# -gt 0 ] && shift
mkdir -p "$work/corpus"
# -timeout: one input (a few hundred MMIO writes) running 10 s is a hang.
# shellcheck disable=SC2086   # $seeds is a list of directories
exec "$qemu_fuzz" --fuzz-target=generic-fuzz $stop -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/" "$@" \
    "$work/corpus" $seeds
