/*
 * hc1-llm: run the HC1 engine on the host.
 *
 *   hc1-llm info MODEL
 *   hc1-llm tokenize MODEL TEXT [--no-bos] [--no-special] [--json]
 *   hc1-llm detokenize MODEL ID... [--special]
 *   hc1-llm run MODEL (-p TEXT | --ids 1,2,3 | --chat TEXT) [options]
 *   hc1-llm bench MODEL [-p N] [-n N] [-b N] [-r N] [--depth N]
 *                 [--baseline FILE] [--sample]
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "hc1_engine.h"
#include "hc1_stop.h"
#include "hc1_tok.h"
#include "membw.h"
#include "threadrtt.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_STOPS 8

static const char *prog = "hc1-llm";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
                                                     noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage(void)
{
    printf("usage:\n"
           "  hc1-llm info MODEL\n"
           "  hc1-llm tokenize MODEL TEXT [--no-bos] [--no-special] [--json]\n"
           "  hc1-llm detokenize MODEL ID... [--special]\n"
           "  hc1-llm run MODEL (-p TEXT | --ids 1,2,3 | --chat TEXT) "
           "[options]\n"
           "      -n N              tokens to generate (default 32)\n"
           "      --temp T --top-k K --top-p P --min-p P\n"
           "      --repeat-penalty R --repeat-last-n N --seed S\n"
           "      --logprobs N      top log-probabilities per step (<= 20)\n"
           "      --stop STR        stop sequence (repeatable, up to 8)\n"
           "      --system TEXT     system message for --chat\n"
           "      --ignore-eos      do not stop at end-of-generation tokens\n"
           "      --json            ids, text and logprobs as JSON\n"
           "  hc1-llm bench MODEL [-p N] [-n N] [-b N] [-r N] [--depth N] "
           "[--baseline FILE] [--sample] [--json]\n"
           "      --depth N         decode, one context and batched, after "
           "N tokens of\n"
           "                        context each instead of one (the "
           "attention's share\n"
           "                        grows with it)\n"
           "      --sample          decode, one context and batched, feeds "
           "back sampled\n"
           "                        tokens (the sampling options above; "
           "greedy by default),\n"
           "                        as the card does\n"
           "common options: -t/--threads N, --kv f16|f32|q8, "
           "--isa portable|avx2|avx512|avx512-bf16\n");
}

/* ---- numbers ---------------------------------------------------------- */

static long long parse_int(const char *s, const char *what, long long lo,
                           long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (errno || end == s || *end || v < lo || v > hi) {
        die("bad %s '%s' (expected an integer in %lld..%lld)", what, s, lo,
            hi);
    }
    return v;
}

static double parse_num(const char *s, const char *what, double lo,
                        double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) {
        die("bad %s '%s' (expected a number in %g..%g)", what, s, lo, hi);
    }
    return v;
}

/* CPU seconds used by the whole process (all threads). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- common state ------------------------------------------------------ */

typedef struct opts {
    const char *model;
    uint32_t threads;
    hc1_kv_type kv;
    const char *prompt;
    const char *ids;
    const char *chat;
    const char *system;
    uint32_t n_predict;
    hc1_sampling smp;
    const char *stops[MAX_STOPS];
    size_t n_stops;
    bool json, no_bos, no_special, special, ignore_eos, sample;
    uint32_t pp, tg, batch, reps, depth;
    const char *baseline;
    const char *rest[4096];
    int n_rest;
} opts;

static void *tok_alloc(void *o, size_t n)
{
    (void)o;
    return malloc(n);
}

static void tok_free(void *o, void *p)
{
    (void)o;
    free(p);
}

static hc1_model *open_model(const char *path)
{
    hc1_model *m;
    char err[512];
    if (!path) {
        die("no model given");
    }
    hc1_status st = hc1_model_open_file(path, &m, err, sizeof(err));
    if (st) {
        if (!strncmp(err, path, strlen(path))) {
            die("%s", err);     /* the message names the file already */
        }
        die("%s: %s", path, err[0] ? err : hc1_status_str(st));
    }
    return m;
}

static bool try_open_tok(const hc1_model *m, hc1_tok *t)
{
    const void *blob;
    size_t len;
    hc1_tok_alloc a = { tok_alloc, tok_free, NULL };
    if (hc1_model_tokenizer_blob(m, &blob, &len) || !blob) {
        return false;
    }
    int r = hc1_tok_init(t, blob, len, &a);
    if (r) {
        die("tokenizer: %s", hc1_tok_strerror(r));
    }
    return true;
}

static void open_tok(const hc1_model *m, hc1_tok *t)
{
    const void *blob;
    size_t len;
    hc1_tok_alloc a = { tok_alloc, tok_free, NULL };
    if (hc1_model_tokenizer_blob(m, &blob, &len) || !blob) {
        die("model has no tokenizer");
    }
    int r = hc1_tok_init(t, blob, len, &a);
    if (r) {
        die("tokenizer: %s", hc1_tok_strerror(r));
    }
}

