/*
** base/arena.c — block arena (see arena.h).
**
** Blocks grow geometrically up to 1 MiB. A reset keeps one block: the newest, or, when the last
** use took several, one block as large as all of them, so a per-batch arena settles at the size
** its batches need and steady-state batches allocate nothing from malloc.
**
** SPDX-License-Identifier: MIT
*/
#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>

struct sl_arena_block {
    sl_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

#define ALIGN16(n) (((n) + 15) & ~(size_t)15)

void sl_arena_init(sl_arena *ar, size_t block_size)
{
    ar->head = NULL;
    ar->block_size = block_size ? block_size : 8192;
    ar->used_total = 0;
}

static sl_arena_block *new_block(sl_arena *ar, size_t need)
{
    size_t size = ar->block_size;
    if (size < need) size = need;
    sl_arena_block *b = sl_malloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    b->next = ar->head;
    ar->head = b;
    if (ar->block_size < (1u << 20)) ar->block_size *= 2;
    return b;
}

void *sl_arena_alloc(sl_arena *ar, size_t n)
{
    n = ALIGN16(n ? n : 1);
    sl_arena_block *b = ar->head;
    if (!b || b->size - b->used < n) b = new_block(ar, n);
    void *p = b->data + b->used;
    b->used += n;
    ar->used_total += n;
    return p;
}

void *sl_arena_calloc(sl_arena *ar, size_t n)
{
    void *p = sl_arena_alloc(ar, n);
    memset(p, 0, n);
    return p;
}

char *sl_arena_strndup(sl_arena *ar, const char *s, size_t n)
{
    char *d = sl_arena_alloc(ar, n + 1);
    if (n) memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *sl_arena_strdup(sl_arena *ar, const char *s)
{
    return sl_arena_strndup(ar, s, strlen(s));
}

void *sl_arena_memdup(sl_arena *ar, const void *p, size_t n)
{
    void *d = sl_arena_alloc(ar, n);
    if (n) memcpy(d, p, n);
    return d;
}

char *sl_arena_printf(sl_arena *ar, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *d = sl_arena_alloc(ar, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return d;
}

void sl_arena_reset(sl_arena *ar)
{
    sl_arena_block *b = ar->head;
    if (!b) return;
    if (b->next) {
        /* The last use needed several blocks: replace them by one that holds as much, so the
        ** next use of the same size allocates nothing (no malloc/free churn per batch). */
        size_t total = 0;
        for (sl_arena_block *x = b; x; x = x->next) total += x->size;
        sl_arena_free(ar);
        b = sl_malloc(sizeof *b + total);
        b->size = total;
        b->next = NULL;
        ar->head = b;
        if (ar->block_size < total) ar->block_size = total;
    }
    b->used = 0;
    ar->used_total = 0;
}

void sl_arena_free(sl_arena *ar)
{
    sl_arena_block *b = ar->head;
    while (b) {
        sl_arena_block *next = b->next;
        sl_free(b);
        b = next;
    }
    ar->head = NULL;
    ar->used_total = 0;
}
