/*
** base/common.c — allocation, assertions and clocks shared by every layer.
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include "base/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void sl_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "sluice: internal error: assertion \"%s\" failed at %s:%d\n", expr, file,
            line);
    abort();
}

void sl_fatal(const char *fmt, ...)
{
    va_list ap;
    fputs("sluice: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(70);
}

void *sl_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (SL_UNLIKELY(!p)) sl_fatal("out of memory allocating %zu bytes", n);
    return p;
}

void *sl_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (SL_UNLIKELY(!p)) sl_fatal("out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

void *sl_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (SL_UNLIKELY(!q)) sl_fatal("out of memory reallocating %zu bytes", n);
    return q;
}

char *sl_strdup(const char *s)
{
    return sl_strndup(s, strlen(s));
}

char *sl_strndup(const char *s, size_t n)
{
    char *d = sl_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void sl_free(void *p)
{
    free(p);
}

int64_t sl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t sl_now_ms(void)
{
    return sl_now_ns() / 1000000;
}

int64_t sl_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int sl_strcaseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b)) return 0;
    return *a == *b;
}

int sl_strncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
        if (!a[i]) return 1;
    }
    return 1;
}
