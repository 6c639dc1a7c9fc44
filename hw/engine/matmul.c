/*
 * Threaded matrix-vector products over the weight rows.
 *
 * The activations are converted once per matmul to the weight format's
 * activation type; then each thread takes chunks of weight rows and
 * runs the kernel over pairs of rows and groups of HC1_MAX_COLS tokens
 * (a lone token goes to the two-row kernel, a group of several to the
 * tile kernel (32 rows) or the panel kernel where the format has them,
 * or to the span kernel for the float formats, all with the same
 * bits): for one group (decode), pair after pair or tile after tile;
 * for more (prefill), a run of rows, hot in L2, against each group in
 * turn.
 * A row's result depends only on that row and that token, so the
 * result is the same for any thread count, chunking, tiling or batch.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

#define ROW_CHUNK 16
#define PF_BYTES 4608       /* prefetch distance (about 4 Q4_0 rows) */
#define PF_ROWS_COLS 4      /* the same with several columns, in rows */
#define TILE_BYTES (128 * 1024)
#define SPAN_TILE_BYTES (64 * 1024)
#define SPAN_TILE_ROWS 32
#define MAX_PARTS 8
#define PART_ALIGN 256      /* a part of a parted matmul: whole 256s */
#define MAX_SEGS (2 * MAX_PARTS)

typedef struct mm_job {
    const hc1_mm *mm;
    int n_mm;
    uint32_t T;
    const void *act[3];     /* converted input of each matmul */
    size_t act_stride[3];
    hc1_dot_fn fn[3];
    hc1_dot2_fn fn2[3];     /* two-row kernels where there are */
    hc1_dotp_fn fnp[3];     /* panel kernels, where there are panels */
    hc1_dott_fn fnt[3];     /* tile kernels, where there are (Q4_0, Q4_K) */
    hc1_dotk_fn fnk[3];     /* span kernels, where there are (floats) */
    const uint8_t *panel[3];    /* the panel of each group of columns */
    size_t panel_stride[3];
    /*
     * The rows the pool hands out are segments of the matmuls' rows in
     * turn: each matmul whole, or (hc1_matmul_parted) the matmuls'
     * parts interleaved, part i of each before part i + 1.
     */
    int n_seg;
    int seg_k[MAX_SEGS];            /* the matmul of each segment */
    uint64_t seg_base[MAX_SEGS];    /* its first pool row less its first row */
    uint64_t seg_end[MAX_SEGS];     /* the pool row after it */
} mm_job;

/* Where token @t's row of matmul @k's output starts. */
static inline float *mm_out(const mm_job *j, int k, uint32_t t)
{
    const hc1_mm *m = &j->mm[k];
    return m->cols ? m->cols[t] : m->out + (size_t)t * m->w->ne1;
}

/*
 * Several columns of a float format, rows [r, end) of matmul @k: the
 * activations of 8 columns in f32 (64 KiB at 2048 elements, 176 KiB at
 * 5632) do not fit L1, and a row pair sweeping all of them misses L1 on
 * every activation load, which crowds out the weights' misses (F16
 * batched decode ran at half its kernel's speed). So a tile of rows
 * meets one span of HC1_DOTK_SPAN elements of the columns (32 KiB) after
 * another, carrying the sums between spans, and the next tile is
 * prefetched meanwhile, each row's bytes as its twin in this tile is
 * worked on. Same bits as the two-row kernel: a span only cuts its
 * loop. (Batched F16 decode: 107 -> 117-124 tok/s with spans of 512.)
 *
 * Each span costs a row pair about 70 cycles besides its steps (the
 * sums out and back, the loop's entry and exit), a fifth of a span of
 * 512 (F16 in L1, one thread: 100 GMAC/s at 512, 110-114 at 1024). With
 * the weights in 2 MiB pages, spans of 1024 won: batched F16 decode
 * 132-134 -> 138-142 tok/s, in both placements of the threads; 768 made
 * 136-138, 2048 (no longer fitting L1) 84-86. Tiles of 32 or 128 KiB
 * instead of 64 lost (117-120, 134-136).
 */