static int32_t *encode(const hc1_tok *t, const char *text, uint32_t flags,
                       long *n)
{
    long k = hc1_tok_encode(t, text, strlen(text), flags, NULL, 0);
    if (k < 0) {
        die("tokenize: %s", hc1_tok_strerror((int)k));
    }
    int32_t *ids = malloc((size_t)(k ? k : 1) * sizeof(int32_t));
    if (!ids) {
        die("out of memory");
    }
    hc1_tok_encode(t, text, strlen(text), flags, ids, (size_t)k);
    *n = k;
    return ids;
}

static char *piece(const hc1_tok *t, int32_t id, uint32_t flags)
{
    static char buf[1024];
    long l = hc1_tok_piece(t, id, flags, buf, sizeof(buf) - 1);
    if (l < 0) {
        l = 0;
    }
    if ((size_t)l > sizeof(buf) - 1) {
        l = sizeof(buf) - 1;
    }
    buf[l] = 0;
    return buf;
}

static void json_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c == '\r') {
            fputs("\\r", f);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

static hc1_engine *new_engine(const hc1_model *m, const opts *o)
{
    hc1_engine_config cfg = { .n_threads = o->threads, .kv_type = o->kv };
    hc1_engine *e;
    hc1_status st = hc1_engine_new(m, &cfg, &e);
    if (st) {
        die("engine: %s", hc1_status_str(st));
    }
    return e;
}

/* ---- commands ---------------------------------------------------------- */

static int cmd_info(const opts *o)
{
    hc1_model *m = open_model(o->model);
    const hc1_model_info *in = hc1_model_get_info(m);
    uint64_t per_type[64] = { 0 };
    uint32_t cnt[64] = { 0 };

    printf("name            %s\n", in->name[0] ? in->name : "(none)");
    printf("vocabulary      %u\n", in->n_vocab);
    printf("embedding       %u\n", in->n_embd);
    printf("layers          %u\n", in->n_layer);
    printf("heads / kv      %u / %u (head size %u)\n", in->n_head,
           in->n_head_kv, in->head_dim);
    printf("ffn             %u\n", in->n_ff);
    printf("context (train) %u\n", in->n_ctx_train);
    printf("rope theta      %g%s\n", in->rope_theta,
           in->has_rope_freqs ? " with rope_freqs (llama3 scaling)" : "");
    printf("rms eps         %g\n", in->norm_eps);
    printf("output head     %s\n", in->tied_output ? "tied to token_embd"
                                                   : "output.weight");
    printf("main type       %s\n", hc1_type_name(in->weight_type));
    printf("bos/eos/eot/eom %d %d %d %d\n", in->bos_id, in->eos_id,
           in->eot_id, in->eom_id);
    printf("weights         %.1f MiB mapped (not copied)\n",
           in->weight_bytes / 1048576.0);
    for (uint32_t i = 0; i < hc1_model_n_tensors(m); i++) {
        hc1_tensor_info ti;
        hc1_model_tensor_info(m, i, &ti);
        if (ti.type < 64) {
            per_type[ti.type] += ti.nbytes;
            cnt[ti.type]++;
        }
    }
    printf("tensor types   ");
    for (int t = 0; t < 64; t++) {
        if (cnt[t]) {
            printf(" %s:%u (%.1f MiB)", hc1_type_name((uint32_t)t), cnt[t],
                   per_type[t] / 1048576.0);
        }
    }
    printf("\n");
    {
        hc1_engine *e = new_engine(m, o);
        printf("kv cache        %zu bytes/token (%s)\n",
               hc1_engine_kv_bytes_per_token(e),
               o->kv == HC1_KV_F32 ? "f32" : o->kv == HC1_KV_Q8 ? "q8"
                                                                : "f16");
        printf("scratch         %.1f MiB (threads %u, kernels %s)\n",
               hc1_engine_scratch_bytes(e) / 1048576.0,
               hc1_engine_n_threads(e), hc1_engine_isa());
        hc1_engine_free(e);
    }
    if (o->json) {
        /* the tensor list only in verbose form */
    }
    hc1_model_close(m);
    return 0;
}

static int cmd_tokenize(const opts *o)
{
    hc1_model *m = open_model(o->model);
    hc1_tok t;
    long n;
    uint32_t fl = 0;
    if (o->n_rest < 1) {
        die("tokenize: no text given");
    }
    open_tok(m, &t);
    if (!o->no_bos && hc1_tok_add_bos(&t)) {
        fl |= HC1_ENC_ADD_BOS;
    }
    if (!o->no_special) {
        fl |= HC1_ENC_PARSE_SPECIAL;
    }
    int32_t *ids = encode(&t, o->rest[0], fl, &n);
    if (o->json) {
        printf("[");
        for (long i = 0; i < n; i++) {
            printf("%s%d", i ? ", " : "", ids[i]);
        }
        printf("]\n");
    } else {
        for (long i = 0; i < n; i++) {
            printf("%d%s", ids[i], i + 1 < n ? " " : "\n");
        }
    }
    free(ids);
    hc1_tok_fini(&t);
    hc1_model_close(m);
    return 0;
}

static int cmd_detokenize(const opts *o)
{
    hc1_model *m = open_model(o->model);
    hc1_tok t;
    open_tok(m, &t);
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)(o->n_rest + 1));
    size_t n = 0;
    for (int i = 0; i < o->n_rest; i++) {
        /* accept "1 2 3", "1,2,3" */
        char *s = strdup(o->rest[i]);
        for (char *tok = strtok(s, ", "); tok; tok = strtok(NULL, ", ")) {
            ids = realloc(ids, sizeof(int32_t) * (n + 1));
            ids[n++] = (int32_t)parse_int(tok, "token id", 0,
                                          (long long)t.n_vocab - 1);
        }
        free(s);
    }
    uint32_t fl = o->special ? HC1_DEC_SPECIAL : 0;
    long l = hc1_tok_decode(&t, ids, n, fl, NULL, 0);
    char *buf = malloc((size_t)l + 1);
    hc1_tok_decode(&t, ids, n, fl, buf, (size_t)l);
    fwrite(buf, 1, (size_t)l, stdout);
    putchar('\n');
    free(buf);
    free(ids);
    hc1_tok_fini(&t);
    hc1_model_close(m);
    return 0;
}

