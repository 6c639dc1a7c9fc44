#!/bin/bash
# Suite 'guest': boot a Debian kernel with one card and check what the
# guest sees of it, before any driver: PCI identity and class through
# lspci -nn and sysfs, and the card's magic and interface version read
# from BAR0 through /dev/mem.
#
# usage: test-boot.sh BUILD_DIR KERNEL ROM HC1_HW_H
set -euo pipefail

build=$1 kernel=$2 rom=$3 hw_h=$4
repo=$(cd "$(dirname "$0")/../.." && pwd)

# The expected values come from the one register header.
hdr() { sed -n "s/^#define $1 *\\([0-9a-fA-Fx]*\\)u\\{0,1\\}\$/\\1/p" "$hw_h"; }
magic=$(printf '0x%08x' "$(hdr HC1_MAGIC)")
version=$(printf '0x%08x' $(( $(hdr HC1_IFACE_MAJOR) << 16 | $(hdr HC1_IFACE_MINOR) )))

out=$("$repo/images/run-vm" --build "$build" --kernel "$kernel" \
      --card "rom=$rom" --timeout 120 -- '
lspci -nn
for d in /sys/bus/pci/devices/*; do
    [ "$(cat $d/vendor):$(cat $d/device)" = "0x1af4:0x10f0" ] || continue
    echo "sysfs $(basename $d) class=$(cat $d/class)"
    bar0=$(head -n1 $d/resource | cut -d" " -f1)
    echo "bar0 magic=$(devmem $((bar0)) 32) version=$(devmem $((bar0 + 4)) 32)"
done
' | tr -d '\r')
echo "$out" | sed 's/^/# /'

n=0 fail=0
check() {   # description, command...
    local what=$1
    shift
    n=$((n + 1))
    if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; fail=1; fi
}
has() { grep -qiE -- "$1" <<<"$out"; }
check "linux $kernel: lspci -nn lists the card as 1200 [1af4:10f0]" \
    has 'Processing accelerators \[1200\]: .*\[1af4:10f0\]'
check "sysfs class is 0x120000" has '^sysfs .* class=0x120000$'
check "BAR0 magic reads $magic" has "bar0 magic=$magic "
check "BAR0 interface version reads $version" has "version=$version\$"
echo "1..$n"
exit $fail