static void mm_spans(const mm_job *j, int k, uint64_t base, uint64_t r,
                     uint64_t end, const void *const *xs)
{
    const hc1_tensor *w = j->mm[k].w;
    hc1_dotk_fn fk = j->fnk[k];
    uint64_t n = w->ne0;
    uint64_t n16 = n & ~(uint64_t)(HC1_DOTK_STEP - 1);
    uint64_t tile = SPAN_TILE_BYTES / w->row_bytes;
    _Alignas(64) float acc[SPAN_TILE_ROWS * HC1_MAX_COLS * HC1_DOTK_STEP];
    float res[SPAN_TILE_ROWS * HC1_MAX_COLS];

    tile = tile < 2 ? 2 : tile > SPAN_TILE_ROWS ? SPAN_TILE_ROWS
                                                : tile & ~(uint64_t)1;
    while (r < end) {
        uint64_t te = end - r < tile ? end : r + tile;
        uint32_t rows = (uint32_t)(te - r);
        uint64_t row = r - base;
        const uint8_t *wr = (const uint8_t *)w->data + row * w->row_bytes;
        /* the next tile, if whole, is fetched while this one runs */
        const uint8_t *next = te + rows <= end ? wr + rows * w->row_bytes
                                               : NULL;
        for (uint32_t t = 0; t < j->T; t += HC1_MAX_COLS) {
            int nc = j->T - t < HC1_MAX_COLS ? (int)(j->T - t)
                                             : HC1_MAX_COLS;
            uint64_t k0 = 0, k1;
            do {
                k1 = n16 - k0 < HC1_DOTK_SPAN ? n16 : k0 + HC1_DOTK_SPAN;
                fk(n, k0, k1, wr, w->row_bytes, rows, &xs[t], nc, acc, res,
                   t == 0 ? next : NULL);
                k0 = k1;
            } while (k1 < n16);
            for (int c = 0; c < nc; c++) {
                float *o = mm_out(j, k, t + c) + row;
                for (uint32_t q = 0; q < rows; q++) {
                    o[q] = res[q * HC1_MAX_COLS + c];
                }
            }
        }
        r = te;
    }
}

/*
 * One prefetch into each 4 KiB page of rows [@r, @r + @n) of matmul @k
 * (clipped to its rows). The weights are a file mapping in 4 KiB pages:
 * the tile kernel reads its 32 rows side by side, 9 to 25 pages at a
 * time, and stalls on each new page, on its translation as far as we
 * can tell (two threads over medium Q4_0 weights from the file
 * mapping: 175-184 GMAC/s a thread, where a copy in anonymous memory
 * made 208-211; primed two tiles ahead, 214-216; one tile ahead
 * 196-200, three 184-200). The pair kernels, two rows at a time, gain
 * nothing from it. Always inlined: GCC takes a function that only
 * prefetches for one without effects and drops the calls.
 */
static inline __attribute__((always_inline))
void prime_pages(const hc1_tensor *w, uint64_t row, uint64_t n)
{
    uint64_t end = w->ne1;

    if (row >= end) {
        return;
    }
    n = row + n > end ? end - row : n;
    const uint8_t *p = (const uint8_t *)w->data + row * w->row_bytes;
    for (size_t o = 0; o < n * w->row_bytes; o += 4096) {
        __builtin_prefetch(p + o, 0, 3);
    }
}