static int32_t *parse_ids(const char *s, uint32_t n_vocab, long *n)
{
    char *d = strdup(s);
    int32_t *ids = NULL;
    long k = 0;
    for (char *tok = strtok(d, ", "); tok; tok = strtok(NULL, ", ")) {
        ids = realloc(ids, sizeof(int32_t) * (size_t)(k + 1));
        ids[k++] = (int32_t)parse_int(tok, "token id", 0,
                                      (long long)n_vocab - 1);
    }
    free(d);
    if (k == 0) {
        die("--ids: no token ids");
    }
    *n = k;
    return ids;
}

static int cmd_run(const opts *o)
{
    hc1_model *m = open_model(o->model);
    const hc1_model_info *in = hc1_model_get_info(m);
    hc1_tok t;
    long n;
    int32_t *ids;

    if (!!o->prompt + !!o->ids + !!o->chat != 1) {
        die("run: give exactly one of -p TEXT, --ids LIST, --chat TEXT");
    }
    bool have_tok = try_open_tok(m, &t);
    if (!have_tok && !o->ids) {
        die("model has no tokenizer: give the prompt with --ids");
    }
    if (o->ids) {
        ids = parse_ids(o->ids, in->n_vocab, &n);
    } else {
        const char *text = o->prompt;
        char *chat = NULL;
        if (o->chat) {
            hc1_chat_msg msgs[2];
            size_t nm = 0;
            if (o->system) {
                msgs[nm].role = "system";
                msgs[nm++].content = o->system;
            }
            msgs[nm].role = "user";
            msgs[nm++].content = o->chat;
            size_t l = hc1_tok_chat_llama31(msgs, nm, HC1_CHAT_ADD_ASSISTANT,
                                            NULL, NULL, 0);
            chat = malloc(l + 1);
            hc1_tok_chat_llama31(msgs, nm, HC1_CHAT_ADD_ASSISTANT, NULL, chat,
                                 l + 1);
            text = chat;
        }
        uint32_t fl = HC1_ENC_PARSE_SPECIAL;
        if (!o->no_bos && hc1_tok_add_bos(&t)) {
            fl |= HC1_ENC_ADD_BOS;
        }
        ids = encode(&t, text, fl, &n);
        free(chat);
        if (n == 0) {
            die("run: the prompt has no tokens");
        }
    }
    hc1_engine *e = new_engine(m, o);
    hc1_ctx *c;
    uint64_t need = (uint64_t)n + o->n_predict;
    if (hc1_ctx_new(e, (uint32_t)(need < 16 ? 16 : need), 0, &c)) {
        die("cannot create a context of %llu tokens",
            (unsigned long long)need);
    }
    double t0 = now_s();
    hc1_status st = hc1_prefill(c, ids, (uint32_t)n);
    if (st) {
        die("prefill: %s", hc1_status_str(st));
    }
    double t1 = now_s();
    hc1_token_out *outs = calloc(o->n_predict + 1, sizeof(hc1_token_out));
    size_t cap = 4096, tl = 0;
    char *text = malloc(cap);
    uint32_t steps = 0;
    const char *why = "length";
    for (uint32_t i = 0; i < o->n_predict; i++) {
        st = hc1_sample(c, &o->smp, &outs[i]);
        if (st) {
            die("sample: %s", hc1_status_str(st));
        }
        steps++;
        int32_t id = outs[i].id;
        if (!o->ignore_eos && id >= 0 &&
            (id == in->eos_id || id == in->eot_id || id == in->eom_id)) {
            why = "eog";
            break;
        }
        const char *p = have_tok ? piece(&t, id, 0) : "";
        size_t pl = strlen(p);
        if (tl + pl + 1 > cap) {
            cap = 2 * (tl + pl + 1);
            text = realloc(text, cap);
        }
        memcpy(text + tl, p, pl);
        tl += pl;
        if (!o->json) {
            fwrite(p, 1, pl, stdout);
            fflush(stdout);
        }
        size_t at;
        if (o->n_stops &&
            hc1_stop_find(text, tl, o->stops, o->n_stops, &at, NULL) >= 0) {
            tl = at;
            why = "stop";
            break;
        }
        if (i + 1 < o->n_predict) {
            hc1_status s1;
            st = hc1_decode_batch(e, &c, &id, 1, &s1);
            if (st == HC1_E_CTX_FULL) {
                why = "context";
                break;
            }
            if (st) {
                die("decode: %s", hc1_status_str(st));
            }
        }
    }
    double t2 = now_s();
    if (o->json) {
        printf("{\"prompt_ids\": [");
        for (long i = 0; i < n; i++) {
            printf("%s%d", i ? ", " : "", ids[i]);
        }
        printf("], \"ids\": [");
        for (uint32_t i = 0; i < steps; i++) {
            printf("%s%d", i ? ", " : "", outs[i].id);
        }
        printf("], \"text\": ");
        json_str(stdout, text, tl);
        printf(", \"finish\": \"%s\", \"logprobs\": [", why);
        for (uint32_t i = 0; i < steps; i++) {
            printf("%s{\"id\": %d, \"logprob\": %.7g", i ? ", " : "",
                   outs[i].id, outs[i].logprob);
            if (outs[i].n_top) {
                printf(", \"top\": [");
                for (uint32_t k = 0; k < outs[i].n_top; k++) {
                    printf("%s[%d, %.7g]", k ? ", " : "", outs[i].top_ids[k],
                           outs[i].top_logprobs[k]);
                }
                printf("]");
            }
            printf("}");
        }
        printf("], \"prompt_tokens_per_s\": %.2f, \"decode_tokens_per_s\": "
               "%.2f}\n", n / (t1 - t0),
               steps > 1 ? (steps - 1) / (t2 - t1) : 0.0);
    } else {
        printf("\n");
        fprintf(stderr, "[%ld prompt tokens %.1f tok/s, %u generated %.1f "
                "tok/s, finish %s]\n", n, n / (t1 - t0), steps,
                steps > 1 ? (steps - 1) / (t2 - t1) : 0.0, why);
    }
    free(text);
    free(outs);
    free(ids);
    hc1_ctx_free(c);
    hc1_engine_free(e);
    if (have_tok) {
        hc1_tok_fini(&t);
    }
    hc1_model_close(m);
    return 0;
}

