#!/bin/sh
# Guest half of test-driver.sh (busybox sh, in the guest, /host shared).
# Prints TAP; exit status 0 only when every check passed.
mode=${1:-basic}
H=/host
HC1=$H/hc1
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
# check DESCRIPTION COMMAND...: the command's output is kept as comments.
check() {
    what=$1
    shift
    if "$@" > /tmp/out 2>&1; then ok "$what"; else not_ok "$what"; fi
    sed 's/^/# /' /tmp/out | head -n 20
}
# Ask the host for a QMP command and wait until it is done.
qmp() {
    rm -f $H/ack
    echo "@@qmp $*"
    i=0
    while [ ! -e $H/ack ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
}
dmesg_clean() {
    ! dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection'
}
finish() {
    check "no oops or WARN in dmesg" dmesg_clean
    echo "1..$n"
    exit $fail
}

load() { insmod $H/hc1.ko "$@" && [ -c /dev/hc1-0 ]; }
sysfs=/sys/class/misc/hc1-0
hwmon_dir() {
    for d in /sys/class/hwmon/hwmon*; do
        [ "$(cat $d/name 2>/dev/null)" = hc1 ] && echo $d && return 0
    done
    return 1
}
ids() { $HC1 generate "$@" --print-ids 2>&1; }

# ---- basic and iommu ----------------------------------------------------

load_loop() {
    for i in 1 2 3 4 5; do
        insmod $H/hc1.ko || return 1
        [ -c /dev/hc1-0 ] || return 1
        $HC1 info > /dev/null || return 1
        rmmod hc1 || return 1
        [ ! -e /dev/hc1-0 ] || return 1
    done
}

identity() {
    echo "model $(cat $sysfs/model_name) id $(cat $sysfs/model_id)"
    case "$(cat $sysfs/iface_version)" in 1.*) ;; *) return 1 ;; esac &&
    [ "$(cat $sysfs/uapi_version)" = 2 ] &&
    [ "$(cat $sysfs/model_id)" = "$(cat $H/expect-model-id)" ] &&
    [ "$(cat $sysfs/n_vocab)" -gt 0 ] &&
    [ "$(cat $sysfs/max_contexts)" -gt 0 ] &&
    [ "$(cat $sysfs/io_queues)" = 16 ] &&
    [ -n "$(cat $sysfs/serial)" ] &&
    cat $sysfs/tokens_decoded $sysfs/commands_completed $sysfs/errors > /dev/null
}

hwmon() {
    d=$(hwmon_dir) || return 1
    t=$(cat $d/temp1_input) p=$(cat $d/power1_input) c=$(cat $d/power1_cap)
    echo "temp $t power $p cap $c"
    [ "$t" -ge 20000 ] && [ "$t" -le 110000 ] && [ "$p" -ge 1000000 ] &&
    [ "$c" = 200000000 ] || return 1
    echo 150000000 > $d/power1_cap && [ "$(cat $d/power1_cap)" = 150000000 ] &&
    ! echo 1000 > $d/power1_cap 2>/dev/null &&
    echo 200000000 > $d/power1_cap
}

same_as_host() {   # expect-file, options...
    want=$(cat $H/$1)
    shift
    got=$(ids "$(cat $H/prompt)" -n 16 --ignore-eos "$@")
    echo "host:  $want"
    echo "guest: $got"
    [ "$got" = "$want" ]
}

# Greedy top log-probabilities against hc1-llm's: ids exactly, logprobs
# within 1e-4, and the top-1 of each list is the chosen token.
logprobs_as_host() {   # N
    want=$H/expect-logprobs-$1
    $HC1 generate "$(cat $H/prompt)" -n 16 --ignore-eos --logprobs $1 \
        --json > /tmp/lp.json || return 1
    sed -n 's/^{"id": \(-*[0-9]*\), .*"logprob": \([^,]*\), "top": \[\(.*\)\]}$/\1 \2 \3/p' \
        /tmp/lp.json | tr -d '[],' > /tmp/lp.got
    tail -n 1 /tmp/lp.json
    awk -v n=$1 '
        function abs(x) { return x < 0 ? -x : x }
        NR == FNR { want[FNR] = $0; nw = FNR; next }
        {
            ng = FNR
            nf = split(want[FNR], w, " ")
            if (NF != 2 + 2 * n || NF != nf) {
                print "token " FNR ": " NF " fields, want " 2 + 2 * n; bad = 1
            }
            if ($3 != $1 || abs($4 - $2) > 1e-6) {
                print "token " FNR ": top-1 " $3 " " $4 " is not " $1 " " $2; bad = 1
            }
            for (i = 1; i <= NF; i++) {
                if (i % 2 ? $i != w[i] : abs($i - w[i]) > 1e-4) {
                    print "token " FNR " field " i ": " $i ", host " w[i]; bad = 1
                }
            }
        }
        END {
            if (ng != 16 || nw != 16) { print ng " tokens, host " nw; bad = 1 }
            exit bad
        }' $want /tmp/lp.got
}

concurrent() {
    for i in 1 2 3 4; do
        ids "prompt number $i" -n 24 --ignore-eos --temp 0.7 --seed $i > /tmp/alone.$i || return 1
    done
    for i in 1 2 3 4; do
        ids "prompt number $i" -n 24 --ignore-eos --temp 0.7 --seed $i > /tmp/conc.$i &
    done
    wait
    for i in 1 2 3 4; do
        cmp /tmp/alone.$i /tmp/conc.$i || { cat /tmp/alone.$i /tmp/conc.$i; return 1; }
    done
}

