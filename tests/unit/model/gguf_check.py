#!/usr/bin/python3
# An independent checker for the GGUF files hc1-mkmodel writes.
#
# Parses the whole file (header, every metadata key with its type,
# tensor infos, alignment, offsets and sizes) without any code from the
# generator, and asserts that it is the Llama 3.1 model that was asked
# for: hyper-parameters, tokenizer, tensor names, shapes and types,
# rope scaling factors, and weight statistics (decoded from every
# tensor type the generator writes).
#
#   gguf_check.py FILE --shape tiny --type f16 [--name N] [--no-tokenizer]
#   gguf_check.py --generate MKMODEL --tokenizer T --tokenizer-config C
#                 --shape tiny --type q4_k_m [--seed N]
#
# Python 3 standard library only.
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later

import argparse
import math
import mmap
import os
import struct
import subprocess
import sys
import tempfile

# GGUF metadata value types.
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, \
    UINT64, INT64, FLOAT64 = range(13)
SCALAR = {UINT8: '<B', INT8: '<b', UINT16: '<H', INT16: '<h', UINT32: '<I',
          INT32: '<i', FLOAT32: '<f', BOOL: '<B', UINT64: '<Q', INT64: '<q',
          FLOAT64: '<d'}

# ggml tensor types: name, values per block, bytes per block.
F32, F16, Q4_0, Q8_0, Q4_K, Q6_K, BF16 = 0, 1, 2, 8, 12, 14, 30
GGML = {F32: ('F32', 1, 4), F16: ('F16', 1, 2), Q4_0: ('Q4_0', 32, 18),
        Q8_0: ('Q8_0', 32, 34), Q4_K: ('Q4_K', 256, 144),
        Q6_K: ('Q6_K', 256, 210), BF16: ('BF16', 1, 2)}

FILE_TYPE_ID = {'f32': 0, 'f16': 1, 'q4_0': 2, 'q8_0': 7, 'q4_k_m': 15,
                'bf16': 32}

SHAPES = {
    'tiny': dict(dim=64, layers=2, heads=4, kv_heads=2, ff=192, tied=False),
    'default': dict(dim=256, layers=4, heads=8, kv_heads=2, ff=896,
                    tied=False),
    'small': dict(dim=512, layers=8, heads=8, kv_heads=4, ff=1536,
                  tied=True),
    'medium': dict(dim=2048, layers=16, heads=32, kv_heads=8, ff=5632,
                   tied=False),
}

N_VOCAB = 128256
N_BPE = 128000
N_MERGES = 280147
SAMPLE = 1 << 16            # values decoded per tensor for statistics


class CheckError(Exception):
    pass


def require(cond, msg):
    if not cond:
        raise CheckError(msg)


def f32(v):
    return struct.unpack('<f', struct.pack('<f', v))[0]


class Reader:
    """Bounds-checked little-endian reader over the file."""

    def __init__(self, buf):
        self.buf = buf
        self.off = 0

    def take(self, n):
        require(n >= 0 and self.off + n <= len(self.buf),
                'read of %d bytes at offset %d runs past the end of the file'
                % (n, self.off))
        b = self.buf[self.off:self.off + n]
        self.off += n
        return b

    def scalar(self, t):
        fmt = SCALAR[t]
        v = struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]
        if t == BOOL:
            require(v in (0, 1), 'bool value %d at offset %d'
                    % (v, self.off - 1))
            v = bool(v)
        return v

    def string(self):
        n = self.scalar(UINT64)
        raw = self.take(n)
        try:
            return raw.decode('utf-8')
        except UnicodeDecodeError:
            raise CheckError('string at offset %d is not UTF-8'
                             % (self.off - n))

    def value(self, t):
        if t in SCALAR:
            return self.scalar(t)
        if t == STRING:
            return self.string()
        if t == ARRAY:
            et = self.scalar(UINT32)
            n = self.scalar(UINT64)
            require(et != ARRAY, 'nested arrays are not expected')
            require(et in SCALAR or et == STRING,
                    'array of unknown type %d' % et)
            return (et, [self.value(et) for _ in range(n)])
        raise CheckError('unknown metadata value type %d' % t)


