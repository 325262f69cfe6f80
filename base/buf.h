/*
** base/buf.h — a growable byte buffer (encoders, rendering, key bytes).
**
** The buffer owns its memory; sl_buf_free releases it. p is always NUL-terminated after
** any append so text users can read it as a C string; n excludes that NUL.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_BUF_H
#define SL_BASE_BUF_H

#include <stdarg.h>

#include "base/common.h"

typedef struct sl_buf {
    char *p;
    size_t n, cap;
} sl_buf;

#define SL_BUF_INIT {NULL, 0, 0}

void sl_buf_reserve(sl_buf *b, size_t extra);
void sl_buf_append_slow(sl_buf *b, const void *data, size_t n);
void sl_buf_printf(sl_buf *b, const char *fmt, ...) SL_PRINTF(2, 3);
void sl_buf_vprintf(sl_buf *b, const char *fmt, va_list ap);
/* Empty the buffer, keeping its memory. */
void sl_buf_reset(sl_buf *b);
/* Release the memory; the buffer is empty and reusable. */
void sl_buf_free(sl_buf *b);
/* Hand the memory to the caller (returns owned; free with sl_free); the buffer is empty. */
char *sl_buf_detach(sl_buf *b);

/* Append n bytes (inline: the common case, room already there, is a memcpy). */
static inline void sl_buf_append(sl_buf *b, const void *data, size_t n)
{
    if (SL_UNLIKELY(n >= b->cap - b->n)) { /* room for n bytes and the NUL? (cap >= n) */
        sl_buf_append_slow(b, data, n);
        return;
    }
    if (n) memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = 0;
}

static inline void sl_buf_puts(sl_buf *b, const char *s)
{
    sl_buf_append(b, s, strlen(s));
}

static inline void sl_buf_putc(sl_buf *b, char c)
{
    if (SL_UNLIKELY(b->n + 2 > b->cap)) sl_buf_reserve(b, 1);
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

static inline void sl_buf_putc_fast(sl_buf *b, char c)
{
    if (SL_UNLIKELY(b->n + 2 > b->cap)) sl_buf_reserve(b, 1);
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

#endif
