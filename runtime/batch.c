/*
** runtime/batch.c — batches of rows (see batch.h).
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/batch.h"

void sl_batch_init(sl_batch *b)
{
    memset(b, 0, sizeof *b);
    sl_arena_init(&b->ar, 64 * 1024);
}

void sl_batch_reset(sl_batch *b)
{
    b->n = 0;
    sl_arena_reset(&b->ar);
}

void sl_batch_free(sl_batch *b)
{
    sl_arena_free(&b->ar);
    sl_free(b->rows);
    sl_free(b->orig);
    memset(b, 0, sizeof *b);
}

void sl_batch_add(sl_batch *b, sl_row *row, const sl_origin *orig)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->rows = sl_realloc(b->rows, sizeof(sl_row *) * (size_t)b->cap);
        b->orig = sl_realloc(b->orig, sizeof(sl_origin *) * (size_t)b->cap);
    }
    b->rows[b->n] = row;
    b->orig[b->n] = orig;
    b->n++;
}

sl_row *sl_batch_new_row(sl_batch *b, int ncol, const sl_origin *orig)
{
    sl_row *row = sl_row_new(&b->ar, ncol);
    sl_batch_add(b, row, orig);
    return row;
}
