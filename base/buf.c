/*
** base/buf.c — growable byte buffer (see buf.h).
**
** SPDX-License-Identifier: MIT
*/
#include "base/buf.h"

#include <stdio.h>

void sl_buf_reserve(sl_buf *b, size_t extra)
{
    size_t need = b->n + extra + 1;
    if (need <= b->cap) return;
    int was_empty = b->p == NULL;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->p = sl_realloc(b->p, cap);
    b->cap = cap;
    if (was_empty) b->p[0] = 0;
}

void sl_buf_append_slow(sl_buf *b, const void *data, size_t n)
{
    sl_buf_reserve(b, n);
    if (n) memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = 0;
}

void sl_buf_vprintf(sl_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < (int)sizeof small) {
        sl_buf_append(b, small, (size_t)n);
    } else {
        sl_buf_reserve(b, (size_t)n);
        vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap2);
        b->n += (size_t)n;
    }
    va_end(ap2);
}

void sl_buf_printf(sl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void sl_buf_reset(sl_buf *b)
{
    b->n = 0;
    if (b->p) b->p[0] = 0;
}

void sl_buf_free(sl_buf *b)
{
    sl_free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

char *sl_buf_detach(sl_buf *b)
{
    char *p = b->p;
    if (!p) p = sl_strdup("");
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}