static void mm_task(void *arg, uint32_t r0, uint32_t r1, uint32_t ith)
{
    mm_job *j = arg;
    (void)ith;

    uint64_t r = r0;
    while (r < r1) {
        /* the segment this row belongs to, and its rows in this chunk */
        int sg = 0;
        while (r >= j->seg_end[sg]) {
            sg++;
        }
        int k = j->seg_k[sg];
        uint64_t base = j->seg_base[sg];
        uint64_t end = j->seg_end[sg] < r1 ? j->seg_end[sg] : r1;
        const hc1_tensor *w = j->mm[k].w;
        hc1_dot_fn fn = j->fn[k];
        const void *xs[HC1_UBATCH];
        for (uint32_t t = 0; t < j->T; t++) {
            xs[t] = (const uint8_t *)j->act[k] + (size_t)t * j->act_stride[k];
        }
        if (j->fnk[k]) {
            mm_spans(j, k, base, r, end, xs);
            r = end;
            continue;
        }
        hc1_dot2_fn fn2 = j->fn2[k];
        /*
         * How far ahead to prefetch. One column streams the rows as
         * fast as memory gives them, so the distance is in bytes. With
         * several the kernels are bound by compute and take about the
         * same time per row in every format: the distance is in rows,
         * and so in time (batched decode, against 4608 bytes: Q8_0 10 %
         * faster, Q4_K_M 7 %, Q4_0 the same).
         */
        size_t ahead = j->T > 1 ? PF_ROWS_COLS
                                : (PF_BYTES + w->row_bytes - 1) / w->row_bytes;
        /*
         * With more tokens than one group of columns, a tile of rows
         * (up to TILE_BYTES of weights, which stay in L2) meets each
         * group in turn, so a group's activations come from cache once
         * per tile rather than once per row pair.
         */
        uint64_t tile = 2;
        if (j->T > HC1_MAX_COLS) {
            tile = TILE_BYTES / w->row_bytes;
            tile = tile < 2 ? 2 : tile > 64 ? 64 : tile & ~(uint64_t)1;
        }
        if (j->fnt[k]) {
            /* whole tiles of the tile kernel */
            tile = tile < HC1_TILE_ROWS ? HC1_TILE_ROWS
                                        : tile & ~(uint64_t)(HC1_TILE_ROWS - 1);
        }
        while (r < end) {
            uint64_t te = end - r < tile ? end : r + tile;
            for (uint32_t t = 0; t < j->T; t += HC1_MAX_COLS) {
                int nc = j->T - t < HC1_MAX_COLS ? (int)(j->T - t)
                                                 : HC1_MAX_COLS;
                for (uint64_t q0 = r; q0 < te; ) {
                    uint64_t row = q0 - base;
                    const uint8_t *wr = (const uint8_t *)w->data +
                                        row * w->row_bytes;
                    /*
                     * pairs of rows share the activation loads; a row's
                     * result is the same alone or paired
                     */
                    bool tiled = nc > 1 && j->fnt[k] &&
                                 q0 + HC1_TILE_ROWS <= te;
                    int nr = tiled ? HC1_TILE_ROWS : fn2 && q0 + 1 < te ? 2 : 1;
                    float res[2 * HC1_MAX_COLS];
                    /*
                     * Prefetch the rows a few steps ahead: the weights
                     * are a file mapping, in 4 KiB pages unless the page
                     * cache had 2 MiB folios (model.c); the hardware
                     * prefetcher stops at every page boundary, and
                     * decode streams them once. With one column the
                     * rows go by fast and one burst per row pair keeps
                     * the memory busy. With several, a burst fills the
                     * core's miss queue and stalls the compute behind
                     * it (a tenth of batched decode time), so the
                     * kernel spreads the requests over its own steps.
                     */
                    const uint8_t *pf = NULL;
                    /*
                     * past this claim too: the rows after it are this
                     * thread's next claim unless another stole them
                     */
                    /* a tile prefetches the next tile's rows */
                    uint64_t dist = tiled ? HC1_TILE_ROWS : ahead;
                    if (t == 0 && row + dist + nr <= w->ne1) {
                        pf = wr + dist * w->row_bytes;
                        if (nc == 1 || !fn2) {
                            for (size_t o = 0; o < nr * w->row_bytes;
                                 o += 64) {
                                __builtin_prefetch(pf + o, 0, 0);
                            }
                            pf = NULL;
                        }
                    }
                    if (tiled && t == 0) {
                        prime_pages(w, row + 2 * HC1_TILE_ROWS,
                                    HC1_TILE_ROWS);
                    }
                    if (tiled) {
                        /* the tile writes each column's rows itself */
                        float *cols[HC1_MAX_COLS];
                        for (int c = 0; c < nc; c++) {
                            cols[c] = mm_out(j, k, t + c) + row;
                        }
                        j->fnt[k](w->ne0, wr, w->row_bytes,
                                  j->panel[k] + (t / HC1_MAX_COLS) *
                                                j->panel_stride[k],
                                  cols, nc, pf);
                        q0 += nr;
                        continue;
                    }
                    if (nc > 1 && j->fnp[k]) {
                        j->fnp[k](w->ne0, wr, w->row_bytes, nr,
                                  j->panel[k] + (t / HC1_MAX_COLS) *
                                                j->panel_stride[k],
                                  res, pf);
                    } else if (fn2) {
                        fn2(w->ne0, wr, w->row_bytes, nr, &xs[t], nc, res,
                            pf);
                    } else {
                        fn(w->ne0, wr, &xs[t], nc, res);
                    }
                    for (int c = 0; c < nc; c++) {
                        float *o = mm_out(j, k, t + c) + row;
                        for (int q = 0; q < nr; q++) {
                            o[q] = res[q * HC1_MAX_COLS + c];
                        }
                    }
                    q0 += nr;
                }
            }
            r = te;
        }
    }
}

