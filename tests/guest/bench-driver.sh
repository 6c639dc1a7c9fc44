#!/bin/bash
# Suite 'bench' (on request): decode tokens/s through the whole guest
# stack (hc1 bench in a guest: driver, card, engine) against hc1-llm on
# the host, same model and threads. Passes when the device path costs at
# most 5 %. Also prints the card's own compute time, which tells the
# guest path's share from the device model's.
#
# usage: bench-driver.sh BUILD_DIR KERNEL ROM HC1_KO HC1_TOOL HC1_LLM
set -euo pipefail

build=$1 kernel=$2
rom=$(realpath "$3") ko=$(realpath "$4") tool=$(realpath "$5") llm=$(realpath "$6")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
threads=2 n=512
share=$(mktemp -d "${TMPDIR:-/tmp}/hc1-bench.XXXXXX")
trap 'rm -rf "$share"' EXIT
cp "$ko" "$share/hc1.ko"
cp "$tool" "$share/hc1"

host=$("$llm" bench "$rom" -p 64 -n $n -r 3 -t $threads |
       sed -n "s/^decode tg$n *\([0-9.]*\) tok\/s.*/\1/p")
out=$("$repo/images/run-vm" --build "$build" --kernel "$kernel" \
      --card "rom=$rom,threads=$threads" --share "$share" --timeout 600 -- '
insmod /host/hc1.ko || exit 1
/host/hc1 bench -p 64 -n '$n' -r 3 --json || exit 1
d=/sys/class/misc/hc1-0
echo "card decoded $(cat $d/tokens_decoded) busy_us $(cat $d/busy_us)"
' | tr -d '\r')
guest=$(sed -n 's/.*"decode_tokens_per_s": \([0-9.]*\).*/\1/p' <<<"$out")
echo "$out" | sed 's/^/# /'
echo "# host hc1-llm: $host tok/s; guest hc1: $guest tok/s ($threads threads, $n tokens)"
if [ -n "$host" ] && [ -n "$guest" ] &&
   awk -v h="$host" -v g="$guest" 'BEGIN { exit !(g >= 0.95 * h) }'; then
    echo "ok 1 - the device path costs at most 5 % of decode speed"
else
    echo "not ok 1 - the device path costs more than 5 % of decode speed"
fi
echo "1..1"
