/*
 * hc1-mkmodel: a small strict JSON parser (RFC 8259); see json.h.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------- */

typedef struct ArenaBlock ArenaBlock;
struct ArenaBlock {
    ArenaBlock *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

struct JsonDoc {
    ArenaBlock *blocks;
    JsonValue root;
};

#define ARENA_BLOCK (1u << 20)

static void *arena_alloc(JsonDoc *doc, size_t n)
{
    ArenaBlock *b = doc->blocks;
    void *p;

    n = (n + 15) & ~(size_t)15;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

        b = malloc(sizeof(*b) + size);
        if (!b) {
            return NULL;
        }
        b->size = size;
        b->used = 0;
        b->next = doc->blocks;
        doc->blocks = b;
    }
    p = b->data + b->used;
    b->used += n;
    return p;
}

/* ---- parser ------------------------------------------------------------ */

typedef struct Parser {
    const char *start, *p, *end;
    JsonDoc *doc;
    char *err;
    size_t errlen;
    bool failed;
    int depth;
    char *scratch;          /* string decoding buffer */
    size_t scratch_size;
} Parser;

static void fail_at(Parser *ps, const char *where, const char *fmt, ...)
{
    size_t line = 1, col = 1;
    const char *q;
    char msg[256];
    va_list ap;

    if (ps->failed) {
        return;
    }
    ps->failed = true;
    for (q = ps->start; q < where && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "line %zu column %zu: %s", line, col, msg);
}

static void skip_ws(Parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
            *ps->p == '\r')) {
        ps->p++;
    }
}

static bool scratch_reserve(Parser *ps, size_t need)
{
    char *n;
    size_t size;

    if (need <= ps->scratch_size) {
        return true;
    }
    size = ps->scratch_size ? ps->scratch_size : 256;
    while (size < need) {
        size *= 2;
    }
    n = realloc(ps->scratch, size);
    if (!n) {
        fail_at(ps, ps->p, "out of memory");
        return false;
    }
    ps->scratch = n;
    ps->scratch_size = size;
    return true;
}

static int hex4(const char *s)
{
    int v = 0, i;

    for (i = 0; i < 4; i++) {
        char c = s[i];

        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v |= c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v |= c - 'A' + 10;
        } else {
            return -1;
        }
    }
    return v;
}

/* Length of the valid UTF-8 sequence at @s (max @n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
    }
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) {
            return 0;
        }
        if (c == 0xe0 && s[1] < 0xa0) {
            return 0;                       /* overlong */
        }
        if (c == 0xed && s[1] >= 0xa0) {
            return 0;                       /* UTF-16 surrogate */
        }
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
            (s[3] & 0xc0) != 0x80) {
            return 0;
        }
        if (c == 0xf0 && s[1] < 0x90) {
            return 0;                       /* overlong */
        }
        if (c == 0xf4 && s[1] >= 0x90) {
            return 0;                       /* beyond U+10FFFF */
        }
        return 4;
    }
    return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Parse a string at ps->p (at the opening quote) into the arena. */
