#!/usr/bin/python3
# Compare hc1-mkmodel's output with the team's reference models in
# shared/models (made with llama.cpp's tools): the tokenizer arrays
# (tokens, token types, merges) must be identical, and so must the
# llama.* hyper-parameters, the tensor names, shapes and types, and the
# Q4_K_M type mix. Exits 77 (skipped) when the reference is absent.
#
#   compare_shared.py MKMODEL TOKENIZER_JSON TOKENIZER_CONFIG SHARED_DIR
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'include'))
from hc1_check import expect, summary  # noqa: E402
import gguf_check  # noqa: E402

def main():
    mk, tok, cfg, shared = sys.argv[1:5]
    tiny_ref = os.path.join(shared, 'models', 'llama31-tiny-f16.gguf')
    small_ref = os.path.join(shared, 'models',
                             'llama31-small-tied-q4_k_m.gguf')
    if not os.path.exists(tiny_ref):
        print('skip: %s is not there (shared data absent)' % tiny_ref)
        return 77
    with tempfile.TemporaryDirectory(prefix='hc1-shared-') as d:
        ours = os.path.join(d, 'tiny.gguf')
        subprocess.run([mk, '--shape', 'tiny', '--type', 'f16',
                        '--tokenizer', tok, '--tokenizer-config', cfg,
                        '-o', ours], check=True)
        kv, tensors, _, _ = gguf_check.parse(ours)
        rkv, rtensors, _, _ = gguf_check.parse(tiny_ref)
        for key in ('tokenizer.ggml.tokens', 'tokenizer.ggml.token_type',
                    'tokenizer.ggml.merges'):
            expect(kv[key] == rkv[key], '%s identical to %s (%d entries)'
                   % (key, os.path.basename(tiny_ref), len(rkv[key][1][1])))
        for key in sorted(k for k in rkv if k.startswith('tokenizer.ggml.')
                          and k not in ('tokenizer.ggml.tokens',
                                        'tokenizer.ggml.token_type',
                                        'tokenizer.ggml.merges')):
            expect(kv.get(key) == rkv[key], '%s = %r' % (key, rkv[key][1]))
        for key in sorted(k for k in rkv if k.startswith('llama.')):
            expect(kv.get(key) == rkv[key], '%s = %r' % (key, rkv[key][1]))
        expect(kv['general.file_type'] == rkv['general.file_type'],
               'general.file_type')
        shapes = {t['name']: (t['ne'], t['type']) for t in tensors}
        rshapes = {t['name']: (t['ne'], t['type']) for t in rtensors}
        expect(shapes == rshapes, 'tensor names, shapes and types (%d '
               'tensors)' % len(rshapes))
        ours_rf = gguf_check.decode([t for t in tensors
                                     if t['name'] == 'rope_freqs.weight'][0],
                                    8)
        ref_rf = gguf_check.decode([t for t in rtensors
                                    if t['name'] == 'rope_freqs.weight'][0],
                                   8)
        expect(all(abs(a - b) <= 1e-6 * b for a, b in zip(ours_rf, ref_rf)),
               'rope_freqs within 1e-6 of the reference: %s' % ref_rf)
        if kv['tokenizer.chat_template'] != rkv['tokenizer.chat_template']:
            print('note: chat templates differ (%d vs %d characters): the '
                  'npm tokenizer_config.json carries a different template'
                  % (len(kv['tokenizer.chat_template'][1]),
                     len(rkv['tokenizer.chat_template'][1])))

        if os.path.exists(small_ref):
            ours = os.path.join(d, 'small.gguf')
            subprocess.run([mk, '--shape', 'small', '--type', 'q4_k_m',
                            '--no-tokenizer', '-o', ours], check=True)
            _, tensors, _, _ = gguf_check.parse(ours)
            _, rtensors, _, _ = gguf_check.parse(small_ref)
            ty = {t['name']: t['type'] for t in tensors}
            rty = {t['name']: t['type'] for t in rtensors}
            expect(set(ty) == set(rty), 'small: same tensor names')
            # The reference was made with --output-tensor-type q4_K, so
            # its tied token_embd is Q4_K; llama.cpp's default (ours) is
            # Q6_K. Every other tensor must agree.
            diff = sorted(n for n in rty if n != 'token_embd.weight'
                          and ty.get(n) != rty[n])
            expect(not diff, 'small q4_k_m: the type of every tensor but '
                   'token_embd matches llama-quantize%s'
                   % (': differ: %s' % diff[:4] if diff else ''))
            six = sorted(int(n.split('.')[1]) for n in rty
                         if n.endswith('attn_v.weight') and
                         rty[n] == gguf_check.Q6_K)
            expect(six == [0, 3, 6, 7], 'small: attn_v Q6_K in layers %s'
                   % six)
        else:
            print('skip: %s is not there' % small_ref)
    return summary()


if __name__ == '__main__':
    sys.exit(main())
