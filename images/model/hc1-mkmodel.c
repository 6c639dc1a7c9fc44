/*
 * hc1-mkmodel: write a random-weight GGUF model in the exact Llama 3.1
 * architecture, with the real Llama 3.1 tokenizer.
 *
 * Every weight is drawn from a normal distribution by a generator
 * seeded with (--seed, tensor name), computed in float32 and rounded to
 * float16, then stored in the requested type. The output depends only
 * on the options and the tokenizer files: not on the host, the number
 * of threads or the time of day.
 *
 * The file is streamed: only the metadata and a few MB of tensor data
 * are in memory at any time. It is written to FILE.tmp and renamed to
 * FILE when complete.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gguf-writer.h"
#include "llama3-model.h"
#include "llama3-vocab.h"
#include "quant.h"
#include "rng.h"

#define PROG "hc1-mkmodel"
#define ALIGNMENT 32
#define CHUNK_VALUES (1u << 22)     /* values generated per step */
#define MAX_THREADS 64

typedef struct Options {
    const char *shape;
    Llama3Hparams hp;
    bool have_dim, have_layers, have_heads, have_kv_heads, have_ff;
    int tied;                       /* -1: from the shape */
    Llama3FileType ft;
    uint64_t seed;
    const char *name;
    const char *tokenizer, *tokenizer_config, *chat_template;
    bool no_tokenizer;
    const char *output;
    unsigned threads;
    bool verbose;
} Options;

/* The writer of the output, so that die() removes an unfinished file. */
static GgufWriter *cleanup_writer;

static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, PROG ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    gguf_writer_free(cleanup_writer);
    exit(1);
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: " PROG " [OPTIONS] -o FILE\n"
"Write a random-weight Llama 3.1 model with the Llama 3.1 tokenizer as\n"
"GGUF v3.\n"
"\n"
"Shape:\n"
"  --shape NAME             tiny, default, small or medium\n"
"  --dim N --layers N --heads N --kv-heads N --ff N\n"
"                           explicit hyper-parameters (override --shape)\n"
"  --tied / --untied        output head shares token_embd or not\n"
"Content:\n"
"  --type T                 f32, f16 (default), bf16, q8_0, q4_0, q4_k_m\n"
"  --seed N                 weight seed (default 1)\n"
"  --name S                 general.name (default hc1-SHAPE)\n"
"  --tokenizer FILE         tokenizer.json of Llama 3.1\n"
"  --tokenizer-config FILE  tokenizer_config.json (for the chat template)\n"
"  --chat-template FILE     use this file's text as the chat template\n"
"  --no-tokenizer           write no vocabulary (tokenizer.ggml.model none)\n"
"Output:\n"
"  -o FILE                  the GGUF file (written as FILE.tmp, renamed)\n"
"  --threads N              worker threads (default: online CPUs, max 8);\n"
"                           the output does not depend on it\n"
"  -v, --verbose            print a summary line\n"
"\n"
"Shapes: tiny 64/2 layers/4:2 heads/ff 192; default 256/4/8:2/896;\n"
"small 512/8/8:4/1536 tied; medium 2048/16/32:8/5632.\n");
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t max)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (s[0] == '-' || s[0] == '\0') {
        die("%s: '%s' is not a non-negative integer", opt, s);
    }
    v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0') {
        die("%s: '%s' is not a non-negative integer", opt, s);
    }
    if (v > max) {
        die("%s: %s is larger than %llu", opt, s, (unsigned long long)max);
    }
    return v;
}

enum {
    OPT_SHAPE = 256, OPT_DIM, OPT_LAYERS, OPT_HEADS, OPT_KV_HEADS, OPT_FF,
    OPT_TIED, OPT_UNTIED, OPT_TYPE, OPT_SEED, OPT_NAME, OPT_TOKENIZER,
    OPT_TOKENIZER_CONFIG, OPT_CHAT_TEMPLATE, OPT_NO_TOKENIZER, OPT_THREADS,
};

