#!/usr/bin/python3
# hc1-mkmodel's command line: every bad option or input file gives one
# clear line on stderr starting with "hc1-mkmodel: ", a non-zero exit
# status, and no output file (nor FILE.tmp) left behind.
#
#   cli_errors.py MKMODEL TOKENIZER_JSON TOKENIZER_CONFIG
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'include'))
from hc1_check import expect, summary  # noqa: E402

def main():
    mk, tok, cfg = sys.argv[1:4]
    with tempfile.TemporaryDirectory(prefix='hc1-cli-') as d:
        out = os.path.join(d, 'out.gguf')
        bad_json = os.path.join(d, 'bad.json')
        with open(bad_json, 'w') as f:
            f.write('{"model": {"type": "BPE",}}\n')
        empty_obj = os.path.join(d, 'empty.json')
        with open(empty_obj, 'w') as f:
            f.write('{}\n')
        tk = ['--tokenizer', tok, '--tokenizer-config', cfg]
        nt = ['--no-tokenizer']
        cases = [
            ([], 'give --shape NAME'),
            (['--shape', 'huge', '-o', out] + nt, "unknown shape 'huge'"),
            (['--shape', 'tiny', '--type', 'q3_k', '-o', out] + nt,
             "unknown type 'q3_k'"),
            (['--shape', 'tiny', '--dim', '66', '-o', out] + nt,
             'dim 66 is not a multiple of heads 4'),
            (['--shape', 'tiny', '--kv-heads', '3', '-o', out] + nt,
             'heads 4 is not a multiple of kv-heads 3'),
            (['--shape', 'tiny', '--dim', '36', '--heads', '4', '-o', out]
             + nt, 'head dimension 9 is odd'),
            (['--dim', '64', '--layers', '0', '--heads', '4', '--ff', '8',
              '-o', out] + nt, 'must all be positive'),
            (['--dim', '64', '--heads', '4', '-o', out] + nt,
             'all of --dim, --layers, --heads and --ff'),
            (['--shape', 'tiny', '--seed', '-1', '-o', out] + nt,
             "'-1' is not a non-negative integer"),
            (['--shape', 'tiny', '--seed', '12x', '-o', out] + nt,
             "'12x' is not a non-negative integer"),
            (['--shape', 'tiny', '--seed', '99999999999999999999', '-o', out]
             + nt, 'not a non-negative integer'),
            (['--shape', 'tiny', '--threads', '0', '-o', out] + nt,
             'at least 1'),
            (['--shape', 'tiny', '--bogus', '-o', out] + nt,
             'unknown option --bogus'),
            (['--shape'], '--shape needs an argument'),
            (['--shape', 'tiny', 'extra', '-o', out] + nt,
             "unexpected argument 'extra'"),
            (['--shape', 'tiny'] + nt, 'no output file'),
            (['--shape', 'tiny', '-o', out], 'no tokenizer'),
            (['--shape', 'tiny', '--tokenizer', tok, '-o', out],
             'no chat template'),
            (['--shape', 'tiny', '--tokenizer', tok, '-o', out] + nt,
             'conflicts'),
            (['--shape', 'tiny', '--name', '', '-o', out] + nt,
             'must not be empty'),
            (['--shape', 'tiny', '--tokenizer', os.path.join(d, 'none.json'),
              '--tokenizer-config', cfg, '-o', out],
             'none.json: No such file or directory'),
            (['--shape', 'tiny', '--tokenizer', bad_json,
              '--tokenizer-config', cfg, '-o', out],
             'invalid JSON: line 1 column 26: trailing comma in object'),
            (['--shape', 'tiny', '--tokenizer', empty_obj,
              '--tokenizer-config', cfg, '-o', out],
             'model.type is not "BPE"'),
            (['--shape', 'tiny', '--tokenizer', tok,
              '--tokenizer-config', empty_obj, '-o', out],
             'chat_template is not a non-empty string'),
            (['--shape', 'tiny', '-o', os.path.join(d, 'no', 'dir.gguf')]
             + nt, 'dir.gguf.tmp: No such file or directory'),
            (['--shape', 'tiny', '-o', out, '--chat-template',
              os.path.join(d, 'none.txt')] + tk,
             'none.txt: No such file or directory'),
        ]
        for args, want in cases:
            p = subprocess.run([mk] + args, capture_output=True, text=True)
            lines = p.stderr.splitlines()
            problems = []
            if p.returncode == 0:
                problems.append('exit status 0')
            if len(lines) != 1:
                problems.append('%d lines on stderr' % len(lines))
            elif not lines[0].startswith('hc1-mkmodel: '):
                problems.append('no "hc1-mkmodel: " prefix')
            if want not in p.stderr:
                problems.append('message lacks %r' % want)
            if p.stdout:
                problems.append('output on stdout')
            left = [n for n in os.listdir(d) if n.startswith('out.gguf')]
            if left:
                problems.append('left behind: %s' % left)
            if problems:
                expect(False, '%s: %s (stderr: %r)' % (
                    ' '.join(args), '; '.join(problems), p.stderr))
            else:
                expect(True, '%s -> %s' % (' '.join(args) or '(no options)',
                                           lines[0]))

        p = subprocess.run([mk, '--help'], capture_output=True, text=True)
        expect(p.returncode == 0 and 'Usage: hc1-mkmodel' in p.stdout and
               not p.stderr, '--help')

        # A good run replaces an existing file and leaves no .tmp.
        with open(out, 'w') as f:
            f.write('old')
        p = subprocess.run([mk, '--shape', 'tiny', '-o', out] + nt,
                           capture_output=True, text=True)
        expect(p.returncode == 0 and not p.stderr and
               os.path.getsize(out) > 1000000 and
               not os.path.exists(out + '.tmp'),
               'a good run replaces the old file, quietly (%d %r)' % (
                   p.returncode, p.stderr))
    return summary()


if __name__ == '__main__':
    sys.exit(main())
