/*
 * A small printf for the report: enough conversions for addresses,
 * register values and token ids, no floating point.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "fw.h"

typedef struct Out {
    char *buf;
    int size;
    int len;
} Out;

static void out_c(Out *o, char c)
{
    if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void out_num(Out *o, unsigned long long v, unsigned base, bool upper,
                    bool neg, int width, char pad, bool left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg) {
        if (pad == '0') {
            out_c(o, '-');
        } else {
            tmp[n++] = '-';
        }
        width--;
    }
    if (!left) {
        for (int i = n; i < width; i++) {
            out_c(o, pad);
        }
    }
    while (n) {
        out_c(o, tmp[--n]);
    }
    if (left) {
        for (int i = n; i < width; i++) {
            out_c(o, ' ');
        }
    }
}

int fw_vsnprintf(char *buf, int size, const char *fmt, va_list ap)
{
    Out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_c(&o, *fmt);
            continue;
        }
        fmt++;
        bool left = false;
        char pad = ' ';
        int width = 0, lng = 0;
        for (;; fmt++) {
            if (*fmt == '-') {
                left = true;
            } else if (*fmt == '0') {
                pad = '0';
            } else {
                break;
            }
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z') {
            lng += *fmt == 'z' ? 2 : 1;
            fmt++;
        }
        if (left) {
            pad = ' ';
        }
        switch (*fmt) {
        case 'c':
            out_c(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int n;
            if (!s) {
                s = "(null)";
            }
            n = (int)strlen(s);
            for (int i = n; !left && i < width; i++) {
                out_c(&o, ' ');
            }
            while (*s) {
                out_c(&o, *s++);
            }
            for (int i = n; left && i < width; i++) {
                out_c(&o, ' ');
            }
            break;
        }
        case 'd':
        case 'i': {
            long long v = lng >= 2 ? va_arg(ap, long long)
                        : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            unsigned long long u = v < 0 ? -(unsigned long long)v
                                         : (unsigned long long)v;
            out_num(&o, u, 10, false, v < 0, width, pad, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = lng >= 2 ? va_arg(ap, unsigned long long)
                                 : lng == 1 ? va_arg(ap, unsigned long)
                                 : va_arg(ap, unsigned int);
            out_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width,
                    pad, left);
            break;
        }
        case 'p':
            out_c(&o, '0');
            out_c(&o, 'x');
            out_num(&o, (unsigned long long)(uintptr_t)va_arg(ap, void *),
                    16, false, false, width, pad, left);
            break;
        case '%':
            out_c(&o, '%');
            break;
        default:
            /* Unknown conversion: show it rather than guess. */
            out_c(&o, '%');
            if (*fmt) {
                out_c(&o, *fmt);
            } else {
                fmt--;
            }
            break;
        }
    }
    if (size > 0) {
        buf[o.len < size ? o.len : size - 1] = '\0';
    }
    return o.len;
}

int fw_snprintf(char *buf, int size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fw_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static int fw_vprintf(const char *fmt, va_list ap)
{
    char line[256];
    int n = fw_vsnprintf(line, sizeof(line), fmt, ap);

    hal.ops->console_write(hal.opaque, line,
                           n < (int)sizeof(line) ? (size_t)n
                                                 : sizeof(line) - 1);
    return n;
}

int fw_printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fw_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int fw_fail(int code, const char *fmt, ...)
{
    va_list ap;

    fw_printf("hc1-fw: FAIL (%s): ", fw_result_name(code));
    va_start(ap, fmt);
    fw_vprintf(fmt, ap);
    va_end(ap);
    fw_printf("\n");
    return code;
}