static void parse_options(int argc, char **argv, Options *o)
{
    static const struct option longopts[] = {
        { "shape", required_argument, NULL, OPT_SHAPE },
        { "dim", required_argument, NULL, OPT_DIM },
        { "layers", required_argument, NULL, OPT_LAYERS },
        { "heads", required_argument, NULL, OPT_HEADS },
        { "kv-heads", required_argument, NULL, OPT_KV_HEADS },
        { "ff", required_argument, NULL, OPT_FF },
        { "tied", no_argument, NULL, OPT_TIED },
        { "untied", no_argument, NULL, OPT_UNTIED },
        { "type", required_argument, NULL, OPT_TYPE },
        { "seed", required_argument, NULL, OPT_SEED },
        { "name", required_argument, NULL, OPT_NAME },
        { "tokenizer", required_argument, NULL, OPT_TOKENIZER },
        { "tokenizer-config", required_argument, NULL, OPT_TOKENIZER_CONFIG },
        { "chat-template", required_argument, NULL, OPT_CHAT_TEMPLATE },
        { "no-tokenizer", no_argument, NULL, OPT_NO_TOKENIZER },
        { "threads", required_argument, NULL, OPT_THREADS },
        { "output", required_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    long ncpu;
    int c;

    memset(o, 0, sizeof(*o));
    o->tied = -1;
    o->ft = LLAMA3_FT_F16;
    o->seed = 1;
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = ncpu < 1 ? 1 : (ncpu > 8 ? 8 : (unsigned)ncpu);

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:vh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_SHAPE:
            o->shape = optarg;
            break;
        case OPT_DIM:
            o->hp.dim = (uint32_t)parse_u64("--dim", optarg, UINT32_MAX);
            o->have_dim = true;
            break;
        case OPT_LAYERS:
            o->hp.layers = (uint32_t)parse_u64("--layers", optarg, UINT32_MAX);
            o->have_layers = true;
            break;
        case OPT_HEADS:
            o->hp.heads = (uint32_t)parse_u64("--heads", optarg, UINT32_MAX);
            o->have_heads = true;
            break;
        case OPT_KV_HEADS:
            o->hp.kv_heads = (uint32_t)parse_u64("--kv-heads", optarg,
                                                 UINT32_MAX);
            o->have_kv_heads = true;
            break;
        case OPT_FF:
            o->hp.ff = (uint32_t)parse_u64("--ff", optarg, UINT32_MAX);
            o->have_ff = true;
            break;
        case OPT_TIED:
            o->tied = 1;
            break;
        case OPT_UNTIED:
            o->tied = 0;
            break;
        case OPT_TYPE:
            if (!llama3_file_type_parse(optarg, &o->ft)) {
                die("--type: unknown type '%s' (f32, f16, bf16, q8_0, q4_0, "
                    "q4_k_m)", optarg);
            }
            break;
        case OPT_SEED:
            o->seed = parse_u64("--seed", optarg, UINT64_MAX);
            break;
        case OPT_NAME:
            o->name = optarg;
            break;
        case OPT_TOKENIZER:
            o->tokenizer = optarg;
            break;
        case OPT_TOKENIZER_CONFIG:
            o->tokenizer_config = optarg;
            break;
        case OPT_CHAT_TEMPLATE:
            o->chat_template = optarg;
            break;
        case OPT_NO_TOKENIZER:
            o->no_tokenizer = true;
            break;
        case OPT_THREADS:
            o->threads = (unsigned)parse_u64("--threads", optarg, MAX_THREADS);
            if (o->threads == 0) {
                die("--threads: must be at least 1");
            }
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case ':':
            die("option %s needs an argument (see --help)", argv[optind - 1]);
            break;
        default:
            die("unknown option %s (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        die("unexpected argument '%s' (see --help)", argv[optind]);
    }
}

static void resolve_options(Options *o)
{
    Llama3Hparams hp = { 0 };
    char err[256];

    if (o->shape) {
        const Llama3Shape *s = llama3_find_shape(o->shape);

        if (!s) {
            die("--shape: unknown shape '%s' (tiny, default, small, medium)",
                o->shape);
        }
        hp = s->hp;
    } else if (!o->have_dim || !o->have_layers || !o->have_heads ||
               !o->have_ff) {
        die("give --shape NAME, or all of --dim, --layers, --heads and --ff");
    } else {
        hp.kv_heads = o->hp.heads;
    }
    if (o->have_dim) {
        hp.dim = o->hp.dim;
    }
    if (o->have_layers) {
        hp.layers = o->hp.layers;
    }
    if (o->have_heads) {
        hp.heads = o->hp.heads;
    }
    if (o->have_kv_heads) {
        hp.kv_heads = o->hp.kv_heads;
    }
    if (o->have_ff) {
        hp.ff = o->hp.ff;
    }
    if (o->tied >= 0) {
        hp.tied = o->tied != 0;
    }
    hp.vocab = LLAMA3_N_VOCAB;
    if (!llama3_hparams_check(&hp, err, sizeof(err))) {
        die("%s", err);
    }
    o->hp = hp;

    if (!o->output) {
        die("no output file: give -o FILE");
    }
    if (o->no_tokenizer) {
        if (o->tokenizer || o->tokenizer_config || o->chat_template) {
            die("--no-tokenizer conflicts with --tokenizer, "
                "--tokenizer-config and --chat-template");
        }
    } else {
        if (!o->tokenizer) {
            die("no tokenizer: give --tokenizer FILE (Llama 3.1 "
                "tokenizer.json) or --no-tokenizer");
        }
        if (!o->tokenizer_config && !o->chat_template) {
            die("no chat template: give --tokenizer-config FILE or "
                "--chat-template FILE");
        }
    }
    if (o->name && o->name[0] == '\0') {
        die("--name: must not be empty");
    }
}

static char *read_text_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f) {
        die("%s: %s", path, strerror(errno));
    }
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            if (!buf) {
                die("out of memory");
            }
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        die("%s: read error", path);
    }
    fclose(f);
    if (n == 0) {
        die("%s: empty file", path);
    }
    *len = n;
    return buf;
}

