/*
 * hc1: the HC1 card from the command line.
 *
 *   hc1 [-d DEV] info
 *   hc1 [-d DEV] generate "PROMPT" [options]   stream the continuation
 *       (--logprobs N, --json: one line per token with its log-probability
 *       and the N most likely tokens)
 *   hc1 [-d DEV] chat [--system TEXT]          interactive Llama 3.1 chat
 *   hc1 [-d DEV] bench [-p N] [-n N] [-r N]    tokens/s through the stack
 *   hc1 [-d DEV] selftest
 *
 * Errors: one line on stderr, exit status 1 (2 for bad usage).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libhc1.h"

static const char *dev_path;
static hc1_context *volatile interrupted_ctx;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
                                                     noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("hc1: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2),
                                                             noreturn));
static void usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("hc1: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (hc1 --help lists the options)\n", stderr);
    exit(2);
}

static void usage(void)
{
    printf("usage: hc1 [-d DEVICE] COMMAND [options]\n"
           "  info                     identity, limits and state of the card\n"
           "  generate PROMPT          stream a continuation of PROMPT\n"
           "      -n N                 tokens to generate (default 64)\n"
           "      --temp T --top-k K --top-p P --min-p P\n"
           "      --repeat-penalty R --repeat-last-n N --seed S\n"
           "      --ignore-eos         do not stop at end of generation\n"
           "      --chat               wrap PROMPT in the Llama 3.1 chat format\n"
           "      --no-bos             do not add the BOS token\n"
           "      --ids LIST           prompt as token ids (1,2,3)\n"
           "      --print-ids          print the generated ids, not text\n"
           "      --logprobs N         also the N (1..20) most likely tokens\n"
           "                           of each step, one line per token\n"
           "      --json               one JSON object per token, then one\n"
           "                           with the finish reason\n"
           "  chat [--system TEXT]     interactive chat (history on the card)\n"
           "  bench [-p N] [-n N] [-r N] [--json]\n"
           "                           prefill and decode tokens/s\n"
           "  selftest                 exercise the card through the driver\n"
           "DEVICE defaults to /dev/hc1-0 (or $HC1_DEVICE).\n");
}

static hc1_card *open_card(void)
{
    hc1_card *card;
    int ret = hc1_card_open(dev_path, &card);

    if (ret) {
        die("cannot open %s: %s%s", dev_path ? dev_path : "/dev/hc1-0",
            strerror(-ret), ret == -ENOENT ? " (is the hc1 driver loaded?)"
                                           : "");
    }
    return card;
}

static long long parse_num(const char *s, const char *what, long long lo,
                           long long hi)
{
    char *end;
    long long v;

    if (!s) {
        usage_error("%s needs a value", what);
    }
    errno = 0;
    v = strtoll(s, &end, 0);
    if (errno || end == s || *end || v < lo || v > hi) {
        usage_error("bad %s '%s' (an integer in %lld..%lld)", what, s, lo, hi);
    }
    return v;
}

static float parse_float(const char *s, const char *what, float lo, float hi)
{
    char *end;
    float v;

    if (!s) {
        usage_error("%s needs a value", what);
    }
    v = strtof(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi)) {
        usage_error("bad %s '%s' (a number in %g..%g)", what, s, lo, hi);
    }
    return v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void on_sigint(int sig)
{
    (void)sig;
    if (interrupted_ctx) {
        hc1_cancel(interrupted_ctx);
    }
}

/* ---- info ----------------------------------------------------------- */

