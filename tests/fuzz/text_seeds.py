#!/usr/bin/env python3
"""Write seed inputs for fuzz-toktext: one file per text.

Each seed is one byte choosing the vocabulary (0 and 1: the first two
blobs fuzz-toktext is given) followed by the text. The texts are the
cases of llama.cpp's reference tokenizations in the shared models (when
present) and a few of our own that reach the pre-tokenizer's corners.

usage: text_seeds.py OUT_DIR [REFERENCE.json...]
"""

import json
import os
import sys

OWN = [
    'Hello, world!',
    '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n'
    'Hi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    "don't WON'T it's  I'M   you'VE",
    '   \t\n\r\n  \u00a0\u2003 trailing   ',
    '3.14159 1234567 -0.5e-9 \u0661\u0662\u0663',
    '\u00e9\u00e8 na\u00efve \u4f60\u597d\uff0c\u4e16\u754c \U0001f600\U0001f680',
    '\u2581leading\u2581block <0x41> <unk> </s> <s>',
    '<|reserved_special_token_5|><|eom_id|><|python_tag|>x<|',
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    texts = list(OWN)
    for path in sys.argv[2:]:
        if os.path.exists(path):
            with open(path, encoding='utf-8') as f:
                cases = json.load(f).get('cases', [])
            texts += [c['text'] for c in cases if 'text' in c]
    for i, text in enumerate(texts):
        for vocab in (0, 1):
            name = os.path.join(out, f'text-{i:03d}-{vocab}')
            with open(name, 'wb') as f:
                f.write(bytes([vocab]) + text.encode('utf-8'))


if __name__ == '__main__':
    main()