/* ---- metadata ---------------------------------------------------------- */

static void check(GgufWriter *w, bool ok)
{
    if (!ok) {
        die("%s", gguf_writer_error(w));
    }
}

static void write_metadata(GgufWriter *w, const Options *o, const char *name,
                           const Llama3Vocab *vocab, const char *tmpl,
                           size_t tmpl_len)
{
    const Llama3Hparams *hp = &o->hp;
    char desc[320];

    snprintf(desc, sizeof(desc),
             "Random weights (seeded normal, float16-rounded; hc1-mkmodel "
             "seed %llu) in the Llama 3.1 architecture%s; a test model "
             "with no trained behaviour.",
             (unsigned long long)o->seed,
             vocab ? ", with the Llama 3.1 tokenizer" :
                     ", without a vocabulary");

    check(w, gguf_kv_str(w, "general.architecture", "llama"));
    check(w, gguf_kv_str(w, "general.type", "model"));
    check(w, gguf_kv_str(w, "general.name", name));
    check(w, gguf_kv_str(w, "general.description", desc));
    check(w, gguf_kv_u32(w, "general.alignment", ALIGNMENT));
    check(w, gguf_kv_u32(w, "general.file_type",
                         llama3_file_type_id(o->ft)));
    if (llama3_file_type_quantized(o->ft)) {
        check(w, gguf_kv_u32(w, "general.quantization_version", 2));
    }

    check(w, gguf_kv_u32(w, "llama.block_count", hp->layers));
    check(w, gguf_kv_u32(w, "llama.context_length", LLAMA3_CONTEXT_LENGTH));
    check(w, gguf_kv_u32(w, "llama.embedding_length", hp->dim));
    check(w, gguf_kv_u32(w, "llama.feed_forward_length", hp->ff));
    check(w, gguf_kv_u32(w, "llama.attention.head_count", hp->heads));
    check(w, gguf_kv_u32(w, "llama.attention.head_count_kv", hp->kv_heads));
    check(w, gguf_kv_f32(w, "llama.rope.freq_base",
                         (float)LLAMA3_ROPE_FREQ_BASE));
    check(w, gguf_kv_f32(w, "llama.attention.layer_norm_rms_epsilon",
                         LLAMA3_RMS_EPS));
    check(w, gguf_kv_u32(w, "llama.vocab_size", hp->vocab));
    check(w, gguf_kv_u32(w, "llama.rope.dimension_count",
                         llama3_head_dim(hp)));
    /*
     * Rope scaling lives in rope_freqs.weight. These keys only inform
     * readers; llama.cpp ignores them. (llama.rope.scaling.factor must
     * NOT be written: llama.cpp would apply it as linear scaling on top
     * of rope_freqs.)
     */
    check(w, gguf_kv_str(w, "llama3.rope_scaling.rope_type", "llama3"));
    check(w, gguf_kv_f32(w, "llama3.rope_scaling.factor",
                         (float)LLAMA3_ROPE_FACTOR));
    check(w, gguf_kv_f32(w, "llama3.rope_scaling.low_freq_factor",
                         (float)LLAMA3_ROPE_LOW_FREQ_FACTOR));
    check(w, gguf_kv_f32(w, "llama3.rope_scaling.high_freq_factor",
                         (float)LLAMA3_ROPE_HIGH_FREQ_FACTOR));
    check(w, gguf_kv_u32(w,
                         "llama3.rope_scaling.original_max_position_embeddings",
                         LLAMA3_ROPE_ORIGINAL_CONTEXT));
    check(w, gguf_kv_bool(w, "llama3.tie_word_embeddings", hp->tied));
    check(w, gguf_kv_u64(w, "hc1.mkmodel.seed", o->seed));

    if (!vocab) {
        check(w, gguf_kv_str(w, "tokenizer.ggml.model", "none"));
        return;
    }
    check(w, gguf_kv_str(w, "tokenizer.ggml.model", "gpt2"));
    check(w, gguf_kv_str(w, "tokenizer.ggml.pre", "llama-bpe"));
    check(w, gguf_kv_str_array(w, "tokenizer.ggml.tokens", vocab->n_tokens,
                               vocab->tokens, vocab->token_lens));
    check(w, gguf_kv_i32_array(w, "tokenizer.ggml.token_type",
                               vocab->n_tokens, vocab->token_types));
    check(w, gguf_kv_str_array(w, "tokenizer.ggml.merges", vocab->n_merges,
                               vocab->merges, vocab->merge_lens));
    check(w, gguf_kv_u32(w, "tokenizer.ggml.bos_token_id", LLAMA3_BOS_ID));
    check(w, gguf_kv_u32(w, "tokenizer.ggml.eos_token_id", LLAMA3_EOS_ID));
    check(w, gguf_kv_u32(w, "tokenizer.ggml.eot_token_id", LLAMA3_EOT_ID));
    check(w, gguf_kv_u32(w, "tokenizer.ggml.eom_token_id", LLAMA3_EOM_ID));
    check(w, gguf_kv_bool(w, "tokenizer.ggml.add_bos_token", true));
    check(w, gguf_kv_bool(w, "tokenizer.ggml.add_eos_token", false));
    check(w, gguf_kv_strn(w, "tokenizer.chat_template", tmpl, tmpl_len));
}

