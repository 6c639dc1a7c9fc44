#!/usr/bin/env python3
"""Send one QMP command to a QEMU monitor socket (the guest tests use it
for fault injection and hot-unplug).

usage: qmp.py SOCKET qom-set PATH PROPERTY JSON_VALUE
       qmp.py SOCKET device_del ID
"""
import json
import socket
import sys


def main():
    sock_path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == 'qom-set':
        arguments = {'path': args[0], 'property': args[1],
                     'value': json.loads(args[2])}
    elif cmd == 'device_del':
        arguments = {'id': args[0]}
    else:
        sys.exit(f'qmp.py: unknown command {cmd}')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    f = s.makefile('rw')
    json.loads(f.readline())                       # greeting
    for msg in ({'execute': 'qmp_capabilities'},
                {'execute': cmd, 'arguments': arguments}):
        f.write(json.dumps(msg) + '\n')
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if 'event' in reply:
                continue
            if 'error' in reply:
                sys.exit(f'qmp.py: {cmd}: {reply["error"].get("desc")}')
            break


if __name__ == '__main__':
    main()
