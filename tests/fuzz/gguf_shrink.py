#!/usr/bin/env python3
"""Shrink a Llama GGUF model into a small seed for the GGUF fuzzer.

A real model is megabytes of tensor data around a few kilobytes of what
the loader actually parses, and libFuzzer mutates slowly what it cannot
keep in cache. The seed keeps the file's own metadata (key names, value
types, chat template, tokenizer kind and flags, tensor types and order),
but one layer, two heads, the smallest embedding the tensor types allow,
and a few hundred tokens of its vocabulary, so that it still loads and
still builds a tokenizer.

usage: gguf_shrink.py OUT_DIR MODEL.gguf...   (absent models are skipped)
"""

import os
import struct
import sys

# ggml type: (elements per block, bytes per block)
BLOCKS = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22),
          7: (32, 24), 8: (32, 34), 9: (32, 36), 10: (256, 84),
          11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210),
          15: (256, 292), 30: (1, 2)}

# GGUF value types with a fixed size: struct format.
SCALARS = {0: '<B', 1: '<b', 2: '<H', 3: '<h', 4: '<I', 5: '<i', 6: '<f',
           7: '<?', 10: '<Q', 11: '<q', 12: '<d'}
T_STRING, T_ARRAY = 8, 9

KEEP_LOW_IDS = 300      # the first ids: bytes and the commonest merges
MAX_VOCAB = 700


class Reader:
    def __init__(self, data):
        self.d, self.p = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.p)[0]
        self.p += struct.calcsize(fmt)
        return v

    def string(self):
        n = self.take('<Q')
        s = self.d[self.p:self.p + n]
        self.p += n
        return bytes(s)

    def value(self, t):
        if t == T_STRING:
            return self.string()
        if t == T_ARRAY:
            et, n = self.take('<I'), self.take('<Q')
            return (et, [self.value(et) for _ in range(n)])
        return self.take(SCALARS[t])


def put_value(out, t, v):
    if t == T_STRING:
        out += struct.pack('<Q', len(v)) + v
    elif t == T_ARRAY:
        et, items = v
        out += struct.pack('<IQ', et, len(items))
        for x in items:
            put_value(out, et, x)
    else:
        out += struct.pack(SCALARS[t], v)


def parse(data):
    r = Reader(data)
    if r.take('<I') != 0x46554747:
        raise ValueError('not a GGUF file')
    version, n_tensors, n_kv = r.take('<I'), r.take('<Q'), r.take('<Q')
    kvs = []
    for _ in range(n_kv):
        key, t = r.string(), r.take('<I')
        kvs.append([key.decode(), t, r.value(t)])
    tensors = []
    for _ in range(n_tensors):
        name, nd = r.string().decode(), r.take('<I')
        ne = [r.take('<Q') for _ in range(nd)]
        tensors.append((name, ne, r.take('<I'), r.take('<Q')))
    return version, kvs, tensors


def pick_vocab(kv):
    """The ids to keep: low ids, single characters, named specials."""
    tokens = kv['tokenizer.ggml.tokens'][2][1]
    types = kv.get('tokenizer.ggml.token_type', [0, 0, (0, [])])[2][1]
    keep = set(range(min(KEEP_LOW_IDS, len(tokens))))
    for i, tok in enumerate(tokens):
        if len(tok.decode('utf-8', 'replace')) == 1:
            keep.add(i)
    for key, (_, _, v) in kv.items():
        if key.startswith('tokenizer.ggml.') and key.endswith('_token_id'):
            if isinstance(v, int) and 0 <= v < len(tokens):
                keep.add(v)
    for i, t in enumerate(types):
        if t == 3 and b'reserved' not in tokens[i]:
            keep.add(i)
    return sorted(keep)[:MAX_VOCAB]