static int cmd_info(void)
{
    hc1_card *card = open_card();
    const struct hc1_ioc_info *in = hc1_card_info(card);
    float theta;
    int i;

    memcpy(&theta, &in->rope_theta, sizeof(theta));
    printf("model           %s\n", in->name[0] ? in->name : "(unnamed)");
    printf("model id        ");
    for (i = 0; i < 32; i++) {
        printf("%02x", in->model_id[i]);
    }
    printf("\ntokenizer id    ");
    for (i = 0; i < 32; i++) {
        printf("%02x", in->tokenizer_id[i]);
    }
    printf("\ninterface       %u.%u (uapi %u)\n", in->iface_version >> 16,
           in->iface_version & 0xffff, in->uapi_version);
    printf("serial          %s\nfirmware        %s\n", in->serial,
           in->firmware);
    printf("rom             %llu bytes\n", (unsigned long long)in->rom_size);
    printf("vocabulary      %u\nlayers          %u\nembedding       %u\n",
           in->n_vocab, in->n_layer, in->n_embd);
    printf("heads / kv      %u / %u (head size %u)\nffn             %u\n",
           in->n_head, in->n_head_kv, in->head_dim, in->n_ff);
    printf("context (train) %u\nrope theta      %g\n", in->n_ctx_train,
           theta);
    printf("bos/eos/eot/eom %d %d %d %d\n", in->bos_id, in->eos_id,
           in->eot_id, in->eom_id);
    printf("contexts        %u\nkv capacity     %u tokens (%u per context)\n",
           in->max_contexts, in->kv_capacity, in->max_ctx_tokens);
    printf("sram            %llu bytes\nlora slots      %u\n",
           (unsigned long long)in->sram_size, in->lora_slots);
    printf("interrupts      %s, %u vectors; %u I/O queues\n",
           in->intmode ? "MSI-X" : "INTx", in->n_vectors, in->n_io_queues);
    hc1_card_close(card);
    return 0;
}

/* ---- generate ------------------------------------------------------- */

typedef struct gen_opts {
    hc1_gen_params p;
    const char *prompt;
    const char *ids;
    bool chat, no_bos, print_ids, json;
    uint32_t logprobs;
    const char *system;
} gen_opts;

static int parse_gen_opt(gen_opts *o, char **argv, int *i)
{
    const char *a = argv[*i], *v = argv[*i + 1];

    if (!strcmp(a, "-n")) {
        o->p.max_new = parse_num(v, "-n", 1, 1 << 20);
    } else if (!strcmp(a, "--temp")) {
        o->p.temperature = parse_float(v, "--temp", 0, 2);
    } else if (!strcmp(a, "--top-k")) {
        o->p.top_k = parse_num(v, "--top-k", 0, 1 << 16);
    } else if (!strcmp(a, "--top-p")) {
        o->p.top_p = parse_float(v, "--top-p", 0, 1);
    } else if (!strcmp(a, "--min-p")) {
        o->p.min_p = parse_float(v, "--min-p", 0, 1);
    } else if (!strcmp(a, "--repeat-penalty")) {
        o->p.repeat_penalty = parse_float(v, "--repeat-penalty", 1, 2);
    } else if (!strcmp(a, "--repeat-last-n")) {
        o->p.repeat_last_n = parse_num(v, "--repeat-last-n", 0, 1 << 20);
    } else if (!strcmp(a, "--seed")) {
        o->p.seed = (uint64_t)parse_num(v, "--seed", 0, INT64_MAX);
    } else if (!strcmp(a, "--logprobs")) {
        o->logprobs = parse_num(v, "--logprobs", 1, 20);
    } else if (!strcmp(a, "--json")) {
        o->json = true;
        return 0;
    } else if (!strcmp(a, "--ids")) {
        if (!v) {
            usage_error("--ids needs a value");
        }
        o->ids = v;
    } else if (!strcmp(a, "--system")) {
        if (!v) {
            usage_error("--system needs a value");
        }
        o->system = v;
    } else if (!strcmp(a, "--ignore-eos")) {
        o->p.ignore_eos = true;
        return 0;
    } else if (!strcmp(a, "--chat")) {
        o->chat = true;
        return 0;
    } else if (!strcmp(a, "--no-bos")) {
        o->no_bos = true;
        return 0;
    } else if (!strcmp(a, "--print-ids")) {
        o->print_ids = true;
        return 0;
    } else {
        return -1;
    }
    (*i)++;
    return 0;
}