one_error_line() {   # expected exit code, command...
    want=$1
    shift
    "$@" > /tmp/err.out 2> /tmp/err.txt
    rc=$?
    cat /tmp/err.txt
    [ "$rc" = "$want" ] && [ "$(wc -l < /tmp/err.txt)" = 1 ] &&
    grep -q '^hc1: ' /tmp/err.txt
}

basic() {
    check "module load/unload loop (5 times)" load_loop
    check "module loads" load
    check "sysfs identity (interface 1.x, model id = sha256 of the ROM)" identity
    check "hwmon temp1_input, power1_input, power1_cap" hwmon
    check "hc1 info" $HC1 info
    check "hc1 selftest" $HC1 selftest
    check "greedy generation equals hc1-llm on the host" same_as_host expect-greedy
    check "sampled generation (seed 1234) equals hc1-llm" same_as_host expect-sampled --temp 0.8 --seed 1234
    check "greedy top-4 logprobs equal hc1-llm's" logprobs_as_host 4
    check "greedy top-20 logprobs equal hc1-llm's" logprobs_as_host 20
    check "4 concurrent processes get what they get alone" concurrent
    check "bench runs" $HC1 bench -p 16 -n 32 -r 1
    check "debugfs queues and errors" sh -c "cat /sys/kernel/debug/hc1/hc1-0/queues /sys/kernel/debug/hc1/hc1-0/errors"
    check "bad usage: one error line, exit 2" one_error_line 2 $HC1 generate
    check "missing device: one error line, exit 1" one_error_line 1 $HC1 -d /dev/nonexistent info
    check "module unloads" rmmod hc1

    # The INTx fallback, forced.
    check "module loads with msix=0" load msix=0
    check "INTx in use" grep -q '^intx 1$' $sysfs/irq_mode
    check "hc1 selftest over INTx" $HC1 selftest
    check "greedy generation over INTx equals hc1-llm" same_as_host expect-greedy
    check "module unloads" rmmod hc1
}

# ---- faults -------------------------------------------------------------

inject() { qmp qom-set /machine/peripheral/card0 "$@"; }
gen_ok() { ids "$(cat $H/prompt)" -n 8 --ignore-eos; }
gen_fails() {
    ids "$(cat $H/prompt)" -n 8 --ignore-eos > /tmp/gf 2>&1
    rc=$?
    cat /tmp/gf
    [ $rc -ne 0 ] && grep -q '^hc1: ' /tmp/gf
}
eventually() {   # retry a check for up to 15 s
    i=0
    while [ $i -lt 30 ]; do
        "$@" && return 0
        sleep 0.5
        i=$((i + 1))
    done
    return 1
}

faults() {
    check "module loads (I/O timeout 3 s)" load io_timeout_ms=3000
    check "generation works before faults" gen_ok

    inject x-fault-dma-errors 1
    check "DMA error reaches the caller" gen_fails
    check "generation works after the DMA error" gen_ok

    $HC1 generate "$(cat $H/prompt)" -n 8000 --ignore-eos > /dev/null 2> /tmp/ecc &
    pid=$!
    sleep 1
    inject x-fault-sram-ecc 0
    wait $pid
    rc=$?
    cat /tmp/ecc
    check "SRAM ECC error fails the running decode" [ $rc -ne 0 ]
    check "generation works after the SRAM error" gen_ok

    inject x-fault-thermal-trip true
    check "thermal trip is reported" gen_fails
    inject x-fault-thermal-trip false
    check "generation resumes after cooling" eventually gen_ok

    inject x-fault-drop-completions 1
    check "a lost completion times out with an error" gen_fails
    check "generation works after the lost completion" eventually gen_ok

    # A decode whose completion is lost ends from its LAST record.
    t0=$(cat $sysfs/timeouts)
    ids "$(cat $H/prompt)" -n 1500 --ignore-eos > /tmp/lost 2>&1 &
    pid=$!
    sleep 1
    inject x-fault-drop-completions 1
    wait $pid
    rc=$?
    tail -c 200 /tmp/lost
    check "a decode whose completion was lost still ends" [ $rc -eq 0 ]
    check "the lost completion was counted" [ "$(cat $sysfs/timeouts)" -gt "$t0" ]

    inject x-fault-slow-completion-ms 500
    check "a slow completion still succeeds" gen_ok

    inject x-fault-fatal true
    sleep 2
    check "controller fatal error led to a reset" sh -c "dmesg | grep 'controller reset done'"
    check "resets counted in sysfs" [ "$(cat $sysfs/resets)" -ge 1 ]
    check "generation works after the reset" eventually gen_ok
    check "errors listed in debugfs" sh -c "cat /sys/kernel/debug/hc1/hc1-0/errors"
    check "module unloads" rmmod hc1
}

# ---- unplug -------------------------------------------------------------

unplug() {
    check "module loads" load
    $HC1 generate "$(cat $H/prompt)" -n 8000 --ignore-eos > /dev/null 2> /tmp/up &
    pid=$!
    sleep 1
    qmp device_del card0
    i=0
    while [ -e /dev/hc1-0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    check "the device went away" [ ! -e /dev/hc1-0 ]
    wait $pid
    rc=$?
    cat /tmp/up
    check "the decoding process got an error" [ $rc -ne 0 ]
    check "module unloads after the card left" rmmod hc1
}

case "$mode" in
basic|iommu) basic ;;
faults) faults ;;
unplug) unplug ;;
*) not_ok "unknown mode $mode" ;;
esac
finish