/* ---- bench ---------------------------------------------------------------- */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_dbl);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The value (KB) of the line starting @key in /proc file @path, or -1. */
static long proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    char line[256];
    long v = -1;
    if (!f) {
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        if (!strncmp(line, key, strlen(key))) {
            v = atol(line + strlen(key));
        }
    }
    fclose(f);
    return v;
}

/*
 * Resident anonymous memory (KB): what the process holds beyond the
 * mapped weights (file pages are RssFile).
 */
static long rss_anon_kb(void)
{
    return proc_kb("/proc/self/status", "RssAnon:");
}

/* Of it, in 2 MiB pages (KB): the KV caches ask for them (hugemem.c). */
static long anon_huge_kb(void)
{
    return proc_kb("/proc/self/smaps_rollup", "AnonHugePages:");
}

/*
 * ", N MiB of it resident in 2 MiB pages" for the weights' mapping, or
 * nothing where the kernel does not tell (README: 2 MiB pages).
 */
static const char *huge_pages(const hc1_model *m)
{
    static char s[96];
    uint64_t res, huge;

    if (hc1_model_map_pages(m, &res, &huge) != HC1_OK) {
        return "";
    }
    snprintf(s, sizeof(s), ", %.1f MiB resident, %.1f MiB of it in 2 MiB "
             "pages", res / 1048576.0, huge / 1048576.0);
    return s;
}

/* Find "| model | quant |" rows in the baseline README table. */
static bool baseline_lookup(const char *path, const char *shape,
                            const char *quant, double *pp, double *tg,
                            double *share)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    if (!f) {
        die("--baseline %s: %s", path, strerror(errno));
    }
    while (fgets(line, sizeof(line), f)) {
        char c[8][64];
        int k = 0;
        char *s = line;
        if (*s != '|') {
            continue;
        }
        for (char *tok = strtok(s, "|"); tok && k < 8;
             tok = strtok(NULL, "|")) {
            while (*tok == ' ') {
                tok++;
            }
            size_t l = strlen(tok);
            while (l && (tok[l - 1] == ' ' || tok[l - 1] == '\n')) {
                tok[--l] = 0;
            }
            snprintf(c[k++], sizeof(c[0]), "%s", tok);
        }
        if (k >= 6 && !strcasecmp(c[0], shape) && !strcasecmp(c[1], quant)) {
            *pp = atof(c[4]);
            *tg = atof(c[5]);
            /* "share of bound", "-" where the weights fit in cache */
            *share = k >= 8 ? atof(c[7]) : 0;
            fclose(f);
            return true;
        }
    }
    fclose(f);
    return false;
}