static long parse_ids(const char *s, int32_t **out)
{
    char *d = strdup(s), *t, *save = NULL;
    int32_t *ids = NULL;
    long n = 0;

    for (t = strtok_r(d, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        ids = realloc(ids, (size_t)(n + 1) * sizeof(*ids));
        if (!ids) {
            die("out of memory");
        }
        ids[n++] = (int32_t)parse_num(t, "token id", 0, INT32_MAX);
    }
    free(d);
    if (!n) {
        usage_error("--ids: no token ids");
    }
    *out = ids;
    return n;
}

static int print_piece(void *opaque, int32_t token, const char *text,
                       size_t len)
{
    bool ids = *(bool *)opaque;
    static int count;

    if (ids) {
        printf("%s%d", count++ ? " " : "", token);
    } else {
        fwrite(text, 1, len, stdout);
    }
    fflush(stdout);
    return 0;
}

static void print_json_str(const char *s, size_t len)
{
    size_t i;

    putchar('"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c == '\n') {
            fputs("\\n", stdout);
        } else if (c < 0x20 || c == 0x7f) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
}

/* JSON has no infinities: a banned token's -inf is null. */
static void print_logprob(float lp)
{
    if (isfinite(lp)) {
        printf("%.6f", lp);
    } else {
        fputs("null", stdout);
    }
}

/* --json and --logprobs: one line per token. */
static int print_token_info(void *opaque, const hc1_token_info *t)
{
    const gen_opts *o = opaque;
    uint32_t i;

    if (o->json) {
        printf("{\"id\": %d, \"pos\": %u, \"text\": ", t->token, t->pos);
        print_json_str(t->text, t->len);
        fputs(", \"logprob\": ", stdout);
        print_logprob(t->logprob);
        if (o->logprobs) {
            fputs(", \"top\": [", stdout);
            for (i = 0; i < t->n_top; i++) {
                printf("%s[%d, ", i ? ", " : "", t->top[i].token);
                print_logprob(t->top[i].logprob);
                putchar(']');
            }
            putchar(']');
        }
        puts("}");
    } else {
        printf("%u\t%d\t%.6f\t", t->pos, t->token, t->logprob);
        print_json_str(t->text, t->len);
        for (i = 0; i < t->n_top; i++) {
            printf("%s%d:%.6f", i ? " " : "\t", t->top[i].token,
                   t->top[i].logprob);
        }
        putchar('\n');
    }
    fflush(stdout);
    return 0;
}

static const char *stop_name(uint32_t reason)
{
    static const char *const names[] = {
        [HC1_EV_STOP_EOS] = "stop",
        [HC1_EV_STOP_LENGTH] = "length",
        [HC1_EV_STOP_SEQUENCE] = "stop_sequence",
        [HC1_EV_STOP_KV_FULL] = "kv_full",
        [HC1_EV_STOP_CANCELLED] = "cancelled",
        [HC1_EV_STOP_ERROR] = "error",
    };

    if (reason < sizeof(names) / sizeof(names[0]) && names[reason]) {
        return names[reason];
    }
    return "unknown";
}

static int cmd_generate(gen_opts *o)
{
    hc1_card *card = open_card();
    hc1_context *ctx;
    hc1_gen_result r;
    int32_t *ids;
    long n;
    int ret;

    if (!!o->prompt + !!o->ids != 1) {
        usage_error("generate: give a PROMPT or --ids");
    }
    if (o->ids) {
        n = parse_ids(o->ids, &ids);
    } else {
        char *text = NULL;
        if (o->chat) {
            hc1_chat_msg m[2];
            size_t k = 0;
            if (o->system) {
                m[k].role = "system";
                m[k++].content = o->system;
            }
            m[k].role = "user";
            m[k++].content = o->prompt;
            text = hc1_chat_render(m, k, false);
        }
        n = hc1_tokenize(card, text ? text : o->prompt, o->no_bos, &ids);
        free(text);
        if (n < 0) {
            die("%s", hc1_card_error(card));
        }
        if (!n) {
            die("the prompt has no tokens");
        }
    }
    if (o->logprobs > hc1_card_info(card)->max_top_logprobs) {
        die("--logprobs %u: the card gives at most %u", o->logprobs,
            hc1_card_info(card)->max_top_logprobs);
    }
    ret = hc1_context_create_flags(card, (uint32_t)n + o->p.max_new, 0,
                                   o->logprobs ? HC1_CTX_TOP_LOGPROBS : 0,
                                   &ctx);
    if (!ret) {
        ret = hc1_context_prefill(ctx, ids, (uint32_t)n, NULL);
    }
    if (ret) {
        die("%s", hc1_card_error(card));
    }
    interrupted_ctx = ctx;
    signal(SIGINT, on_sigint);
    if (o->json || o->logprobs) {
        ret = hc1_generate_info(ctx, &o->p, o->logprobs, print_token_info,
                                o, &r);
        if (!ret && o->json) {
            printf("{\"finish\": \"%s\", \"tokens\": %u}\n",
                   stop_name(r.stop_reason), r.n_tokens);
        }
    } else {
        ret = hc1_generate(ctx, &o->p, print_piece, &o->print_ids, &r);
        putchar('\n');
    }
    interrupted_ctx = NULL;
    if (ret) {
        die("%s", hc1_card_error(card));
    }
    hc1_context_destroy(ctx);
    hc1_card_close(card);
    free(ids);
    return 0;
}

/* ---- chat ----------------------------------------------------------- */

static int cmd_chat(gen_opts *o)
{
    hc1_card *card = open_card();
    const struct hc1_ioc_info *in = hc1_card_info(card);
    uint32_t kv = in->max_ctx_tokens < 4096 ? in->max_ctx_tokens : 4096;
    uint32_t n_ctx = 0;
    hc1_context *ctx;
    hc1_gen_result r;
    char line[4096];
    bool first = true;
    int ret;

    ret = hc1_context_create(card, kv, 0, &ctx);
    if (ret) {
        die("%s", hc1_card_error(card));
    }
    if (o->p.max_new == 64) {
        o->p.max_new = 256;
    }
    interrupted_ctx = ctx;
    signal(SIGINT, on_sigint);
    for (;;) {
        hc1_chat_msg m[2];
        size_t k = 0;
        int32_t *ids;
        char *text;
        long n;

        fputs("> ", stdout);
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin)) {
            break;
        }
        line[strcspn(line, "\n")] = 0;
        if (!line[0]) {
            continue;
        }
        if (first && o->system) {
            m[k].role = "system";
            m[k++].content = o->system;
        }
        m[k].role = "user";
        m[k++].content = line;
        /* Only the new turn: the history is already in the context. */
        text = hc1_chat_render(m, k, false);
        n = hc1_tokenize(card, text, !first, &ids);
        free(text);
        if (n <= 0) {
            die("%s", hc1_card_error(card));
        }
        ret = hc1_context_prefill(ctx, ids, (uint32_t)n, &n_ctx);
        free(ids);
        if (ret) {
            die("%s", hc1_card_error(card));
        }
        first = false;
        bool as_ids = false;
        ret = hc1_generate(ctx, &o->p, print_piece, &as_ids, &r);
        putchar('\n');
        if (ret) {
            die("%s", hc1_card_error(card));
        }
        /*
         * Generated tokens are in the sequence already; a turn that did
         * not end with an end-of-turn token is closed with one.
         */
        if (r.stop_reason != HC1_EV_STOP_EOS && in->eot_id >= 0) {
            int32_t eot = in->eot_id;
            hc1_context_prefill(ctx, &eot, 1, &n_ctx);
        }
    }
    interrupted_ctx = NULL;
    hc1_context_destroy(ctx);
    hc1_card_close(card);
    return 0;
}

