/*
 * Unit test of hc1-mkmodel's strict JSON parser: what it accepts and
 * decodes, and what it must reject (with the line and column).
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc1-check.h"

#include "json.h"


static JsonDoc *parse(const char *text, size_t len, char *err, size_t n)
{
    return json_parse(text, len, err, n);
}

/* Must be rejected with a message containing @want. */
static void reject_n(const char *text, size_t len, const char *want)
{
    char err[256] = "";
    JsonDoc *d = parse(text, len, err, sizeof(err));

    CHECK(d == NULL, "accepted invalid JSON: %.*s", (int)len, text);
    CHECK(d != NULL || strstr(err, want) != NULL,
          "for %.*s: message \"%s\" lacks \"%s\"", (int)len, text, err, want);
    json_free(d);
}

static void reject(const char *text, const char *want)
{
    reject_n(text, strlen(text), want);
}

static const JsonValue *accept(JsonDoc **doc, const char *text)
{
    char err[256] = "";

    *doc = parse(text, strlen(text), err, sizeof(err));
    CHECK(*doc != NULL, "rejected valid JSON %s: %s", text, err);
    return *doc ? json_root(*doc) : NULL;
}

static void test_accept(void)
{
    JsonDoc *d;
    const JsonValue *v, *a;
    int64_t i;

    v = accept(&d, " {\"a\": 1, \"b\": [true, false, null], \"c\": \"x\","
               " \"e\": {}, \"f\": []} \n");
    if (v) {
        CHECK(v->type == JSON_OBJECT && v->len == 5, "object");
        CHECK(json_int(json_get(v, "a"), 0, 10, &i) && i == 1, "a");
        a = json_get(v, "b");
        CHECK(a && a->type == JSON_ARRAY && a->len == 3 &&
              a->u.items[0].type == JSON_TRUE &&
              a->u.items[1].type == JSON_FALSE &&
              a->u.items[2].type == JSON_NULL, "b");
        CHECK(json_get(v, "e")->len == 0 && json_get(v, "f")->len == 0,
              "empty containers");
        CHECK(json_get(v, "zz") == NULL, "missing key");
        CHECK(strcmp(json_type_name(json_get(v, "c")->type), "string") == 0,
              "type name");
    }
    json_free(d);

    v = accept(&d, "[0, -0, 1.5e3, -12.25E-2, 1e308, 123456789012, 2.5, "
               "1E+2]");
    if (v) {
        CHECK(v->u.items[2].u.num == 1500.0, "1.5e3");
        CHECK(v->u.items[3].u.num == -0.1225, "-12.25E-2");
        CHECK(json_int(&v->u.items[5], 0, INT64_C(1) << 40, &i) &&
              i == INT64_C(123456789012), "big int");
        CHECK(!json_int(&v->u.items[6], 0, 10, &i), "2.5 is no integer");
        CHECK(!json_int(&v->u.items[2], 0, 1000, &i), "1500 out of range");
        CHECK(v->u.items[7].u.num == 100.0, "1E+2");
    }
    json_free(d);

    v = accept(&d, "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\", "
               "\"\\ud83d\\ude00\", \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
               " \"a\\u0000b\", \"\\u20AC\"]");
    if (v) {
        CHECK(v->u.items[0].len == 8 &&
              memcmp(v->u.items[0].u.str, "\"\\/\b\f\n\r\t", 8) == 0,
              "simple escapes");
        CHECK(strcmp(v->u.items[1].u.str, "\xc3\xa9") == 0, "\\u00e9");
        CHECK(strcmp(v->u.items[2].u.str, "\xf0\x9f\x98\x80") == 0,
              "surrogate pair");
        CHECK(strcmp(v->u.items[3].u.str,
                     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == 0, "raw UTF-8");
        CHECK(v->u.items[4].len == 3 && v->u.items[4].u.str[1] == '\0',
              "embedded NUL keeps its length");
        CHECK(strcmp(v->u.items[5].u.str, "\xe2\x82\xac") == 0, "\\u20AC");
    }
    json_free(d);

    /* Nesting up to the limit is fine. */
    {
        char buf[2 * JSON_MAX_DEPTH + 1];

        memset(buf, '[', JSON_MAX_DEPTH);
        memset(buf + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
        buf[2 * JSON_MAX_DEPTH] = '\0';
        accept(&d, buf);
        json_free(d);
    }

    /* A big object: many members, all found. */
    {
        size_t n = 50000, k, len = 0;
        char *buf = malloc(n * 24 + 4);
        char key[32];

        buf[len++] = '{';
        for (k = 0; k < n; k++) {
            len += (size_t)sprintf(buf + len, "%s\"k%zu\":%zu", k ? "," : "",
                                   k, k);
        }
        buf[len++] = '}';
        buf[len] = '\0';
        v = accept(&d, buf);
        if (v) {
            CHECK(v->len == n, "member count");
            snprintf(key, sizeof(key), "k%zu", n - 1);
            CHECK(json_int(json_get(v, key), 0, (int64_t)n, &i) &&
                  i == (int64_t)(n - 1), "last member");
        }
        json_free(d);
        /* The same with one duplicate key at the end. */
        len--;
        len += (size_t)sprintf(buf + len, ",\"k17\":1}");
        reject_n(buf, len, "duplicate key \"k17\"");
        free(buf);
    }
}

static void test_reject(void)
{
    char deep[2 * JSON_MAX_DEPTH + 3];

    reject("", "unexpected end of input");
    reject("   ", "unexpected end of input");
    reject("[1,]", "trailing comma in array");
    reject("{\"a\":1,}", "trailing comma in object");
    reject("[\n  1,\n  ]", "line 3 column 3: trailing comma in array");
    reject("01", "leading zero");
    reject("-01", "leading zero");
    reject(".5", "unexpected character '.'");
    reject("1.", "after '.'");
    reject("1e", "exponent");
    reject("1e+", "exponent");
    reject("+1", "unexpected character '+'");
    reject("-", "bad number");
    reject("1e999", "out of range");
    reject("\"abc", "unterminated string");
    reject("\"a\tb\"", "control character 0x09");
    reject("\"a\nb\"", "control character 0x0a");
    reject("\"\\x\"", "bad escape");
    reject("\"\\u12\"", "bad \\u escape");
    reject("\"\\ud800\"", "unpaired high surrogate");
    reject("\"\\ud800\\u0041\"", "unpaired high surrogate");
    reject("\"\\udc00\"", "unpaired low surrogate");
    reject("\"\xc3\x28\"", "invalid UTF-8");
    reject("\"\xc0\xaf\"", "invalid UTF-8");
    reject("\"\xe0\x80\xaf\"", "invalid UTF-8");
    reject("\"\xed\xa0\x80\"", "invalid UTF-8");
    reject("\"\xf4\x90\x80\x80\"", "invalid UTF-8");
    reject("\"\xff\"", "invalid UTF-8");
    reject("\"\xe2\x82\"", "invalid UTF-8");
    reject("{\"a\":1,\"a\":2}", "duplicate key \"a\"");
    reject("[1] 2", "trailing data");
    reject("[1]]", "trailing data");
    reject("tru", "unexpected character 't'");
    reject("nul", "unexpected character 'n'");
    reject("True", "unexpected character 'T'");
    reject("NaN", "unexpected character 'N'");
    reject("/* c */ 1", "unexpected character '/'");
    reject("\xef\xbb\xbf{}", "unexpected character '?'");
    reject("{1:2}", "expected a key string");
    reject("{\"a\" 1}", "expected ':'");
    reject("[1 2]", "expected ',' or ']'");
    reject("{\"a\":1 \"b\":2}", "expected ',' or '}'");
    reject("[1,2", "unterminated array");
    reject("{\"a\":1", "unterminated object");
    reject("['a']", "unexpected character '''");
    reject_n("[1,\0]", 5, "unexpected character '?'");

    memset(deep, '[', JSON_MAX_DEPTH + 1);
    memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
    deep[2 * JSON_MAX_DEPTH + 2] = '\0';
    reject(deep, "nesting deeper than");
}

static void test_file(const char *dir)
{
    char path[4096], err[512];
    FILE *f;
    JsonDoc *d;

    snprintf(path, sizeof(path), "%s/json-test-%d.json", dir, (int)getpid());
    f = fopen(path, "wb");
    if (!f) {
        CHECK(0, "cannot create %s", path);
        return;
    }
    fputs("{\n  \"x\": [1, 2,\n  ]\n}\n", f);
    fclose(f);
    d = json_parse_file(path, err, sizeof(err));
    CHECK(d == NULL && strstr(err, path) && strstr(err, "line 3 column 3"),
          "file error message: %s", err);
    json_free(d);
    remove(path);
    d = json_parse_file(path, err, sizeof(err));
    CHECK(d == NULL && strstr(err, "No such file"), "missing file: %s", err);
}

int main(int argc, char **argv)
{
    test_accept();
    test_reject();
    test_file(argc > 1 ? argv[1] : ".");
    return check_summary();
}