static const char *shape_of(const hc1_model_info *in)
{
    if (in->n_embd == 64 && in->n_layer == 2) {
        return "tiny";
    }
    if (in->n_embd == 64 && in->n_layer == 5) {
        return "stories260K";
    }
    if (in->n_embd == 512 && in->n_layer == 8) {
        return in->tied_output ? "small-tied" : "small";
    }
    if (in->n_embd == 2048 && in->n_layer == 16) {
        return "medium";
    }
    return "?";
}

static const char *quant_of(const hc1_model_info *in)
{
    switch (in->weight_type) {
    case 0:
        return "F32";
    case 1:
        return "F16";
    case 8:
        return "Q8_0";
    case 2:
        return "Q4_0";
    case 12:
        return "Q4_K_M";
    case 30:
        return "BF16";
    default:
        return hc1_type_name(in->weight_type);
    }
}

/*
 * Weight bytes one decoded token reads: every tensor but the embedding
 * table, of which one row is read, unless the output head reuses it
 * (the baseline's "MB/tok").
 */
static uint64_t bytes_per_token(const hc1_model *m, const hc1_model_info *in)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < hc1_model_n_tensors(m); i++) {
        hc1_tensor_info ti;
        hc1_model_tensor_info(m, i, &ti);
        if (in->tied_output || strcmp(ti.name, "token_embd.weight")) {
            sum += ti.nbytes;
        }
    }
    return sum;
}

/*
 * The model file mapped once more, for the bandwidth probe: it reads
 * the pages the engine's mapping streams (the same page cache). NULL,
 * with errno set, if it cannot be mapped; the bench then goes without
 * the probe and says why.
 */
static const void *map_for_probe(const char *path, size_t *len)
{
    struct stat sb;
    void *p;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return NULL;
    }
    if (fstat(fd, &sb) < 0 || sb.st_size <= 0) {
        int err = sb.st_size <= 0 ? EINVAL : errno;
        close(fd);
        errno = err;
        return NULL;
    }
    p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        int err = errno;
        close(fd);
        errno = err;
        return NULL;
    }
    close(fd);
    *len = (size_t)sb.st_size;
    return p;
}

/*
 * Round trips per round of the placement probe: 5 rounds of this many
 * take 10-50 ms.
 */
#define RTT_TRIPS 20000

/* below this a model's weights stay in the caches: no memory bound */
#define PROBE_MIN_BYTES (64u << 20)