/* ---- bench ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The median of @n values (sorts them); 0 when there are none. */
static double median(double *v, int n)
{
    if (n == 0) {
        return 0;
    }
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int cmd_bench(int pp, int tg, int reps, bool json)
{
    hc1_card *card = open_card();
    const struct hc1_ioc_info *in = hc1_card_info(card);
    double *pps, *tgs;
    int n_pp = 0, n_tg = 0;
    hc1_gen_params p;
    hc1_context *ctx;
    hc1_gen_result r;
    int32_t *ids;
    int i, ret;

    ids = malloc((size_t)pp * sizeof(*ids));
    pps = calloc((size_t)reps, sizeof(*pps));
    tgs = calloc((size_t)reps, sizeof(*tgs));
    if (!ids || !pps || !tgs) {
        die("out of memory");
    }
    for (i = 0; i < pp; i++) {
        ids[i] = (int32_t)((1000 + 7 * i) % in->n_vocab);
    }
    hc1_gen_params_default(&p);
    p.max_new = (uint32_t)tg;
    p.ignore_eos = true;
    for (i = 0; i < reps; i++) {
        double t0, t1;

        ret = hc1_context_create(card, (uint32_t)(pp + tg), 0, &ctx);
        if (ret) {
            die("%s", hc1_card_error(card));
        }
        t0 = now_s();
        ret = hc1_context_prefill(ctx, ids, (uint32_t)pp, NULL);
        t1 = now_s();
        if (!ret) {
            ret = hc1_generate(ctx, &p, NULL, NULL, &r);
        }
        if (ret) {
            die("%s", hc1_card_error(card));
        }
        pps[n_pp++] = pp / (t1 - t0);
        /* decode speed: from the first token to the last, as llama-bench */
        if (r.n_tokens > 1 && r.end_ns > r.first_ns) {
            tgs[n_tg++] = (r.n_tokens - 1) /
                          ((r.end_ns - r.first_ns) * 1e-9);
        }
        hc1_context_destroy(ctx);
    }
    if (json) {
        printf("{\"prompt_tokens\": %d, \"gen_tokens\": %d, \"reps\": %d, "
               "\"prompt_tokens_per_s\": %.2f, \"decode_tokens_per_s\": %.2f}\n",
               pp, tg, reps, median(pps, n_pp), median(tgs, n_tg));
    } else {
        printf("prefill %d tokens: %.1f tokens/s\n", pp, median(pps, n_pp));
        printf("decode  %d tokens: %.1f tokens/s (median of %d)\n", tg,
               median(tgs, n_tg), reps);
    }
    free(pps);
    free(tgs);
    free(ids);
    hc1_card_close(card);
    return 0;
}

/* ---- selftest ------------------------------------------------------- */

typedef struct collect {
    int32_t ids[64];
    int n;
    int stop_after;
} collect;

static int collect_cb(void *opaque, int32_t token, const char *text,
                      size_t len)
{
    collect *c = opaque;

    (void)text;
    (void)len;
    if (c->n < 64) {
        c->ids[c->n++] = token;
    }
    return c->stop_after && c->n >= c->stop_after;
}

#define CHECK(cond, ...) do { \
        if (!(cond)) { \
            die(__VA_ARGS__); \
        } \
        printf("ok - %s\n", #cond); \
    } while (0)

static int cmd_selftest(void)
{
    hc1_card *card = open_card();
    const struct hc1_ioc_info *in = hc1_card_info(card);
    struct hc1_ioc_stats st;
    const hc1_tok *tok;
    collect a = { 0 }, b = { 0 }, c = { 0 };
    hc1_context *ctx;
    hc1_gen_params p;
    hc1_gen_result r;
    int32_t *ids;
    char back[256];
    long n, l;

    /*
     * The UAPI only grows (sizes and flags): any version 1 or later runs
     * everything below; only --logprobs needs version 2.
     */
    CHECK(in->uapi_version >= 1, "driver UAPI version %u", in->uapi_version);
    CHECK(in->n_vocab > 0, "the card reports no vocabulary");
    CHECK(hc1_card_tokenizer(card, &tok) == 0, "%s", hc1_card_error(card));
    n = hc1_tokenize(card, "Hello world", true, &ids);
    CHECK(n > 0, "%s", hc1_card_error(card));
    l = hc1_tok_decode(tok, ids, (size_t)n, 0, back, sizeof(back) - 1);
    CHECK(l == 11 && !memcmp(back, "Hello world", 11),
          "tokenizer round trip gave '%.*s'", (int)l, back);
    free(ids);

    hc1_gen_params_default(&p);
    p.max_new = 8;
    p.ignore_eos = true;
    n = hc1_tokenize(card, "The card says", false, &ids);
    CHECK(hc1_context_create(card, 64, 0, &ctx) == 0, "%s",
          hc1_card_error(card));
    CHECK(hc1_context_prefill(ctx, ids, (uint32_t)n, NULL) == 0, "%s",
          hc1_card_error(card));
    CHECK(hc1_generate(ctx, &p, collect_cb, &a, &r) == 0, "%s",
          hc1_card_error(card));
    CHECK(a.n == 8 && r.n_tokens == 8, "generated %d tokens, not 8", a.n);
    hc1_context_destroy(ctx);

    /* Same prompt, same greedy settings: the same tokens. */
    CHECK(hc1_context_create(card, 64, 0, &ctx) == 0, "%s",
          hc1_card_error(card));
    CHECK(hc1_context_prefill(ctx, ids, (uint32_t)n, NULL) == 0, "%s",
          hc1_card_error(card));
    CHECK(hc1_generate(ctx, &p, collect_cb, &b, &r) == 0, "%s",
          hc1_card_error(card));
    CHECK(!memcmp(a.ids, b.ids, sizeof(a.ids)), "a repeated run differs");

    /* Cancel from the callback. */
    CHECK(hc1_context_truncate(ctx, (uint32_t)n, NULL) == 0, "%s",
          hc1_card_error(card));
    p.max_new = 48;
    c.stop_after = 2;
    CHECK(hc1_generate(ctx, &p, collect_cb, &c, &r) == 0, "%s",
          hc1_card_error(card));
    CHECK(r.stop_reason == HC1_EV_STOP_CANCELLED || r.n_tokens < 48,
          "cancel did not stop the decode (%u tokens, reason %u)",
          r.n_tokens, r.stop_reason);
    hc1_context_destroy(ctx);
    free(ids);

    CHECK(hc1_crc32c("123456789", 9) == 0xe3069283u, "CRC-32C is wrong");
    if (in->lora_slots && geteuid() == 0) {
        static uint8_t adapter[8192];
        for (size_t i = 0; i < sizeof(adapter); i++) {
            adapter[i] = (uint8_t)(i * 7 + 3);
        }
        CHECK(hc1_lora_load(card, 0, adapter, sizeof(adapter)) == 0, "%s",
              hc1_card_error(card));
        CHECK(hc1_lora_load(card, 0, adapter, sizeof(adapter)) == -EBUSY,
              "loading an occupied slot did not fail with EBUSY");
        CHECK(hc1_lora_unload(card, 0) == 0, "%s", hc1_card_error(card));
    }
    CHECK(hc1_card_stats(card, &st) == 0, "%s", hc1_card_error(card));
    CHECK(st.tokens_decoded >= 16, "stats count %llu decoded tokens",
          (unsigned long long)st.tokens_decoded);
    hc1_card_close(card);
    printf("selftest: all checks passed\n");
    return 0;
}

/* ---- main ----------------------------------------------------------- */

int main(int argc, char **argv)
{
    gen_opts o = { 0 };
    int pp = 64, tg = 64, reps = 3;
    bool json = false;
    const char *cmd;
    int i;

    dev_path = getenv("HC1_DEVICE");
    hc1_gen_params_default(&o.p);
    o.p.max_new = 64;
    i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "-d")) {
        dev_path = argv[i + 1];
        i += 2;
    }
    if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
        usage();
        return i >= argc ? 2 : 0;
    }
    cmd = argv[i++];
    for (; i < argc; i++) {
        if (!strcmp(cmd, "bench")) {
            if (!strcmp(argv[i], "-p")) {
                pp = parse_num(argv[++i], "-p", 1, 1 << 16);
            } else if (!strcmp(argv[i], "-n")) {
                tg = parse_num(argv[++i], "-n", 1, 1 << 16);
            } else if (!strcmp(argv[i], "-r")) {
                reps = parse_num(argv[++i], "-r", 1, 1000);
            } else if (!strcmp(argv[i], "--json")) {
                json = true;
            } else {
                usage_error("bench: unknown option '%s'", argv[i]);
            }
        } else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
            dev_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            if (parse_gen_opt(&o, argv, &i)) {
                usage_error("%s: unknown option '%s'", cmd, argv[i]);
            }
        } else if (!o.prompt && !strcmp(cmd, "generate")) {
            o.prompt = argv[i];
        } else {
            usage_error("%s: unexpected argument '%s'", cmd, argv[i]);
        }
    }
    if (!strcmp(cmd, "info")) {
        return cmd_info();
    } else if (!strcmp(cmd, "generate")) {
        return cmd_generate(&o);
    } else if (!strcmp(cmd, "chat")) {
        if (o.logprobs || o.json) {
            usage_error("chat: --logprobs and --json are for generate");
        }
        return cmd_chat(&o);
    } else if (!strcmp(cmd, "bench")) {
        return cmd_bench(pp, tg, reps, json);
    } else if (!strcmp(cmd, "selftest")) {
        return cmd_selftest();
    }
    usage_error("unknown command '%s'", cmd);
}