/* The scratch for @T columns of @n elements in @type, by type. */
static uint8_t *act_buffer(hc1_engine *e, uint64_t n, uint32_t T,
                           uint32_t type, size_t *stride)
{
    size_t rb = hc1_act_bytes(type, n);
    /* round the stride so every column starts 64-byte aligned */
    rb = (rb + 63) & ~(size_t)63;
    size_t need = rb * T;
    hc1_scratch *s = &e->s;
    if (s->act_cap[type] < need) {
        free(s->act[type]);
        s->act[type] = aligned_alloc(64, need);
        s->act_cap[type] = s->act[type] ? need : 0;
        if (!s->act[type]) {
            return NULL;
        }
    }
    *stride = rb;
    return s->act[type];
}

/* The scratch for the panels of kind @kind of @T columns, by kind. */
static uint8_t *panel_buffer(hc1_engine *e, uint32_t kind, uint64_t n,
                             uint32_t T, size_t *panel_stride)
{
    hc1_scratch *s = &e->s;
    uint32_t groups = (T + HC1_MAX_COLS - 1) / HC1_MAX_COLS;
    size_t pb = (hc1_panel_bytes(kind, n) + 63) & ~(size_t)63;

    if (s->panel_cap[kind] < pb * groups) {
        free(s->panel[kind]);
        s->panel[kind] = aligned_alloc(64, pb * groups);
        s->panel_cap[kind] = s->panel[kind] ? pb * groups : 0;
        if (!s->panel[kind]) {
            return NULL;
        }
    }
    *panel_stride = pb;
    return s->panel[kind];
}

/* Elements [@k0, @k1) of each of @T columns of @x, in @type. */
static void convert_range(uint32_t type, const float *x, uint64_t n,
                          uint32_t T, uint8_t *act, size_t stride,
                          uint64_t k0, uint64_t k1)
{
    for (uint32_t t = 0; t < T; t++) {
        hc1_act_convert_range(type, x + (size_t)t * n, act + t * stride, n,
                              k0, k1);
    }
}

/* Elements [@k0, @k1) of the panels of kind @kind of @T columns. */
static void panel_range(uint32_t kind, uint64_t n, uint32_t T,
                        const uint8_t *act, size_t stride, uint8_t *panel,
                        size_t pstride, uint64_t k0, uint64_t k1)
{
    for (uint32_t t0 = 0; t0 < T; t0 += HC1_MAX_COLS) {
        const void *cols[HC1_MAX_COLS];
        int nc = T - t0 < HC1_MAX_COLS ? (int)(T - t0) : HC1_MAX_COLS;
        for (int c = 0; c < nc; c++) {
            cols[c] = act + (size_t)(t0 + c) * stride;
        }
        hc1_panel_build_range(kind, n, cols, nc,
                              panel + (size_t)(t0 / HC1_MAX_COLS) * pstride,
                              k0, k1);
    }
}

