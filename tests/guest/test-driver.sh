#!/bin/bash
# Suite 'guest': the hc1 driver, libhc1 and the hc1 tool in a real guest.
#
# usage: test-driver.sh MODE BUILD_DIR KERNEL ROM HC1_KO HC1_TOOL HC1_LLM
#   MODE   basic   load/unload loop, identity (sysfs, hwmon), selftest,
#                  generation compared with hc1-llm on the host, 4
#                  concurrent processes, error reporting, clean dmesg
#          iommu   the same behind an Intel IOMMU
#          faults  every fault the card can inject, reported and
#                  recovered from
#          unplug  hot-unplug (QMP device_del) during a decode
#
# The guest half is guest-driver.sh; it prints TAP, which this passes on.
# It asks for host actions (QMP) with "@@qmp ..." lines and waits for
# /host/ack.
set -euo pipefail

mode=$1 build=$2 kernel=$3
rom=$(realpath "$4") ko=$(realpath "$5") tool=$(realpath "$6") llm=$(realpath "$7")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
share=$(mktemp -d "${TMPDIR:-/tmp}/hc1-guest.XXXXXX")
trap 'rm -rf "$share"' EXIT

cp "$ko" "$share/hc1.ko"
cp "$tool" "$share/hc1"
cp "$here/guest-driver.sh" "$share/"

# What the host engine produces for the same model, prompt and seed.
ids_of() { LC_ALL=C sed -n 's/.*"ids": \[\([^]]*\)\].*/\1/p' | tr -d ,; }
prompt="The quick brown fox"
"$llm" run "$rom" -p "$prompt" -n 16 --ignore-eos --json | ids_of > "$share/expect-greedy"
"$llm" run "$rom" -p "$prompt" -n 16 --ignore-eos --temp 0.8 --seed 1234 \
    --json | ids_of > "$share/expect-sampled"
# Greedy log-probabilities, one line per token: id logprob, then the
# top list as id logprob pairs.
for k in 4 20; do
    "$llm" run "$rom" -p "$prompt" -n 16 --ignore-eos --logprobs $k --json |
        python3 -c '
import json, sys
for t in json.load(sys.stdin)["logprobs"]:
    print(t["id"], t["logprob"], *[f"{i} {lp}" for i, lp in t["top"]])
' > "$share/expect-logprobs-$k"
done
sha256sum "$rom" | cut -c1-64 > "$share/expect-model-id"
printf '%s\n' "$prompt" > "$share/prompt"

args=(--build "$build" --kernel "$kernel" --share "$share" --timeout 600)
card="rom=$rom"
case "$mode" in
basic) ;;
iommu) args+=(--iommu) ;;
faults|unplug)
    sock=$share/qmp.sock
    args+=(--qemu-arg -qmp --qemu-arg "unix:$sock,server=on,wait=off")
    card+=",id=card0"
    ;;
*) echo "test-driver: unknown mode $mode" >&2; exit 2 ;;
esac
if [ "$mode" = unplug ]; then
    # Only a card behind a (hot-plug capable) root port can leave, and
    # run-vm puts --card devices before --qemu-arg ones: add both here.
    args+=(--no-card
           --qemu-arg -device --qemu-arg pcie-root-port,id=rp0,chassis=1,slot=1
           --qemu-arg -device --qemu-arg "hc1,$card,bus=rp0")
else
    args+=(--card "$card")
fi

run() {
    "$repo/images/run-vm" "${args[@]}" -- "sh /host/guest-driver.sh $mode" |
        while IFS= read -r line; do
            # Not tr -d: a buffering filter would hold the requests back.
            line=${line%$'\r'}
            touch "$share/.started"
            case "$line" in
            "@@qmp "*)
                # shellcheck disable=SC2086
                python3 "$here/qmp.py" "$sock" ${line#@@qmp } >&2 ||
                    echo "# qmp failed: ${line#@@qmp }"
                touch "$share/ack"
                ;;
            *) printf '%s\n' "$line" ;;
            esac
        done
    return "${PIPESTATUS[0]}"
}

# A TCG guest on a loaded host sometimes fails the kernel's early timer
# check and panics before running anything; that, and only that, is
# retried once.
set +e
for attempt in 1 2; do
    rm -f "$share/.started"
    run
    rc=$?
    [ "$rc" = 125 ] && [ ! -e "$share/.started" ] &&
        grep -q "not syncing: .*timer" "$share/console.log" 2>/dev/null || break
    echo "# the guest kernel panicked in its timer check at boot; retrying"
done
set -e
if [ "$rc" -ne 0 ]; then
    echo "# run-vm exit $rc; console:"
    tail -n 30 "$share/console.log" 2>/dev/null | sed 's/^/# /'
fi
exit "$rc"