static bool parse_string(Parser *ps, const char **out, size_t *out_len)
{
    const char *open = ps->p;
    size_t n = 0;
    char *s;

    ps->p++;
    for (;;) {
        unsigned char c;

        if (ps->p >= ps->end) {
            fail_at(ps, open, "unterminated string");
            return false;
        }
        if (!scratch_reserve(ps, n + 4)) {
            return false;
        }
        c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            fail_at(ps, ps->p, "control character 0x%02x in string", c);
            return false;
        }
        if (c == '\\') {
            const char *esc = ps->p;
            char e;

            if (ps->p + 1 >= ps->end) {
                fail_at(ps, open, "unterminated string");
                return false;
            }
            e = ps->p[1];
            ps->p += 2;
            switch (e) {
            case '"':
            case '\\':
            case '/':
                ps->scratch[n++] = e;
                break;
            case 'b':
                ps->scratch[n++] = '\b';
                break;
            case 'f':
                ps->scratch[n++] = '\f';
                break;
            case 'n':
                ps->scratch[n++] = '\n';
                break;
            case 'r':
                ps->scratch[n++] = '\r';
                break;
            case 't':
                ps->scratch[n++] = '\t';
                break;
            case 'u': {
                int hi, lo;
                uint32_t cp;

                if (ps->end - ps->p < 4 || (hi = hex4(ps->p)) < 0) {
                    fail_at(ps, esc, "bad \\u escape");
                    return false;
                }
                ps->p += 4;
                cp = (uint32_t)hi;
                if (hi >= 0xdc00 && hi <= 0xdfff) {
                    fail_at(ps, esc, "unpaired low surrogate \\u%04x", hi);
                    return false;
                }
                if (hi >= 0xd800 && hi <= 0xdbff) {
                    if (ps->end - ps->p < 6 || ps->p[0] != '\\' ||
                        ps->p[1] != 'u' || (lo = hex4(ps->p + 2)) < 0 ||
                        lo < 0xdc00 || lo > 0xdfff) {
                        fail_at(ps, esc, "unpaired high surrogate \\u%04x",
                                hi);
                        return false;
                    }
                    ps->p += 6;
                    cp = 0x10000 + (((uint32_t)hi - 0xd800) << 10) +
                         ((uint32_t)lo - 0xdc00);
                }
                n += put_utf8(ps->scratch + n, cp);
                break;
            }
            default:
                fail_at(ps, esc, "bad escape '\\%c'", e);
                return false;
            }
            continue;
        }
        {
            size_t k = utf8_seq((const unsigned char *)ps->p,
                                (size_t)(ps->end - ps->p));

            if (k == 0) {
                fail_at(ps, ps->p, "invalid UTF-8 in string");
                return false;
            }
            memcpy(ps->scratch + n, ps->p, k);
            n += k;
            ps->p += k;
        }
    }
    s = arena_alloc(ps->doc, n + 1);
    if (!s) {
        fail_at(ps, open, "out of memory");
        return false;
    }
    memcpy(s, ps->scratch, n);
    s[n] = '\0';
    *out = s;
    *out_len = n;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool parse_number(Parser *ps, JsonValue *v)
{
    const char *s = ps->p, *q = ps->p;
    char buf[64], *copy = buf, *endp;
    size_t n;

    if (q < ps->end && *q == '-') {
        q++;
    }
    if (q >= ps->end || !is_digit(*q)) {
        fail_at(ps, s, "bad number");
        return false;
    }
    if (*q == '0') {
        q++;
        if (q < ps->end && is_digit(*q)) {
            fail_at(ps, s, "number with a leading zero");
            return false;
        }
    } else {
        while (q < ps->end && is_digit(*q)) {
            q++;
        }
    }
    if (q < ps->end && *q == '.') {
        q++;
        if (q >= ps->end || !is_digit(*q)) {
            fail_at(ps, s, "number without digits after '.'");
            return false;
        }
        while (q < ps->end && is_digit(*q)) {
            q++;
        }
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < ps->end && (*q == '+' || *q == '-')) {
            q++;
        }
        if (q >= ps->end || !is_digit(*q)) {
            fail_at(ps, s, "number without digits in the exponent");
            return false;
        }
        while (q < ps->end && is_digit(*q)) {
            q++;
        }
    }
    n = (size_t)(q - s);
    if (n >= sizeof(buf)) {
        copy = malloc(n + 1);
        if (!copy) {
            fail_at(ps, s, "out of memory");
            return false;
        }
    }
    memcpy(copy, s, n);
    copy[n] = '\0';
    errno = 0;
    v->type = JSON_NUMBER;
    v->u.num = strtod(copy, &endp);
    if (copy != buf) {
        free(copy);
    }
    /* Overflow to infinity is an error; underflow to 0 is fine. */
    if (errno == ERANGE && (v->u.num > 1.0 || v->u.num < -1.0)) {
        fail_at(ps, s, "number out of range");
        return false;
    }
    ps->p = q;
    return true;
}