/* Where @v is among the @n of @a, or @n. */
static int slot_of(const uint32_t *a, int n, uint32_t v)
{
    int i = 0;
    while (i < n && a[i] != v) {
        i++;
    }
    return i;
}

/*
 * The inputs of a matmul job: x in each activation type its matmuls
 * take, and the panels of each kind its panel kernels read.
 */
typedef struct in_job {
    const float *x;
    uint64_t n;
    uint32_t T;
    int n_types, n_kinds;
    uint32_t type[3];
    uint8_t *act[3];
    size_t stride[3];
    uint32_t kind[3];
    int kind_src[3];        /* the type the panel is built from */
    uint8_t *panel[3];
    size_t pstride[3];
} in_job;

/* by token: token @t in each type */
static void conv_task(void *arg, uint32_t b, uint32_t e, uint32_t ith)
{
    in_job *j = arg;
    (void)ith;
    for (int d = 0; d < j->n_types; d++) {
        for (uint32_t t = b; t < e; t++) {
            hc1_act_convert(j->type[d], j->x + (size_t)t * j->n,
                            j->act[d] + t * j->stride[d], j->n);
        }
    }
}

/* by group of columns: the panels of groups [b, e) */
static void panel_task(void *arg, uint32_t b, uint32_t e, uint32_t ith)
{
    in_job *j = arg;
    (void)ith;
    uint32_t t0 = b * HC1_MAX_COLS;
    uint32_t t1 = e * HC1_MAX_COLS < j->T ? e * HC1_MAX_COLS : j->T;

    for (int p = 0; p < j->n_kinds; p++) {
        int d = j->kind_src[p];
        panel_range(j->kind[p], j->n, t1 - t0,
                    j->act[d] + t0 * j->stride[d], j->stride[d],
                    j->panel[p] + b * j->pstride[p], j->pstride[p], 0,
                    j->n);
    }
}

/* by element range: PART_ALIGN elements an item, every column */
static void range_task(void *arg, uint32_t b, uint32_t e, uint32_t ith)
{
    in_job *j = arg;
    uint64_t k0 = (uint64_t)b * PART_ALIGN;
    uint64_t k1 = (uint64_t)e * PART_ALIGN;
    (void)ith;

    k1 = k1 < j->n ? k1 : j->n;
    for (int d = 0; d < j->n_types; d++) {
        convert_range(j->type[d], j->x, j->n, j->T, j->act[d], j->stride[d],
                      k0, k1);
    }
    for (int p = 0; p < j->n_kinds; p++) {
        int d = j->kind_src[p];
        panel_range(j->kind[p], j->n, j->T, j->act[d], j->stride[d],
                    j->panel[p], j->pstride[p], k0, k1);
    }
}

/* The kernels of each matmul for j->T columns. */
static hc1_status pick_kernels(mm_job *j)
{
    if (j->n_mm < 1 || j->n_mm > 3 || j->T == 0) {
        return HC1_E_INVAL;
    }
    for (int k = 0; k < j->n_mm; k++) {
        uint32_t type = j->mm[k].w->type;
        j->fn[k] = hc1_dot_kernel(type);
        j->fn2[k] = hc1_dot2_kernel(type);
        /* one column goes to the two-row kernel, more to panels or spans */
        j->fnp[k] = j->T > 1 ? hc1_dotp_kernel(type) : NULL;
        j->fnk[k] = j->T > 1 ? hc1_dotk_kernel(type) : NULL;
        j->fnt[k] = j->fnp[k] ? hc1_dott_kernel(type) : NULL;
        if (!j->fn[k] || j->mm[k].w->ne0 != j->mm[0].w->ne0) {
            return HC1_E_INVAL;
        }
    }
    return HC1_OK;
}

