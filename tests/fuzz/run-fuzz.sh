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
# shellcheck disable=SC2086   # $seeds is a list of directories
exec "$fuzzer" $stop -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$@" "$work/corpus" $seeds