static bool parse_value(Parser *ps, JsonValue *v);

static int member_cmp(const void *a, const void *b)
{
    const JsonMember *x = *(const JsonMember *const *)a;
    const JsonMember *y = *(const JsonMember *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);

    if (c != 0) {
        return c;
    }
    return x->key_len < y->key_len ? -1 : (x->key_len > y->key_len);
}

static bool check_duplicates(Parser *ps, const char *open,
                             JsonMember *m, size_t n)
{
    const JsonMember **idx;
    size_t i;

    if (n < 2) {
        return true;
    }
    idx = malloc(n * sizeof(*idx));
    if (!idx) {
        fail_at(ps, open, "out of memory");
        return false;
    }
    for (i = 0; i < n; i++) {
        idx[i] = &m[i];
    }
    qsort(idx, n, sizeof(*idx), member_cmp);
    for (i = 1; i < n; i++) {
        if (member_cmp(&idx[i - 1], &idx[i]) == 0) {
            fail_at(ps, open, "duplicate key \"%.60s\" in object",
                    idx[i]->key);
            free(idx);
            return false;
        }
    }
    free(idx);
    return true;
}

/* Parse '[...]' or '{...}'; ps->p is at the opening bracket. */
static bool parse_container(Parser *ps, JsonValue *v, bool object)
{
    const char *open = ps->p;
    char close = object ? '}' : ']';
    size_t elem = object ? sizeof(JsonMember) : sizeof(JsonValue);
    unsigned char *tmp = NULL;
    size_t n = 0, cap = 0;
    void *final;

    if (++ps->depth > JSON_MAX_DEPTH) {
        fail_at(ps, open, "nesting deeper than %d", JSON_MAX_DEPTH);
        return false;
    }
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        goto done;
    }
    for (;;) {
        JsonValue *slot;

        if (n == cap) {
            unsigned char *t;

            cap = cap ? cap * 2 : 8;
            t = realloc(tmp, cap * elem);
            if (!t) {
                fail_at(ps, ps->p, "out of memory");
                goto error;
            }
            tmp = t;
        }
        skip_ws(ps);
        if (object) {
            JsonMember *m = (JsonMember *)(tmp + n * elem);

            if (ps->p >= ps->end || *ps->p != '"') {
                fail_at(ps, ps->p, ps->p < ps->end && *ps->p == '}' ?
                        "trailing comma in object" : "expected a key string");
                goto error;
            }
            if (!parse_string(ps, &m->key, &m->key_len)) {
                goto error;
            }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                fail_at(ps, ps->p, "expected ':' after key");
                goto error;
            }
            ps->p++;
            skip_ws(ps);
            slot = &m->value;
        } else {
            if (ps->p < ps->end && *ps->p == ']') {
                fail_at(ps, ps->p, "trailing comma in array");
                goto error;
            }
            slot = (JsonValue *)(tmp + n * elem);
        }
        if (!parse_value(ps, slot)) {
            goto error;
        }
        n++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            break;
        }
        if (ps->p >= ps->end) {
            fail_at(ps, open, "unterminated %s", object ? "object" : "array");
        } else {
            fail_at(ps, ps->p, "expected ',' or '%c' in %s", close,
                    object ? "object" : "array");
        }
        goto error;
    }
done:
    final = NULL;
    if (n > 0) {
        final = arena_alloc(ps->doc, n * elem);
        if (!final) {
            fail_at(ps, open, "out of memory");
            goto error;
        }
        memcpy(final, tmp, n * elem);
    }
    free(tmp);
    v->len = n;
    if (object) {
        v->type = JSON_OBJECT;
        v->u.members = final;
        if (!check_duplicates(ps, open, final, n)) {
            return false;
        }
    } else {
        v->type = JSON_ARRAY;
        v->u.items = final;
    }
    ps->depth--;
    return true;