/*
 * x converted once per activation type, and the panels built once per
 * kind. One group of columns (batched decode) goes by element ranges:
 * each thread converts its range of every column and builds that range
 * of the panels, in one pass. By token, each thread converted its
 * tokens and then one thread built the whole panel from all of them
 * while the others waited (batched decode of medium Q4_0, alternating
 * runs: 355-371 -> 374-375 tok/s; Q4_K_M, Q8_0 and F16 the same).
 * Prefill goes by token and by group.
 */
static hc1_status inputs(hc1_engine *e, mm_job *j, const float *x)
{
    in_job in = { .x = x, .n = j->mm[0].w->ne0, .T = j->T };

    for (int k = 0; k < j->n_mm; k++) {
        uint32_t at = hc1_vec_dot_type(j->mm[k].w->type);
        /* distinct types get distinct buffers: the scratch is by type */
        int d = slot_of(in.type, in.n_types, at);
        if (d == in.n_types) {
            in.type[d] = at;
            in.act[d] = act_buffer(e, in.n, j->T, at, &in.stride[d]);
            if (!in.act[d]) {
                return HC1_E_NOMEM;
            }
            in.n_types++;
        }
        j->act[k] = in.act[d];
        j->act_stride[k] = in.stride[d];
        if (!j->fnp[k]) {
            continue;
        }
        /* the panels of each kind that a panel kernel here reads */
        uint32_t kind = hc1_panel_kind(j->mm[k].w->type);
        int p = slot_of(in.kind, in.n_kinds, kind);
        if (p == in.n_kinds) {
            in.kind[p] = kind;
            in.kind_src[p] = d;
            in.panel[p] = panel_buffer(e, kind, in.n, j->T, &in.pstride[p]);
            if (!in.panel[p]) {
                return HC1_E_NOMEM;
            }
            in.n_kinds++;
        }
        j->panel[k] = in.panel[p];
        j->panel_stride[k] = in.pstride[p];
    }
    if (j->T > 1 && j->T <= HC1_MAX_COLS) {
        hc1_pool_for(e->pool, (uint32_t)((in.n + PART_ALIGN - 1) /
                                         PART_ALIGN), 1, range_task, &in);
        return HC1_OK;
    }
    hc1_pool_for(e->pool, j->T, 1, conv_task, &in);
    if (in.n_kinds) {
        hc1_pool_for(e->pool, (j->T + HC1_MAX_COLS - 1) / HC1_MAX_COLS, 1,
                     panel_task, &in);
    }
    return HC1_OK;
}

/* One segment for each matmul, whole, in turn. */
static void whole_segments(mm_job *j)
{
    uint64_t before = 0;

    j->n_seg = j->n_mm;
    for (int k = 0; k < j->n_mm; k++) {
        j->seg_k[k] = k;
        j->seg_base[k] = before;
        before += j->mm[k].w->ne1;
        j->seg_end[k] = before;
    }
}

/*
 * Rows to the pool, in chunks: enough to share, big enough to amortise
 * a claim; @chunk if not 0.
 */
static void run(hc1_engine *e, mm_job *j, uint32_t chunk)
{
    uint64_t total = j->seg_end[j->n_seg - 1];

    if (!chunk) {
        chunk = total / (8u * hc1_pool_size(e->pool)) + 1;
        chunk = chunk < ROW_CHUNK ? ROW_CHUNK : chunk > 256 ? 256 : chunk;
        for (int k = 0; k < j->n_mm; k++) {
            if (j->fnt[k]) {
                /* claims of whole tiles */
                chunk = (chunk + HC1_TILE_ROWS - 1) & ~(HC1_TILE_ROWS - 1);
            }
        }
    }
    hc1_pool_for(e->pool, (uint32_t)total, chunk, mm_task, j);
}