def shrink(data):
    version, kvs, tensors = parse(data)
    kv = {k[0]: k for k in kvs}
    mats = [t for t in tensors if len(t[1]) == 2]
    blk = max([BLOCKS.get(t[2], (1, 0))[0] for t in mats] + [16])
    E = F = blk
    head_dim = E // 2

    old_vocab = None
    remap = {}
    if 'tokenizer.ggml.tokens' in kv:
        ids = pick_vocab(kv)
        remap = {old: new for new, old in enumerate(ids)}
        n_vocab = len(ids)
        for key in ('tokenizer.ggml.tokens', 'tokenizer.ggml.scores',
                    'tokenizer.ggml.token_type'):
            if key in kv:
                et, items = kv[key][2]
                kv[key][2] = (et, [items[i] for i in ids])
        kept = set(kv['tokenizer.ggml.tokens'][2][1])
        if 'tokenizer.ggml.merges' in kv:
            et, items = kv['tokenizer.ggml.merges'][2]
            good = []
            for m in items:
                parts = m.split(b' ')
                if (len(parts) == 2 and parts[0] in kept and
                        parts[1] in kept and parts[0] + parts[1] in kept):
                    good.append(m)
            kv['tokenizer.ggml.merges'][2] = (et, good)
    else:
        n_vocab = 64
    new_arch = {
        'llama.block_count': 1, 'llama.embedding_length': E,
        'llama.feed_forward_length': F, 'llama.attention.head_count': 2,
        'llama.attention.head_count_kv': 1,
        'llama.rope.dimension_count': head_dim, 'llama.vocab_size': n_vocab,
    }
    out_kvs = []
    for key, t, v in kvs:
        if key in ('llama.attention.key_length',
                   'llama.attention.value_length'):
            continue
        if key in new_arch:
            v = new_arch[key]
        elif key.startswith('tokenizer.ggml.') and key.endswith('_token_id'):
            if not isinstance(v, int) or v not in remap:
                continue
            v = remap[v]
        out_kvs.append((key, t, v))
    alignment = kv.get('general.alignment', [0, 0, 32])[2]

    shapes = {
        'token_embd.weight': [E, n_vocab], 'output.weight': [E, n_vocab],
        'output_norm.weight': [E], 'rope_freqs.weight': [head_dim // 2],
        'blk.0.attn_norm.weight': [E], 'blk.0.ffn_norm.weight': [E],
        'blk.0.attn_q.weight': [E, E], 'blk.0.attn_k.weight': [E, head_dim],
        'blk.0.attn_v.weight': [E, head_dim],
        'blk.0.attn_output.weight': [E, E],
        'blk.0.ffn_gate.weight': [E, F], 'blk.0.ffn_up.weight': [E, F],
        'blk.0.ffn_down.weight': [F, E],
    }
    out_tensors = []
    offset = 0
    for name, _, ttype, _ in tensors:
        if name not in shapes:
            continue
        ne = shapes[name]
        be, bb = BLOCKS[ttype]
        nbytes = ne[0] // be * bb * (ne[1] if len(ne) > 1 else 1)
        if name == 'rope_freqs.weight':
            payload = struct.pack('<f', 1.0) * ne[0]
        else:
            # Bytes below 0x40 make every float, half and scale finite.
            payload = bytes((i * 37 + len(out_tensors) * 11) & 0x3f
                            for i in range(nbytes))
        out_tensors.append((name, ne, ttype, offset, payload))
        offset += (nbytes + alignment - 1) // alignment * alignment

    out = bytearray(struct.pack('<IIQQ', 0x46554747, version,
                                len(out_tensors), len(out_kvs)))
    for key, t, v in out_kvs:
        put_value(out, T_STRING, key.encode())
        out += struct.pack('<I', t)
        put_value(out, t, v)
    for name, ne, ttype, off, _ in out_tensors:
        put_value(out, T_STRING, name.encode())
        out += struct.pack('<I', len(ne))
        out += b''.join(struct.pack('<Q', n) for n in ne)
        out += struct.pack('<IQ', ttype, off)
    out += bytes(-len(out) % alignment)
    base = len(out)
    for _, _, _, off, payload in out_tensors:
        out += bytes(base + off - len(out))
        out += payload
    out += bytes(-len(out) % alignment)
    return bytes(out)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in sys.argv[2:]:
        if not os.path.exists(path):
            print(f'gguf_shrink: {path} absent, skipped')
            continue
        with open(path, 'rb') as f:
            seed = shrink(f.read())
        name = os.path.splitext(os.path.basename(path))[0] + '.gguf'
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(seed)


if __name__ == '__main__':
    main()
