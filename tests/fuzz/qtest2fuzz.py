#!/usr/bin/env python3
"""Turn qtest traces of the device suite into generic-fuzz seed inputs.

QEMU's generic-fuzz does not replay qtest text: its input is a list of
binary operations separated by "FUZZ", each naming an I/O region of the
card by index (in address order, as the fuzzer maps the BARs itself) and
an offset in it (tests/qtest/fuzz/generic_fuzz.c). Guest memory is not
written directly: when the card reads memory by DMA, the fuzzer fills
what it reads from its DMA patterns, one pattern per read, in turn.

So, for each trace (one QEMU run of a device test):
  - config writes become OP_PCI_WRITE, except the BARs and the command
    register, which the fuzzer programs itself;
  - MMIO reads and writes on the card's BARs become OP_READ / OP_WRITE on
    region (BAR0 registers, BAR2 doorbells, MSI-X table, MSI-X PBA);
    runs of identical reads (polling) become one read and a clock step;
  - guest-memory writes (queue entries, commands, prompts) become DMA
    patterns in the order written, which is roughly the order in which
    the card reads them (memset, which tests use to clear rings and
    buffers before the card writes them, is left out: as a pattern it
    would be the first thing the card reads instead of the first command);
  - clock_step becomes OP_CLOCK_STEP.

usage: qtest2fuzz.py OUT_DIR TRACE...
"""

import os
import re
import struct
import sys

SEP = b'FUZZ'
OP_READ, OP_WRITE, OP_PCI_WRITE = 2, 3, 5
OP_ADD_DMA_PATTERN, OP_CLOCK_STEP = 7, 9
SIZES = {'b': 0, 'w': 1, 'l': 2, 'q': 3}
MAX_PATTERN = 256       # bytes of one guest-memory write kept
MAX_SEED = 64 * 1024

# The card's regions in the fuzzer's order, with their BAR and the
# offset range inside it (hw/hc1/hc1_hw.h; MSI-X: QEMU's exclusive BAR
# with the table at 0 and the PBA at 0x800).
REGIONS = [(0x10, 0, 0x4000), (0x18, 0, 0x20000),
           (0x20, 0, 0x800), (0x20, 0x800, 0x1000)]


def bar_base(cfg, off):
    lo = cfg.get(off, 0) & ~0xf
    if cfg.get(off, 0) & 0x4:                  # 64-bit BAR
        lo |= cfg.get(off + 4, 0) << 32
    return lo


def region_of(cfg, addr):
    for index, (bar, start, end) in enumerate(REGIONS):
        base = bar_base(cfg, bar)
        if base and base + start <= addr < base + end:
            return index, addr - base - start
    return None


def convert(lines):
    ops = []
    cfg = {}            # BAR registers as the test programmed them
    cfg_addr = 0
    last_read = None
    for line in lines:
        m = re.match(r'\[R \+[0-9.]+\] (\S+)(.*)', line)
        if not m:
            continue
        cmd, args = m.group(1), m.group(2).split()
        if cmd in ('outl', 'outw', 'outb'):
            port, val = int(args[0], 0), int(args[1], 0)
            if port == 0xcf8:
                cfg_addr = val
                continue
            if 0xcfc <= port < 0xd00:
                off = (cfg_addr & 0xfc) + port - 0xcfc
                if 0x10 <= off < 0x28:
                    cfg[off] = val
                elif off not in (0x04, 0x05):
                    ops.append(bytes([OP_PCI_WRITE]) + struct.pack(
                        '<BBBxI', SIZES[cmd[-1]], 0, off, val & 0xffffffff))
            continue
        if cmd.startswith('read') and cmd[-1] in SIZES and len(cmd) == 5:
            r = region_of(cfg, int(args[0], 0))
            if r is None:
                continue
            op = struct.pack('<BBxxI', SIZES[cmd[-1]], r[0], r[1])
            if op == last_read:
                if ops[-1] != b'\x09':
                    ops.append(bytes([OP_CLOCK_STEP]))
                continue
            last_read = op
            ops.append(bytes([OP_READ]) + op)
            continue
        last_read = None
        if cmd.startswith('write') and cmd[-1] in SIZES and len(cmd) == 6:
            r = region_of(cfg, int(args[0], 0))
            if r is not None:
                ops.append(bytes([OP_WRITE]) + struct.pack(
                    '<BBxxIQ', SIZES[cmd[-1]], r[0], r[1],
                    int(args[1], 0) & (2 ** 64 - 1)))
        elif cmd == 'write':
            data = bytes.fromhex(args[2][2:])[:MAX_PATTERN]
            ops.append(bytes([OP_ADD_DMA_PATTERN, 0, 0]) + data)
        elif cmd == 'clock_step':
            ops.append(bytes([OP_CLOCK_STEP]))
    out = b''
    for op in ops:
        if SEP in op or len(out) + len(op) + len(SEP) > MAX_SEED:
            continue
        out += op + SEP
    return out


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in sys.argv[2:]:
        with open(path, errors='replace') as f:
            seed = convert(f)
        if len(seed) > 64:      # runs that never reached the card
            name = os.path.splitext(os.path.basename(path))[0]
            with open(os.path.join(out_dir, name), 'wb') as f:
                f.write(seed)


if __name__ == '__main__':
    main()
