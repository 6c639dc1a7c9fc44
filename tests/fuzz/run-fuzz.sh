#!/bin/sh
# Run one libFuzzer target for a while: the short runs of suite 'fuzz'
# and the long runs of docs/fuzzing.md.
#
# usage: run-fuzz.sh FUZZER WORKDIR LIMIT [SEED_DIR...] [-- LIBFUZZER_ARGS]
#   LIMIT       a number of seconds (30), or of executions (10000000x)
#   WORKDIR     keeps the corpus the fuzzer grows (WORKDIR/corpus), so a
#               later run continues where this one stopped, and what it
#               finds (WORKDIR/crash-*, timeout-*, oom-*)
# Exit status: 0 when nothing was found.
set -eu

fuzzer=$1 work=$2 limit=$3
shift 3
seeds=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    seeds="$seeds $1"
    shift
done
[ $# -gt 0 ] && shift   # the --

# Per-target defaults; LIBFUZZER_ARGS come after them and win.
# fuzz-toktext: encoding takes time quadratic in the length of a word
# (or of a whole SentencePiece text), so texts stop at 512 bytes, more
# than twice the longest seed; and it is built without comparison hooks,
# so a dictionary gives it the special tokens.
here=$(cd "$(dirname "$0")" && pwd)
case ${fuzzer##*/} in
fuzz-toktext) defaults="-max_len=512 -dict=$here/toktext.dict" ;;
*) defaults= ;;
esac

case $limit in
*x) stop=-runs=${limit%x} ;;
*) stop=-max_total_time=$limit ;;
esac
mkdir -p "$work/corpus"
# A stack with every UBSan report: it is what the defect report needs.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# -timeout: a single input taking longer is a hang, i.e. a finding.
# -rss_limit_mb: a hostile ROM or blob must not make the card allocate
# without bound. Both are libFuzzer defaults made explicit.
# shellcheck disable=SC2086   # $defaults, $seeds: lists of words
exec "$fuzzer" $stop -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" $defaults "$@" "$work/corpus" $seeds
