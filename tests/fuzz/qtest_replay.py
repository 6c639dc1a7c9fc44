#!/usr/bin/env python3
"""Replay a qtest trace (a minimised generic-fuzz finding) against QEMU.

Starts QEMU with the card, sends the trace, reads a reply per command
(so a crash is pinned to the command it followed), then stops QEMU
with SIGTERM. Passes when QEMU answered everything, exited by the signal
cleanly and printed no sanitizer report.

usage: qtest_replay.py QEMU ROM TRACE
"""

import signal
import subprocess
import sys
import threading
import time

REPORTS = ('runtime error:', 'ERROR: AddressSanitizer', 'Assertion',
           'SUMMARY: ')


def send(p, cmds):
    try:
        p.stdin.write(''.join(c + '\n' for c in cmds))
        p.stdin.flush()
    except BrokenPipeError:
        pass


def main():
    qemu, rom, trace = sys.argv[1:4]
    args = [qemu, '-L', '/usr/share/seabios',
            '-machine', 'q35', '-nodefaults', '-display', 'none',
            '-m', '512M', '-accel', 'qtest', '-qtest', 'stdio',
            '-device', f'hc1,rom={rom},threads=1']
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    with open(trace) as f:
        cmds = [line.strip() for line in f if line.strip()]
    # All at once, as QEMU's minimiser sends it: QEMU then reads several
    # commands before its main loop runs the card's bottom halves, and a
    # minimised trace may depend on that order.
    writer = threading.Thread(target=send, args=(p, cmds))
    writer.start()
    ok = True
    for n, cmd in enumerate(cmds, 1):
        reply = p.stdout.readline()
        while reply.startswith('IRQ'):
            reply = p.stdout.readline()
        if not reply:
            print(f'{trace}:{n}: QEMU died at or after: {cmd}')
            ok = False
            break
    writer.join()
    # Let the main loop run what the last commands scheduled (bottom
    # halves, timers) before stopping QEMU: that is where the card
    # processes its queues.
    time.sleep(1)
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        print('QEMU did not stop on SIGTERM')
        ok = False
    sys.stderr.write(err)
    if p.returncode not in (0, -signal.SIGTERM):
        print(f'QEMU exited with status {p.returncode}')
        ok = False
    if any(r in err for r in REPORTS):
        print('QEMU printed a sanitizer report or an assertion')
        ok = False
    print('ok' if ok else 'FAILED')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
