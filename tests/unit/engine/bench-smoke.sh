#!/bin/sh
# hc1-llm bench end to end on a small model: one context and a batch of
# two decoding from a depth past the prompt (the prompt run's cache kept,
# the rest filled up). Checks that the JSON line reports what was asked
# and rates above zero; a bad depth is one line and exit status 1.
#   bench-smoke.sh HC1_LLM MODEL
set -eu
llm=$1 model=$2
out=$("$llm" bench "$model" -t 2 -r 2 -p 4 -n 2 -b 2 --depth 6 --json)
echo "$out"
for want in '"depth": 6' '"batch": 2' '"tg": 2' '"pp": 4'; do
    case $out in
    *"$want,"* | *"$want}"*) ;;
    *) echo "bench-smoke: no $want in the JSON line" >&2; exit 1 ;;
    esac
done
for rate in tg_tok_s batch_tok_s; do
    v=$(printf '%s\n' "$out" | sed -n "s/.*\"$rate\": \([0-9.]*\).*/\1/p")
    case $v in
    ''|0|0.0|0.00) echo "bench-smoke: $rate is '$v'" >&2; exit 1 ;;
    esac
done
if err=$("$llm" bench "$model" --depth -1 2>&1); then
    echo "bench-smoke: --depth -1 was accepted" >&2
    exit 1
fi
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || {
    echo "bench-smoke: more than one line for a bad depth: $err" >&2
    exit 1
}
echo "bench-smoke: ok"