/* ---- tensor data ------------------------------------------------------- */

typedef struct Job {
    const Llama3Tensor *t;
    Hc1Rng rng;
    uint64_t row0, nrows;       /* rows of this job */
    size_t row_bytes;
    uint8_t *out;               /* output of row0 */
    float *scratch;             /* one row */
} Job;

/*
 * Rows [row0, row0 + nrows) of a normal-initialised tensor: draw in
 * float32, round to the f16 grid, convert to the tensor's type.
 */
static void *run_job(void *arg)
{
    Job *j = arg;
    uint64_t ne0 = j->t->ne[0], r;

    for (r = 0; r < j->nrows; r++) {
        float *x = j->scratch;
        uint8_t *out = j->out + r * j->row_bytes;

        hc1_rng_normal_fill(&j->rng, (j->row0 + r) * ne0, (size_t)ne0,
                            j->t->mean, j->t->std, x);
        if (j->t->type == HC1_TYPE_F16) {
            hc1_f32_to_f16_row(x, (size_t)ne0, out);
            continue;
        }
        hc1_round_to_f16_row(x, (size_t)ne0);
        hc1_quantize_row(j->t->type, x, (size_t)ne0, out);
    }
    return NULL;
}

typedef struct Buffers {
    uint8_t *out;
    size_t out_size;
    float *scratch[MAX_THREADS];
    size_t scratch_len;
} Buffers;