hc1_status hc1_matmul(hc1_engine *e, const hc1_mm *mm, int n_mm,
                      const float *x, uint32_t T)
{
    mm_job j = { .mm = mm, .n_mm = n_mm, .T = T };
    hc1_status st = pick_kernels(&j);

    if (!st) {
        st = inputs(e, &j, x);
    }
    if (!st) {
        whole_segments(&j);
        run(e, &j, 0);
    }
    return st;
}

uint32_t hc1_matmul_parts(const hc1_engine *e, const hc1_mm *mm, int n_mm)
{
    uint32_t p = hc1_pool_size(e->pool);
    uint64_t per = 0;

    if (p < 2 || p > MAX_PARTS || n_mm < 1 || n_mm * p > MAX_SEGS) {
        return 0;
    }
    for (int k = 0; k < n_mm; k++) {
        if (mm[k].w->ne1 % p) {
            return 0;
        }
        per += mm[k].w->ne1 / p;
    }
    return per % PART_ALIGN ? 0 : p;
}

hc1_status hc1_matmul_parted(hc1_engine *e, const hc1_mm *mm, int n_mm,
                             const float *x, uint32_t T)
{
    mm_job j = { .mm = mm, .n_mm = n_mm, .T = T };
    uint32_t parts = hc1_matmul_parts(e, mm, n_mm);
    hc1_status st;

    if (!parts) {
        return HC1_E_INVAL;
    }
    st = pick_kernels(&j);
    if (!st) {
        st = inputs(e, &j, x);
    }
    if (st) {
        return st;
    }
    /*
     * part i of every matmul, in turn: the pool's part for thread i is
     * exactly those segments when a claim divides their rows (PART_ALIGN
     * does; ROW_CHUNK and HC1_TILE_ROWS divide it)
     */
    uint64_t first = 0;
    j.n_seg = n_mm * (int)parts;
    for (uint32_t i = 0; i < parts; i++) {
        for (int k = 0; k < n_mm; k++) {
            int sg = (int)i * n_mm + k;
            uint64_t per = mm[k].w->ne1 / parts;
            j.seg_k[sg] = k;
            j.seg_base[sg] = first - i * per;
            first += per;
            j.seg_end[sg] = first;
        }
    }
    run(e, &j, PART_ALIGN);
    return HC1_OK;
}

hc1_status hc1_mm_in_prepare(hc1_engine *e, const hc1_tensor *w, uint32_t T,
                             hc1_mm_in *in)
{
    memset(in, 0, sizeof(*in));
    in->w = w;
    in->T = T;
    in->act_type = hc1_vec_dot_type(w->type);
    in->act = act_buffer(e, w->ne0, T, in->act_type, &in->stride);
    if (!in->act) {
        return HC1_E_NOMEM;
    }
    if (T > 1 && hc1_dotp_kernel(w->type)) {
        in->kind = hc1_panel_kind(w->type);
        in->panel = panel_buffer(e, in->kind, w->ne0, T, &in->pstride);
        if (!in->panel) {
            return HC1_E_NOMEM;
        }
    }
    return HC1_OK;
}

void hc1_mm_in_fill(const hc1_mm_in *in, const float *x, uint64_t k0,
                    uint64_t k1)
{
    convert_range(in->act_type, x, in->w->ne0, in->T, in->act, in->stride,
                  k0, k1);
    if (in->panel) {
        panel_range(in->kind, in->w->ne0, in->T, in->act, in->stride,
                    in->panel, in->pstride, k0, k1);
    }
}

hc1_status hc1_matmul_in(hc1_engine *e, const hc1_mm *mm,
                         const hc1_mm_in *in)
{
    mm_job j = { .mm = mm, .n_mm = 1, .T = in->T };
    hc1_status st = pick_kernels(&j);

    if (st) {
        return st;
    }
    if (mm->w != in->w || (j.fnp[0] && !in->panel)) {
        return HC1_E_INVAL;
    }
    j.act[0] = in->act;
    j.act_stride[0] = in->stride;
    j.panel[0] = in->panel;
    j.panel_stride[0] = in->pstride;
    whole_segments(&j);
    run(e, &j, 0);
    return HC1_OK;
}