error:
    free(tmp);
    return false;
}

static bool match_word(Parser *ps, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, w, n) == 0) {
        ps->p += n;
        return true;
    }
    return false;
}

static bool parse_value(Parser *ps, JsonValue *v)
{
    memset(v, 0, sizeof(*v));
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail_at(ps, ps->p, "unexpected end of input");
        return false;
    }
    switch (*ps->p) {
    case '{':
        return parse_container(ps, v, true);
    case '[':
        return parse_container(ps, v, false);
    case '"':
        v->type = JSON_STRING;
        return parse_string(ps, &v->u.str, &v->len);
    case 't':
        if (match_word(ps, "true")) {
            v->type = JSON_TRUE;
            return true;
        }
        break;
    case 'f':
        if (match_word(ps, "false")) {
            v->type = JSON_FALSE;
            return true;
        }
        break;
    case 'n':
        if (match_word(ps, "null")) {
            v->type = JSON_NULL;
            return true;
        }
        break;
    default:
        if (*ps->p == '-' || is_digit(*ps->p)) {
            return parse_number(ps, v);
        }
        break;
    }
    fail_at(ps, ps->p, "unexpected character '%c'",
            (*ps->p >= 0x20 && *ps->p < 0x7f) ? *ps->p : '?');
    return false;
}

JsonDoc *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    Parser ps = {
        .start = text, .p = text, .end = text + len, .err = err,
        .errlen = errlen,
    };
    JsonDoc *doc = calloc(1, sizeof(*doc));

    if (!doc) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ps.doc = doc;
    /* A UTF-8 byte order mark is not JSON text (RFC 8259 section 8.1). */
    if (parse_value(&ps, &doc->root)) {
        skip_ws(&ps);
        if (ps.p != ps.end) {
            fail_at(&ps, ps.p, "trailing data after the JSON value");
        }
    }
    free(ps.scratch);
    if (ps.failed) {
        json_free(doc);
        return NULL;
    }
    return doc;
}

JsonDoc *json_parse_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, msg[256];
    size_t len = 0, cap = 0, got;
    JsonDoc *doc;

    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (cap - len < 65536) {
            char *n;

            cap = cap ? cap * 2 : (1u << 20);
            n = realloc(buf, cap);
            if (!n) {
                snprintf(err, errlen, "%s: out of memory", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = n;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    doc = json_parse(buf, len, msg, sizeof(msg));
    if (!doc) {
        snprintf(err, errlen, "%s: invalid JSON: %s", path, msg);
    }
    free(buf);
    return doc;
}

const JsonValue *json_root(const JsonDoc *doc)
{
    return &doc->root;
}

void json_free(JsonDoc *doc)
{
    ArenaBlock *b, *next;

    if (!doc) {
        return;
    }
    for (b = doc->blocks; b; b = next) {
        next = b->next;
        free(b);
    }
    free(doc);
}

const JsonValue *json_get(const JsonValue *obj, const char *key)
{
    size_t i, n = strlen(key);

    if (!obj || obj->type != JSON_OBJECT) {
        return NULL;
    }
    for (i = 0; i < obj->len; i++) {
        const JsonMember *m = &obj->u.members[i];

        if (m->key_len == n && memcmp(m->key, key, n) == 0) {
            return &m->value;
        }
    }
    return NULL;
}

bool json_int(const JsonValue *v, int64_t lo, int64_t hi, int64_t *out)
{
    double d;

    if (!v || v->type != JSON_NUMBER) {
        return false;
    }
    d = v->u.num;
    if (!(d >= (double)lo && d <= (double)hi) || d != (double)(int64_t)d) {
        return false;
    }
    *out = (int64_t)d;
    return true;
}

const char *json_type_name(JsonType type)
{
    static const char *const names[] = {
        "null", "false", "true", "number", "string", "array", "object",
    };

    return (unsigned)type < sizeof(names) / sizeof(names[0]) ?
           names[type] : "?";
}