static int cmd_bench(const opts *o)
{
    hc1_model *m = open_model(o->model);
    const hc1_model_info *in = hc1_model_get_info(m);
    hc1_engine *e = new_engine(m, o);
    uint32_t pp = o->pp, tg = o->tg, B = o->batch, R = o->reps;
    /* decode starts after this many tokens of context: 1 + --depth */
    uint32_t d0 = 1 + o->depth;
    /* ids for the prompt run and for the decode runs, whichever is more */
    uint32_t n_toks = (pp > d0 + tg ? pp : d0 + tg) + 1;
    double pps[64], tgs[64], bts[64], ppc[64], tgc[64], bws[64], shr[64];
    double rtts[128];
    int n_rtt = 0;
    /* the threads' placement, only meaningful with several */
    bool rtt = hc1_engine_n_threads(e) > 1;
    uint64_t bpt = bytes_per_token(m, in);
    size_t map_len = 0;
    const void *map = bpt >= PROBE_MIN_BYTES ?
                      map_for_probe(o->model, &map_len) : NULL;
    const char *no_probe = bpt < PROBE_MIN_BYTES ? NULL :
                           !map ? strerror(errno) : NULL;
    int32_t *toks = malloc(sizeof(int32_t) * n_toks);
    hc1_ctx **cs = calloc(B, sizeof(hc1_ctx *));
    int32_t *bt = malloc(sizeof(int32_t) * B);
    hc1_status *bst = malloc(sizeof(hc1_status) * B);
    hc1_sampling *bsmp = malloc(sizeof(hc1_sampling) * B);
    hc1_token_out *bto = malloc(sizeof(hc1_token_out) * B);

    if (R > 64) {
        R = 64;
    }
    for (uint32_t i = 0; i < n_toks; i++) {
        toks[i] = (int32_t)(hc1_rng_u64(1, 2, i) % in->n_vocab);
    }
    for (uint32_t b = 0; b < B; b++) {
        if (hc1_ctx_new(e, n_toks + 8, b, &cs[b])) {
            die("bench: cannot create context %u", b);
        }
        bsmp[b] = o->smp;
    }
    /*
     * The batch's contexts up to the decode depth, once: each round
     * cuts them back to it. (Context 0 also runs the prompt and the
     * one-context decode, and is filled again in every round.)
     */
    for (uint32_t b = 1; b < B; b++) {
        if (hc1_prefill(cs[b], toks, d0)) {
            die("bench: prefill failed");
        }
    }
    /* warm-up: the first touch of every weight page is a page fault
     * (the file is mapped, not read), which is not the engine's speed */
    if (hc1_prefill(cs[0], toks, pp < 64 ? pp : 64)) {
        die("bench: prefill failed");
    }
    if (map) {
        /* the same for the probe's own mapping */
        hc1_membw_read(map, map_len, hc1_engine_n_threads(e));
    }
    for (uint32_t r = 0; r < R; r++) {
        hc1_ctx *c = cs[0];
        hc1_status s1;
        hc1_ctx_truncate(c, 0);
        double c0 = cpu_s();
        double t0 = now_s();
        if (hc1_prefill(c, toks, pp)) {
            die("bench: prefill failed");
        }
        double t1 = now_s();
        ppc[r] = pp / (cpu_s() - c0);
        /*
         * decode from depth d0: the prompt run's cache holds the same
         * ids, so keep what it has of them and fill up the rest
         */
        uint32_t keep = pp < d0 ? pp : d0;
        hc1_ctx_truncate(c, keep);
        if (d0 > keep && hc1_prefill(c, toks + keep, d0 - keep)) {
            die("bench: prefill failed");
        }
        /*
         * The host's bandwidth just before and just after: decode of one
         * context is bound by it, and it moves by the minute.
         */
        double bw0 = map ? hc1_membw_read(map, map_len,
                                          hc1_engine_n_threads(e)) : 0;
        if (rtt) {
            rtts[n_rtt++] = hc1_thread_rtt_ns(RTT_TRIPS);
        }
        double c2 = cpu_s();
        double t2 = now_s();
        for (uint32_t i = 0; i < tg; i++) {
            int32_t id = toks[d0 + i];
            if (o->sample) {
                /* what the card does per token: sample from the logits
                 * (log-probability included) and feed the choice back */
                hc1_token_out to;
                if (hc1_sample(c, &o->smp, &to)) {
                    die("bench: sampling failed");
                }
                id = to.id;
            }
            hc1_decode_batch(e, &c, &id, 1, &s1);
        }
        double t3 = now_s();
        tgc[r] = tg / (cpu_s() - c2);
        pps[r] = pp / (t1 - t0);
        tgs[r] = tg / (t3 - t2);
        double bw1 = map ? hc1_membw_read(map, map_len,
                                          hc1_engine_n_threads(e)) : 0;
        bws[r] = (bw0 + bw1) / 2;
        shr[r] = bws[r] > 0 ? tgs[r] * (double)bpt / bws[r] : 0;
        if (B > 1) {
            for (uint32_t b = 0; b < B; b++) {
                hc1_ctx_truncate(cs[b], d0);
            }
            double t4 = now_s();
            for (uint32_t i = 0; i < tg; i++) {
                for (uint32_t b = 0; b < B; b++) {
                    bt[b] = toks[d0 + i];
                }
                if (o->sample) {
                    /* every context samples its next token, all at once
                     * on the pool, as the card does after each step */
                    if (hc1_sample_batch(cs, bsmp, bto, bst, B)) {
                        die("bench: sampling failed");
                    }
                    for (uint32_t b = 0; b < B; b++) {
                        bt[b] = bto[b].id;
                    }
                }
                hc1_decode_batch(e, cs, bt, B, bst);
            }
            double t5 = now_s();
            bts[r] = (double)tg * B / (t5 - t4);
            if (rtt) {
                rtts[n_rtt++] = hc1_thread_rtt_ns(RTT_TRIPS);
            }
        } else {
            bts[r] = tgs[r];
        }
    }
    double mpp = median(pps, (int)R), mtg = median(tgs, (int)R);
    double mbt = median(bts, (int)R);
    double mppc = median(ppc, (int)R), mtgc = median(tgc, (int)R);
    double mbw = median(bws, (int)R), mshr = median(shr, (int)R);
    double mrtt = n_rtt ? median(rtts, n_rtt) : 0;
    /* a batched step reads the weights once for all B contexts */
    double bbw = mbt / B * (double)bpt;
    double bpp = 0, btg = 0, bshr = 0;
    bool have = o->baseline &&
                baseline_lookup(o->baseline, shape_of(in), quant_of(in), &bpp,
                                &btg, &bshr);
    size_t kvres = 0;
    for (uint32_t b = 0; b < B; b++) {
        kvres += hc1_ctx_bytes(cs[b]);
    }
    if (o->json) {
        printf("{\"model\": \"%s\", \"shape\": \"%s\", \"quant\": \"%s\", "
               "\"threads\": %u, \"isa\": \"%s\", \"pp\": %u, \"tg\": %u, "
               "\"pp_tok_s\": %.2f, \"tg_tok_s\": %.2f, \"batch\": %u, "
               "\"batch_tok_s\": %.2f, \"batch_speedup\": %.2f, "
               "\"scratch_bytes\": %zu, \"ctx_bytes\": %zu, "
               "\"rss_anon_kb\": %ld, \"anon_huge_kb\": %ld, "
               "\"pp_tok_per_cpu_s\": %.2f, "
               "\"tg_tok_per_cpu_s\": %.2f, \"tg_sampled\": %s, "
               "\"depth\": %u",
               o->model, shape_of(in), quant_of(in), hc1_engine_n_threads(e),
               hc1_engine_isa(), pp, tg, mpp, mtg, B, mbt, mbt / mtg,
               hc1_engine_scratch_bytes(e), kvres, rss_anon_kb(),
               anon_huge_kb(), mppc, mtgc,
               o->sample ? "true" : "false", o->depth);
        if (map && mbw > 0) {
            printf(", \"bytes_per_token\": %llu, \"mem_read_gb_s\": %.2f, "
                   "\"tg_share_of_mem_bound\": %.3f, "
                   "\"batch_share_of_mem_bound\": %.3f",
                   (unsigned long long)bpt, mbw / 1e9, mshr, bbw / mbw);
        }
        if (mrtt > 0) {
            printf(", \"thread_rtt_ns\": %.1f", mrtt);
        }
        if (have) {
            printf(", \"baseline_pp_tok_s\": %.2f, \"baseline_tg_tok_s\": "
                   "%.2f, \"pp_ratio\": %.3f, \"tg_ratio\": %.3f", bpp, btg,
                   mpp / bpp, mtg / btg);
        }
        printf("}\n");
    } else {
        printf("model %s (%s %s), %u threads, kernels %s, %u runs (median)\n",
               o->model, shape_of(in), quant_of(in), hc1_engine_n_threads(e),
               hc1_engine_isa(), R);
        printf("prompt pp%u      %10.1f tok/s", pp, mpp);
        if (have) {
            printf("   baseline %8.1f   ratio %.2f", bpp, mpp / bpp);
        }
        char dl[32] = "";
        if (o->depth) {
            snprintf(dl, sizeof(dl), " @%u", o->depth);
        }
        printf("\ndecode tg%u%-6s%10.1f tok/s", tg, dl, mtg);
        if (have) {
            printf("   baseline %8.1f   ratio %.2f", btg, mtg / btg);
        }
        if (o->sample) {
            printf("   (each token sampled)");
        }
        if (map && mbw <= 0) {
            no_probe = "a reader thread could not be started";
        }
        if (no_probe) {
            printf("\nmemory now       no probe (%s): decode's share of the "
                   "bound not measured", no_probe);
        } else if (map) {
            /*
             * decode against the bandwidth of the same minutes, beside
             * the baseline's share of its own machine's bound
             */
            printf("\nmemory now       %10.1f GB/s read (%u threads, around "
                   "each decode run); decode reads %.0f MB a token: %.2f of "
                   "that bound", mbw / 1e9, hc1_engine_n_threads(e),
                   bpt / 1e6, mshr);
            if (have && bshr > 0) {
                printf(" (baseline %.2f of its own)", bshr);
            }
        }
        printf("\nbatched x%-3u     %10.1f tok/s aggregate (%.2fx one "
               "context)", B, mbt, mbt / mtg);
        if (!no_probe && map && B > 1) {
            /*
             * how near the same bound the batch runs: the ratio's other
             * side
             */
            printf("; weights at %.1f GB/s, %.2f of the bound", bbw / 1e9,
                   bbw / mbw);
        }
        if (o->sample && B > 1) {
            printf("; each token sampled");
        }
        if (mrtt > 0) {
            /*
             * where the host put the threads: one context decodes faster
             * and a batch slower when they are far apart (README)
             */
            printf("\nthreads now      %10.0f ns round trip of a cache line "
                   "between two threads (around each run)", mrtt);
        }
        printf("\n");
        /* on a shared host the wall clock depends on what else runs;
         * tokens per CPU-second (all threads, spinning included) less */
        printf("per CPU-second:  prompt %.1f tok, decode %.1f tok "
               "(x%u threads = %.1f / %.1f tok/s on idle cores)\n", mppc,
               mtgc, hc1_engine_n_threads(e),
               mppc * hc1_engine_n_threads(e), mtgc * hc1_engine_n_threads(e));
        printf("memory: weights %.1f MiB mapped%s; scratch %.1f MiB; "
               "%u contexts %.1f MiB (KV %zu B/token); resident beyond "
               "the mapping %.1f MiB",
               in->weight_bytes / 1048576.0, huge_pages(m),
               hc1_engine_scratch_bytes(e) / 1048576.0, B,
               kvres / 1048576.0, hc1_engine_kv_bytes_per_token(e),
               rss_anon_kb() / 1024.0);
        long huge_kb = anon_huge_kb();
        if (huge_kb >= 0) {
            printf(", %.1f MiB of it in 2 MiB pages", huge_kb / 1024.0);
        }
        printf("\n");
        if (o->baseline && !have) {
            printf("baseline: no row for %s %s\n", shape_of(in),
                   quant_of(in));
        }
    }
    for (uint32_t b = 0; b < B; b++) {
        hc1_ctx_free(cs[b]);
    }
    free(cs);
    free(bt);
    free(bst);
    free(bsmp);
    free(bto);
    free(toks);
    if (map) {
        munmap((void *)map, map_len);
    }
    hc1_engine_free(e);
    hc1_model_close(m);
    return 0;
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    opts o;
    const char *cmd;

    memset(&o, 0, sizeof(o));
    hc1_sampling_default(&o.smp);
    o.n_predict = 32;
    o.kv = HC1_KV_F16;
    o.pp = 128;
    o.tg = 64;
    o.batch = 8;
    o.reps = 3;
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage();
        return argc < 2 ? 1 : 0;
    }
    cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