def parse(path):
    """Returns (kv {key: (type, value)}, tensors [dict], data_start, size)."""
    f = open(path, 'rb')
    size = os.fstat(f.fileno()).st_size
    require(size >= 24, 'file too short for a GGUF header')
    buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    r = Reader(buf)
    require(r.take(4) == b'GGUF', 'bad magic')
    require(r.scalar(UINT32) == 3, 'GGUF version is not 3')
    n_tensors = r.scalar(UINT64)
    n_kv = r.scalar(UINT64)
    require(n_tensors < 100000 and n_kv < 10000, 'absurd counts')
    kv = {}
    for _ in range(n_kv):
        key = r.string()
        require(key not in kv, 'duplicate key %s' % key)
        t = r.scalar(UINT32)
        kv[key] = (t, r.value(t))
    tensors = []
    names = set()
    for _ in range(n_tensors):
        name = r.string()
        require(name not in names, 'duplicate tensor %s' % name)
        names.add(name)
        nd = r.scalar(UINT32)
        require(1 <= nd <= 4, '%s: %d dimensions' % (name, nd))
        ne = [r.scalar(UINT64) for _ in range(nd)]
        t = r.scalar(UINT32)
        require(t in GGML, '%s: unexpected ggml type %d' % (name, t))
        off = r.scalar(UINT64)
        tensors.append(dict(name=name, ne=ne, type=t, offset=off))
    align = 32
    if 'general.alignment' in kv:
        require(kv['general.alignment'][0] == UINT32,
                'general.alignment is not u32')
        align = kv['general.alignment'][1]
        require(align > 0 and align & (align - 1) == 0,
                'alignment %d is no power of two' % align)
    data_start = (r.off + align - 1) // align * align
    require(all(b == 0 for b in buf[r.off:data_start]),
            'header padding is not zero')
    end = 0
    for t in tensors:
        _, bv, bb = GGML[t['type']]
        n = 1
        for d in t['ne']:
            require(d > 0, '%s: zero dimension' % t['name'])
            n *= d
        require(t['ne'][0] % bv == 0, '%s: row %d not a multiple of the '
                'block %d' % (t['name'], t['ne'][0], bv))
        t['n'] = n
        t['nbytes'] = n // bv * bb
        require(t['offset'] % align == 0, '%s: offset %d is not aligned'
                % (t['name'], t['offset']))
        require(t['offset'] >= end, '%s: overlaps the previous tensor'
                % t['name'])
        end = t['offset'] + t['nbytes']
        require(data_start + end <= size, '%s: data runs past the end of '
                'the file' % t['name'])
        t['data'] = (buf, data_start + t['offset'])
    require(size == data_start + (end + align - 1) // align * align,
            'file size %d: expected the data to end at %d (aligned)'
            % (size, data_start + end))
    return kv, tensors, data_start, size


# ---- decoding --------------------------------------------------------------

def half(b, o):
    return struct.unpack_from('<e', b, o)[0]