static void write_normal_tensor(GgufWriter *w, const Options *o,
                                const Llama3Tensor *t, Buffers *b)
{
    uint64_t ne0 = t->ne[0], rows = t->ne[1], done = 0;
    size_t row_bytes = hc1_type_row_bytes(t->type, ne0);
    uint64_t chunk_rows = CHUNK_VALUES / ne0 ? CHUNK_VALUES / ne0 : 1;
    Job jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    Hc1Rng rng;
    unsigned k;

    hc1_rng_init(&rng, o->seed, t->name);
    if (chunk_rows > rows) {
        chunk_rows = rows;
    }
    if (b->out_size < chunk_rows * row_bytes) {
        free(b->out);
        b->out_size = chunk_rows * row_bytes;
        b->out = malloc(b->out_size);
    }
    if (b->scratch_len < ne0) {
        for (k = 0; k < o->threads; k++) {
            free(b->scratch[k]);
            b->scratch[k] = malloc(ne0 * sizeof(float));
            if (!b->scratch[k]) {
                die("out of memory");
            }
        }
        b->scratch_len = ne0;
    }
    if (!b->out) {
        die("out of memory");
    }

    while (done < rows) {
        uint64_t n = rows - done < chunk_rows ? rows - done : chunk_rows;
        uint64_t per = (n + o->threads - 1) / o->threads, r0 = 0;
        unsigned used = 0;

        for (k = 0; k < o->threads && r0 < n; k++) {
            Job *j = &jobs[k];

            j->t = t;
            j->rng = rng;
            j->row0 = done + r0;
            j->nrows = n - r0 < per ? n - r0 : per;
            j->row_bytes = row_bytes;
            j->out = b->out + r0 * row_bytes;
            j->scratch = b->scratch[k];
            r0 += j->nrows;
            used++;
        }
        for (k = 1; k < used; k++) {
            if (pthread_create(&tids[k], NULL, run_job, &jobs[k]) != 0) {
                die("cannot create a thread");
            }
        }
        run_job(&jobs[0]);
        for (k = 1; k < used; k++) {
            pthread_join(tids[k], NULL);
        }
        check(w, gguf_writer_write(w, b->out, (size_t)(n * row_bytes)));
        done += n;
    }
}

static void write_rope_freqs(GgufWriter *w, const Llama3Tensor *t)
{
    float f[4096];

    if (t->ne[0] > sizeof(f) / sizeof(f[0])) {
        die("head dimension too large");
    }
    llama3_rope_freqs((uint32_t)(t->ne[0] * 2), f);
    {
        uint8_t out[sizeof(f)];

        hc1_quantize_row(HC1_TYPE_F32, f, (size_t)t->ne[0], out);
        check(w, gguf_writer_write(w, out, (size_t)t->ne[0] * 4));
    }
}

int main(int argc, char **argv)
{
    Options o;
    Llama3Vocab vocab;
    bool have_vocab = false;
    char err[512], default_name[64];
    const char *name, *tmpl = NULL;
    char *tmpl_file = NULL;
    size_t tmpl_len = 0, n_tensors, i;
    Llama3Tensor *plan;
    GgufWriter *w;
    Buffers bufs = { 0 };

    parse_options(argc, argv, &o);
    resolve_options(&o);

    if (!o.no_tokenizer) {
        if (!llama3_vocab_load(&vocab, o.tokenizer, o.tokenizer_config,
                               err, sizeof(err))) {
            die("%s", err);
        }
        have_vocab = true;
        tmpl = vocab.chat_template;
        tmpl_len = vocab.chat_template_len;
        if (o.chat_template) {
            tmpl_file = read_text_file(o.chat_template, &tmpl_len);
            tmpl = tmpl_file;
        }
    }
    if (o.name) {
        name = o.name;
    } else {
        snprintf(default_name, sizeof(default_name), "hc1-%s",
                 o.shape ? o.shape : "custom");
        name = default_name;
    }

    n_tensors = llama3_tensor_count(&o.hp);
    plan = calloc(n_tensors, sizeof(*plan));
    w = gguf_writer_new(ALIGNMENT);
    if (!plan || !w) {
        die("out of memory");
    }
    cleanup_writer = w;
    llama3_plan(&o.hp, o.ft, plan);

    write_metadata(w, &o, name, have_vocab ? &vocab : NULL, tmpl, tmpl_len);
    for (i = 0; i < n_tensors; i++) {
        check(w, gguf_add_tensor(w, plan[i].name, plan[i].n_dims, plan[i].ne,
                                 plan[i].type));
    }
    check(w, gguf_writer_open(w, o.output));
    if (have_vocab) {
        llama3_vocab_free(&vocab);      /* serialized; free it early */
    }
    free(tmpl_file);

    for (i = 0; i < n_tensors; i++) {
        if (plan[i].init == LLAMA3_INIT_ROPE_FREQS) {
            write_rope_freqs(w, &plan[i]);
        } else {
            write_normal_tensor(w, &o, &plan[i], &bufs);
        }
    }
    check(w, gguf_writer_close(w));

    if (o.verbose) {
        fprintf(stderr, PROG ": wrote %s: %zu tensors, %llu parameters, "
                "general.file_type %u\n", o.output, n_tensors,
                (unsigned long long)llama3_param_count(&o.hp),
                llama3_file_type_id(o.ft));
    }

    cleanup_writer = NULL;
    gguf_writer_free(w);
    free(plan);
    free(bufs.out);
    for (i = 0; i < MAX_THREADS; i++) {
        free(bufs.scratch[i]);
    }
    return 0;
}