#define ARG() (i + 1 < argc ? argv[++i] : (die("%s needs a value", a), ""))
        if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
            o.threads = (uint32_t)parse_int(ARG(), "thread count", 1, 256);
        } else if (!strcmp(a, "--kv")) {
            const char *v = ARG();
            if (!strcmp(v, "f16")) {
                o.kv = HC1_KV_F16;
            } else if (!strcmp(v, "f32")) {
                o.kv = HC1_KV_F32;
            } else if (!strcmp(v, "q8")) {
                o.kv = HC1_KV_Q8;
            } else {
                die("bad --kv '%s' (f16, f32 or q8)", v);
            }
        } else if (!strcmp(a, "--isa")) {
            const char *v = ARG();
            if (hc1_engine_force_isa(v) < 0) {
                die("bad --isa '%s' (portable, avx2, avx512, avx512-bf16)", v);
            }
        } else if (!strcmp(a, "-p") && strcmp(cmd, "bench")) {
            o.prompt = ARG();
        } else if (!strcmp(a, "-p")) {
            o.pp = (uint32_t)parse_int(ARG(), "prompt length", 1, 4096);
        } else if (!strcmp(a, "--ids")) {
            o.ids = ARG();
        } else if (!strcmp(a, "--chat")) {
            o.chat = ARG();
        } else if (!strcmp(a, "--system")) {
            o.system = ARG();
        } else if (!strcmp(a, "-n")) {
            uint32_t v = (uint32_t)parse_int(ARG(), "token count", 1, 1 << 20);
            o.n_predict = v;
            o.tg = v;
        } else if (!strcmp(a, "-b")) {
            o.batch = (uint32_t)parse_int(ARG(), "batch", 1, 64);
        } else if (!strcmp(a, "-r")) {
            o.reps = (uint32_t)parse_int(ARG(), "repetitions", 1, 64);
        } else if (!strcmp(a, "--depth")) {
            o.depth = (uint32_t)parse_int(ARG(), "depth", 0, 1 << 17);
        } else if (!strcmp(a, "--temp")) {
            o.smp.temperature = (float)parse_num(ARG(), "temperature", 0, 100);
        } else if (!strcmp(a, "--top-k")) {
            o.smp.top_k = (uint32_t)parse_int(ARG(), "top-k", 0, 1 << 30);
        } else if (!strcmp(a, "--top-p")) {
            o.smp.top_p = (float)parse_num(ARG(), "top-p", 1e-9, 1);
        } else if (!strcmp(a, "--min-p")) {
            o.smp.min_p = (float)parse_num(ARG(), "min-p", 0, 1);
        } else if (!strcmp(a, "--repeat-penalty")) {
            o.smp.repeat_penalty = (float)parse_num(ARG(), "repeat penalty",
                                                    1e-3, 1e3);
        } else if (!strcmp(a, "--repeat-last-n")) {
            o.smp.repeat_last_n = (uint32_t)parse_int(ARG(), "repeat-last-n",
                                                      0, 1 << 24);
        } else if (!strcmp(a, "--seed")) {
            o.smp.seed = (uint64_t)parse_int(ARG(), "seed", 0, INT64_MAX);
        } else if (!strcmp(a, "--logprobs")) {
            o.smp.n_top_logprobs = (uint32_t)parse_int(ARG(), "logprobs", 0,
                                                       HC1_MAX_TOP_LOGPROBS);
        } else if (!strcmp(a, "--stop")) {
            if (o.n_stops == MAX_STOPS) {
                die("too many --stop (at most %d)", MAX_STOPS);
            }
            o.stops[o.n_stops++] = ARG();
        } else if (!strcmp(a, "--baseline")) {
            o.baseline = ARG();
        } else if (!strcmp(a, "--json")) {
            o.json = true;
        } else if (!strcmp(a, "--no-bos")) {
            o.no_bos = true;
        } else if (!strcmp(a, "--no-special")) {
            o.no_special = true;
        } else if (!strcmp(a, "--special")) {
            o.special = true;
        } else if (!strcmp(a, "--ignore-eos")) {
            o.ignore_eos = true;
        } else if (!strcmp(a, "--sample")) {
            o.sample = true;
        } else if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9')) {
            die("unknown option '%s' (see %s --help)", a, prog);
        } else if (!o.model) {
            o.model = a;
        } else if (o.n_rest < (int)(sizeof(o.rest) / sizeof(o.rest[0]))) {
            o.rest[o.n_rest++] = a;
        } else {
            die("too many arguments");
        }
#undef ARG
    }
    if (!strcmp(cmd, "info")) {
        return cmd_info(&o);
    }
    if (!strcmp(cmd, "tokenize")) {
        return cmd_tokenize(&o);
    }
    if (!strcmp(cmd, "detokenize")) {
        return cmd_detokenize(&o);
    }
    if (!strcmp(cmd, "run")) {
        return cmd_run(&o);
    }
    if (!strcmp(cmd, "bench")) {
        return cmd_bench(&o);
    }
    die("unknown command '%s' (info, tokenize, detokenize, run, bench)", cmd);
}