def decode(t, count):
    """The first @count values of tensor @t as floats."""
    buf, base = t['data']
    typ = t['type']
    _, bv, bb = GGML[typ]
    count = min(count, t['n'])
    nblocks = (count + bv - 1) // bv
    raw = buf[base:base + nblocks * bb]
    out = []
    if typ == F32:
        out = list(struct.unpack('<%df' % count, raw[:4 * count]))
    elif typ == F16:
        out = list(struct.unpack('<%de' % count, raw[:2 * count]))
    elif typ == BF16:
        hs = struct.unpack('<%dH' % count, raw[:2 * count])
        out = [struct.unpack('<f', struct.pack('<I', h << 16))[0] for h in hs]
    elif typ == Q8_0:
        for k in range(nblocks):
            b = raw[k * 34:(k + 1) * 34]
            d = half(b, 0)
            out.extend(d * q for q in struct.unpack('<32b', b[2:34]))
    elif typ == Q4_0:
        for k in range(nblocks):
            b = raw[k * 18:(k + 1) * 18]
            d = half(b, 0)
            qs = b[2:18]
            out.extend(d * ((x & 15) - 8) for x in qs)
            out.extend(d * ((x >> 4) - 8) for x in qs)
    elif typ == Q4_K:
        for k in range(nblocks):
            b = raw[k * 144:(k + 1) * 144]
            d, dmin = half(b, 0), half(b, 2)
            sc, qs = b[4:16], b[16:144]
            for j in range(8):
                if j < 4:
                    s, m = sc[j] & 63, sc[j + 4] & 63
                else:
                    s = (sc[j + 4] & 15) | ((sc[j - 4] >> 6) << 4)
                    m = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4)
                chunk = qs[32 * (j // 2):32 * (j // 2) + 32]
                for x in chunk:
                    q = (x >> 4) if j & 1 else (x & 15)
                    out.append(d * s * q - dmin * m)
    elif typ == Q6_K:
        for k in range(nblocks):
            b = raw[k * 210:(k + 1) * 210]
            ql, qh = b[0:128], b[128:192]
            sc = struct.unpack('<16b', b[192:208])
            d = half(b, 208)
            y = [0.0] * 256
            for h in range(2):
                for l in range(32):
                    hb = qh[32 * h + l]
                    lo, hi = ql[64 * h + l], ql[64 * h + l + 32]
                    s = 8 * h + l // 16
                    q = ((lo & 15) | ((hb & 3) << 4),
                         (hi & 15) | (((hb >> 2) & 3) << 4),
                         (lo >> 4) | (((hb >> 4) & 3) << 4),
                         (hi >> 4) | (((hb >> 6) & 3) << 4))
                    for i in range(4):
                        y[128 * h + l + 32 * i] = \
                            d * sc[s + 2 * i] * (q[i] - 32)
            out.extend(y)
    return out[:count]


# ---- expectations ----------------------------------------------------------

def more_bits(layer, n):
    # llama.cpp's Q4_K_M rule: first and last eighth, every third between.
    return layer < n // 8 or layer >= 7 * n // 8 or (layer - n // 8) % 3 == 2


def expected_type(ftype, role, layer, n_layers, row, tied):
    base = {'f32': F32, 'f16': F16, 'bf16': BF16, 'q8_0': Q8_0,
            'q4_0': Q4_0, 'q4_k_m': Q4_K}[ftype]
    if role == 'output' or (tied and role == 'token_embd'):
        t = Q6_K if ftype in ('q4_0', 'q4_k_m') else base
    elif (ftype == 'q4_k_m' and role in ('attn_v', 'ffn_down')
          and more_bits(layer, n_layers)):
        t = Q6_K
    else:
        t = base
    if row % GGML[t][1] != 0:
        t = Q8_0 if row % 32 == 0 else F16
    return t


def rope_divisors(head_dim):
    out = []
    for i in range(head_dim // 2):
        freq = 500000.0 ** (-2.0 * i / head_dim)
        wavelen = 2 * math.pi / freq
        if wavelen < 8192 / 4.0:
            out.append(1.0)
        elif wavelen > 8192 / 1.0:
            out.append(8.0)
        else:
            smooth = (8192 / wavelen - 1.0) / (4.0 - 1.0)
            out.append(1.0 / ((1 - smooth) / 8.0 + smooth))
    return out


def special_name(tid):
    named = {128000: '<|begin_of_text|>', 128001: '<|end_of_text|>',
             128004: '<|finetune_right_pad_id|>',
             128006: '<|start_header_id|>', 128007: '<|end_header_id|>',
             128008: '<|eom_id|>', 128009: '<|eot_id|>',
             128010: '<|python_tag|>'}
    if tid in named:
        return named[tid]
    k = sum(1 for i in range(N_BPE, tid) if i not in named)
    return '<|reserved_special_token_%d|>' % k


def expect_kv(kv, key, typ, value=None):
    require(key in kv, 'missing key %s' % key)
    t, v = kv[key]
    require(t == typ, '%s has type %d, expected %d' % (key, t, typ))
    if value is not None:
        require(v == value, '%s = %r, expected %r' % (key, v, value))
    return v


def check_tokenizer(kv):
    expect_kv(kv, 'tokenizer.ggml.model', STRING, 'gpt2')
    expect_kv(kv, 'tokenizer.ggml.pre', STRING, 'llama-bpe')
    et, tokens = expect_kv(kv, 'tokenizer.ggml.tokens', ARRAY)
    require(et == STRING, 'tokens are not strings')
    require(len(tokens) == N_VOCAB, '%d tokens' % len(tokens))
    require(len(set(tokens)) == N_VOCAB, 'duplicate token strings')
    et, types = expect_kv(kv, 'tokenizer.ggml.token_type', ARRAY)
    require(et == INT32, 'token types are not int32')
    require(len(types) == N_VOCAB, '%d token types' % len(types))
    require(all(x == 1 for x in types[:N_BPE]), 'a BPE token is not normal')
    require(all(x == 3 for x in types[N_BPE:]), 'a special is not control')
    for tid in list(range(128000, 128011)) + [128255]:
        require(tokens[tid] == special_name(tid), 'token %d is %r, expected '
                '%r' % (tid, tokens[tid], special_name(tid)))
    require(tokens[128255] == '<|reserved_special_token_247|>',
            'token 128255 is %r' % tokens[128255])
    for tid in range(N_BPE, N_VOCAB):
        require(tokens[tid] == special_name(tid), 'token %d is %r'
                % (tid, tokens[tid]))
    # Byte-level BPE: the 256 single-byte symbols are all there.
    require(tokens[0] == '!' and 'Ġ' in tokens[:N_BPE], 'odd BPE alphabet')
    et, merges = expect_kv(kv, 'tokenizer.ggml.merges', ARRAY)
    require(et == STRING, 'merges are not strings')
    require(len(merges) == N_MERGES, '%d merges' % len(merges))
    vocab = set(tokens[:N_BPE])
    for m in merges:
        parts = m.split(' ')
        require(len(parts) == 2 and parts[0] and parts[1],
                'merge %r is not "a b"' % m)
        require(parts[0] in vocab and parts[1] in vocab and
                parts[0] + parts[1] in vocab,
                'merge %r does not combine tokens into a token' % m)
    expect_kv(kv, 'tokenizer.ggml.bos_token_id', UINT32, 128000)
    expect_kv(kv, 'tokenizer.ggml.eos_token_id', UINT32, 128009)
    expect_kv(kv, 'tokenizer.ggml.eot_token_id', UINT32, 128009)
    expect_kv(kv, 'tokenizer.ggml.eom_token_id', UINT32, 128008)
    expect_kv(kv, 'tokenizer.ggml.add_bos_token', BOOL, True)
    tmpl = expect_kv(kv, 'tokenizer.chat_template', STRING)
    require('<|start_header_id|>' in tmpl and '<|eot_id|>' in tmpl,
            'chat template does not look like Llama 3')


def check(path, shape, ftype, name=None, tokenizer=True, quiet=False):
    hp = SHAPES[shape]
    dim, layers, ff = hp['dim'], hp['layers'], hp['ff']
    heads, kvh, tied = hp['heads'], hp['kv_heads'], hp['tied']
    head_dim = dim // heads
    kv, tensors, data_start, size = parse(path)

    expect_kv(kv, 'general.architecture', STRING, 'llama')
    if name is not None:
        expect_kv(kv, 'general.name', STRING, name)
    expect_kv(kv, 'general.alignment', UINT32, 32)
    expect_kv(kv, 'general.file_type', UINT32, FILE_TYPE_ID[ftype])
    expect_kv(kv, 'llama.context_length', UINT32, 131072)
    expect_kv(kv, 'llama.embedding_length', UINT32, dim)
    expect_kv(kv, 'llama.block_count', UINT32, layers)
    expect_kv(kv, 'llama.feed_forward_length', UINT32, ff)
    expect_kv(kv, 'llama.attention.head_count', UINT32, heads)
    expect_kv(kv, 'llama.attention.head_count_kv', UINT32, kvh)
    expect_kv(kv, 'llama.rope.freq_base', FLOAT32, 500000.0)
    expect_kv(kv, 'llama.attention.layer_norm_rms_epsilon', FLOAT32,
              f32(1e-5))
    expect_kv(kv, 'llama.rope.dimension_count', UINT32, head_dim)
    expect_kv(kv, 'llama.vocab_size', UINT32, N_VOCAB)
    for bad in ('llama.rope.scaling.factor', 'llama.rope.scaling.type',
                'llama.rope.scale_linear'):
        require(bad not in kv, '%s must not be present' % bad)
    for key, typ in (('llama3.rope_scaling.factor', FLOAT32),
                     ('llama3.rope_scaling.original_max_position_embeddings',
                      UINT32)):
        if key in kv:
            require(kv[key][0] == typ, '%s has the wrong type' % key)
    if tokenizer:
        check_tokenizer(kv)
    else:
        require('tokenizer.ggml.tokens' not in kv, 'unexpected vocabulary')

    # Tensors: names, order-independent set, shapes and types.
    kvdim = head_dim * kvh
    want = {'rope_freqs.weight': ([head_dim // 2], F32),
            'token_embd.weight': ([dim, N_VOCAB],
                                  expected_type(ftype, 'token_embd', 0,
                                                layers, dim, tied)),
            'output_norm.weight': ([dim], F32)}
    if not tied:
        want['output.weight'] = ([dim, N_VOCAB],
                                 expected_type(ftype, 'output', 0, layers,
                                               dim, tied))
    for l in range(layers):
        for role, shp in (('attn_q', [dim, dim]), ('attn_k', [dim, kvdim]),
                          ('attn_v', [dim, kvdim]),
                          ('attn_output', [dim, dim]),
                          ('ffn_gate', [dim, ff]), ('ffn_up', [dim, ff]),
                          ('ffn_down', [ff, dim])):
            want['blk.%d.%s.weight' % (l, role)] = (
                shp, expected_type(ftype, role, l, layers, shp[0], tied))
        want['blk.%d.attn_norm.weight' % l] = ([dim], F32)
        want['blk.%d.ffn_norm.weight' % l] = ([dim], F32)
    got = {t['name']: t for t in tensors}
    require(set(got) == set(want), 'tensor set differs: missing %s, extra %s'
            % (sorted(set(want) - set(got))[:5],
               sorted(set(got) - set(want))[:5]))
    for n, (shp, typ) in want.items():
        require(got[n]['ne'] == shp, '%s has shape %s, expected %s'
                % (n, got[n]['ne'], shp))
        require(got[n]['type'] == typ, '%s has type %s, expected %s'
                % (n, GGML[got[n]['type']][0], GGML[typ][0]))

    # Rope scaling factors.
    rf = decode(got['rope_freqs.weight'], head_dim // 2)
    for i, (a, b) in enumerate(zip(rf, rope_divisors(head_dim))):
        require(abs(a - b) <= 1e-6 * b, 'rope_freqs[%d] = %r, expected %r'
                % (i, a, b))
    require(all(x <= y for x, y in zip(rf, rf[1:])), 'rope_freqs not sorted')

    # Weights: statistics of a sample of each tensor.
    for t in tensors:
        n = t['name']
        if n == 'rope_freqs.weight':
            continue
        role = n.split('.')[-2]
        if role.endswith('norm'):
            mean, std = (3.0, 0.3) if (tied and role == 'output_norm') \
                else (1.0, 0.1)
        elif role == 'token_embd':
            mean, std = 0.0, (1.0 / math.sqrt(dim) if tied else 1.0)
        elif role == 'output':
            mean, std = 0.0, 3.0 / math.sqrt(dim)
        elif role == 'ffn_down':
            mean, std = 0.0, 1.0 / math.sqrt(ff)
        else:
            mean, std = 0.0, 1.0 / math.sqrt(dim)
        vals = decode(t, SAMPLE)
        k = len(vals)
        require(all(math.isfinite(v) for v in vals), '%s: non-finite' % n)
        m = sum(vals) / k
        s = math.sqrt(sum((v - m) ** 2 for v in vals) / (k - 1))
        quant = t['type'] in (Q4_0, Q4_K)
        tol_m = 6 * std / math.sqrt(k) + (0.02 * std if quant else 0)
        tol_s = 6 * std / math.sqrt(2 * k) + (0.06 * std if quant else
                                               0.01 * std)
        require(abs(m - mean) <= tol_m, '%s: mean %.5f, expected %.5f'
                % (n, m, mean))
        require(abs(s - std) <= tol_s, '%s: std %.5f, expected %.5f'
                % (n, s, std))
        if k >= 4096:
            inside = sum(1 for v in vals if abs(v - mean) <= std) / k
            require(abs(inside - 0.6827) < 0.03, '%s: %.3f of the values '
                    'within one std, not normal' % (n, inside))
        if t['type'] in (F32, F16):
            require(all(f32(struct.unpack('<e', struct.pack('<e', v))[0])
                        == v for v in vals),
                    '%s: values are not on the float16 grid' % n)
        require(len(set(vals)) > min(k, 64) // 2,
                '%s: values are suspiciously repetitive' % n)
    if not quiet:
        print('ok: %s (%s, %s): %d metadata keys, %d tensors, %d bytes'
              % (os.path.basename(path), shape, ftype, len(kv), len(tensors),
                 size))
    return kv, tensors


def block_bound(typ, ref):
    """Largest error the format allows for the values @ref of one block."""
    amax = max(abs(v) for v in ref)
    if typ == Q8_0:
        return amax / 250.0       # half a step of amax/127, d rounded up
    if typ == Q4_0:
        return amax / 7.9         # one step of amax/8 (the clamped level)
    if typ == Q4_K:
        rng = max(ref) - min(min(ref), 0.0)
        return rng / 29.0         # half of ~range/15, scales rounded up
    if typ == Q6_K:
        return amax / 61.0        # half of ~amax/31, scales rounded up
    if typ == BF16:
        return amax * 2.0 ** -8   # 8 significant bits, nearest
    return 0.0


def compare(path, ref_path, quiet=False):
    """Every tensor of @path decodes to within its format's error bound of
    the same tensor in @ref_path (the F16 model of the same seed)."""
    _, tensors, _, _ = parse(path)
    _, ref_tensors, _, _ = parse(ref_path)
    ref = {t['name']: t for t in ref_tensors}
    worst = {}
    for t in tensors:
        r = ref.get(t['name'])
        require(r is not None and r['ne'] == t['ne'],
                '%s: no tensor of that shape in %s' % (t['name'], ref_path))
        bv = max(GGML[t['type']][1], 32)
        count = min(t['n'], SAMPLE) // bv * bv
        got, want = decode(t, count), decode(r, count)
        for b in range(0, count, bv):
            blk = want[b:b + bv]
            bound = block_bound(t['type'], blk) + 1e-7
            for i in range(bv):
                err = abs(got[b + i] - blk[i])
                require(err <= bound, '%s[%d]: %r, reference %r, error %.3g '
                        'above the %s bound %.3g' % (
                            t['name'], b + i, got[b + i], blk[i], err,
                            GGML[t['type']][0], bound))
                name = GGML[t['type']][0]
                if err > worst.get(name, 0.0):
                    worst[name] = err
    if not quiet:
        errs = ', '.join('%s %.3g' % kv for kv in sorted(worst.items()))
        print('ok: %s matches %s within the format bounds (largest errors: '
              '%s)' % (os.path.basename(path), os.path.basename(ref_path),
                       errs or 'none, exact'))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('file', nargs='?')
    ap.add_argument('--shape', required=True, choices=sorted(SHAPES))
    ap.add_argument('--type', required=True, choices=sorted(FILE_TYPE_ID))
    ap.add_argument('--name')
    ap.add_argument('--no-tokenizer', action='store_true')
    ap.add_argument('--generate', metavar='MKMODEL')
    ap.add_argument('--tokenizer')
    ap.add_argument('--tokenizer-config')
    ap.add_argument('--seed', default='1')
    ap.add_argument('--against', metavar='F16FILE',
                    help='also compare every tensor with this F16 model')
    a = ap.parse_args()
    try:
        if a.generate:
            with tempfile.TemporaryDirectory(prefix='hc1-check-') as d:
                out = os.path.join(d, 'model.gguf')
                cmd = [a.generate, '--shape', a.shape, '--type', a.type,
                       '--seed', a.seed, '-o', out]
                if a.name:
                    cmd += ['--name', a.name]
                if a.no_tokenizer:
                    cmd += ['--no-tokenizer']
                else:
                    cmd += ['--tokenizer', a.tokenizer,
                            '--tokenizer-config', a.tokenizer_config]
                subprocess.run(cmd, check=True)
                require(os.listdir(d) == ['model.gguf'],
                        'left-over files: %s' % os.listdir(d))
                check(out, a.shape, a.type, a.name, not a.no_tokenizer)
                if a.against:
                    compare(out, a.against)
        else:
            require(a.file, 'no file given')
            check(a.file, a.shape, a.type, a.name, not a.no_tokenizer)
            if a.against:
                compare(a.file, a.against)
    except CheckError as e:
        print('FAIL: %s' % e, file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as e:
        print('FAIL: generator exited with %d' % e.returncode,
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
