#!/bin/sh
# Stand-in for QEMU that records the qtest traffic of whatever runs it:
# the device suite's tests, pointed at this script instead of QEMU, leave
# one trace per QEMU they start. qtest2fuzz.py turns the traces into the
# generic-fuzz seed corpus (corpus-generic/).
#
# usage: HC1_QTEST_QEMU=QEMU HC1_QTEST_TRACES=DIR qtest-record.sh ARGS...
# A later -qtest-log wins over the test's own "-qtest-log /dev/null".
set -eu
mkdir -p "$HC1_QTEST_TRACES"
exec "$HC1_QTEST_QEMU" "$@" -qtest-log "$HC1_QTEST_TRACES/trace-$$.log"
