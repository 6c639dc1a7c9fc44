#!/usr/bin/python3
# Determinism of hc1-mkmodel: the same options give the same bytes, on
# any number of threads; the weights depend on the seed and on nothing
# else (not on the tokenizer); and the embedded default model is
# exactly what the generator makes from the build's own command line.
#
#   determinism.py MKMODEL TOKENIZER_JSON TOKENIZER_CONFIG DEFAULT_GGUF
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later

import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'include'))
from hc1_check import expect, summary  # noqa: E402
import gguf_check  # noqa: E402

def sha(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def data_section(path):
    _, tensors, start, size = gguf_check.parse(path)
    with open(path, 'rb') as f:
        f.seek(start)
        return f.read()


def main():
    mk, tok, cfg, default = sys.argv[1:5]
    with tempfile.TemporaryDirectory(prefix='hc1-determinism-') as d:
        def gen(name, *args):
            out = os.path.join(d, name)
            subprocess.run([mk, *args, '-o', out], check=True)
            return out

        tokargs = ['--tokenizer', tok, '--tokenizer-config', cfg]
        a = gen('a.gguf', '--shape', 'tiny', '--no-tokenizer', '--threads',
                '1')
        b = gen('b.gguf', '--shape', 'tiny', '--no-tokenizer', '--threads',
                '3')
        expect(sha(a) == sha(b), 'tiny f16: 1 thread == 3 threads')

        c = gen('c.gguf', '--shape', 'tiny', '--type', 'q4_k_m',
                '--threads', '2', *tokargs)
        e = gen('e.gguf', '--shape', 'tiny', '--type', 'q4_k_m',
                '--threads', '1', *tokargs)
        expect(sha(c) == sha(e), 'tiny q4_k_m with tokenizer: two runs agree')

        f = gen('f.gguf', '--shape', 'tiny', '--type', 'f16', *tokargs)
        expect(data_section(f) == data_section(a),
               'the weights do not depend on the tokenizer')

        g = gen('g.gguf', '--shape', 'tiny', '--no-tokenizer', '--seed', '2')
        da, dg = data_section(a), data_section(g)
        expect(len(da) == len(dg) and da != dg,
               'another seed gives other weights of the same size')
        same = sum(1 for i in range(0, len(da), 2) if da[i:i + 2] ==
                   dg[i:i + 2])
        expect(same < len(da) // 2 // 20,
               'seeds 1 and 2 share few f16 values (%d of %d)'
               % (same, len(da) // 2))

        # The embedded default model, regenerated as meson makes it.
        h = gen('hc1-default.gguf', '--shape', 'default', '--type', 'f16',
                '--seed', '1', '--name', 'hc1-default', *tokargs)
        expect(sha(h) == sha(default),
               'hc1-default.gguf is reproduced (sha256 %s)' % sha(default))
        expect(sorted(os.listdir(d)) == sorted(
            ['a.gguf', 'b.gguf', 'c.gguf', 'e.gguf', 'f.gguf', 'g.gguf',
             'hc1-default.gguf']), 'no temporary files are left behind')
    return summary()


if __name__ == '__main__':
    sys.exit(main())
