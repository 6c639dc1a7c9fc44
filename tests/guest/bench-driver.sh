#!/bin/bash
# Suite 'bench' (on request): decode tokens/s through the whole guest
# stack (hc1 bench in a guest: driver, card, engine) against hc1-llm on
# the host, same model and threads. Passes when the device path costs at
# most 5 %. Also prints the card's own compute time, which tells the
# guest path's share from the device model's.
#
# Both sides do the same work per token: the card samples every token
# (greedy, with its log-probability) and feeds it back, so hc1-llm runs
# with --sample; both decode from a one-token prompt, so attention spans
# the same positions. Both report the median of their runs.
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

# On a shared host the load changes from minute to minute: alternate the
# two sides for a few rounds and compare the medians of the rounds.
rounds=${HC1_BENCH_ROUNDS:-3}
hosts=() guests=()
for r in $(seq "$rounds"); do
    h=$("$llm" bench "$rom" -p 1 -n $n -r 3 -b 1 -t $threads --sample |
        sed -n "s/^decode tg$n *\([0-9.]*\) tok\/s.*/\1/p")
    out=$("$repo/images/run-vm" --build "$build" --kernel "$kernel" \
          --card "rom=$rom,threads=$threads" --share "$share" --timeout 600 -- '
insmod /host/hc1.ko || exit 1
/host/hc1 bench -p 1 -n '$n' -r 3 --json || exit 1
d=/sys/class/misc/hc1-0
echo "card decoded $(cat $d/tokens_decoded) busy_us $(cat $d/busy_us)"
' | tr -d '\r')
    g=$(sed -n 's/.*"decode_tokens_per_s": \([0-9.]*\).*/\1/p' <<<"$out")
    echo "$out" | sed 's/^/# /'
    echo "# round $r: host hc1-llm $h tok/s, guest hc1 $g tok/s"
    [ -n "$h" ] && hosts+=("$h")
    [ -n "$g" ] && guests+=("$g")
done
med() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
host=$(med "${hosts[@]}")
guest=$(med "${guests[@]}")
echo "# host hc1-llm: $host tok/s; guest hc1: $guest tok/s, medians of $rounds rounds ($threads threads, $n tokens)"
if [ "${#hosts[@]}" = "$rounds" ] && [ "${#guests[@]}" = "$rounds" ] &&
   awk -v h="$host" -v g="$guest" 'BEGIN { exit !(g >= 0.95 * h) }'; then
    echo "ok 1 - the device path costs at most 5 % of decode speed"
else
    echo "not ok 1 - the device path costs more than 5 % of decode speed"
fi
echo "1..1"
