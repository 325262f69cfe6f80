/*
** runtime/batch.h — a batch of rows moving between operators.
**
** Rows move in batches so that per-row overhead (virtual calls, checks for a stop request,
** allocator work) is paid once per batch. A batch owns an arena for its rows and anything
** they point to that nobody else owns; sl_batch_reset empties it for reuse without freeing
** memory, so a steady stream allocates nothing.
**
** Ownership: a batch passed to an operator's push() is borrowed for the duration of the call.
** An operator that needs a row later copies it (a state put copies; sl_row_dup otherwise).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_RUNTIME_BATCH_H
#define SL_RUNTIME_BATCH_H

#include "base/value.h"

/* Where a row came from, for error messages and dead-letter records: the source record. */
typedef struct sl_origin {
    const char *topic;
    int32_t partition;
    int64_t offset;
    int64_t timestamp; /* ms since the epoch, -1 when unknown */
    const void *key, *value; /* the record's bytes; NULL when absent */
    size_t klen, vlen;
} sl_origin;

typedef struct sl_batch {
    sl_arena ar;
    sl_row **rows;
    const sl_origin **orig; /* parallel to rows; entries may be NULL */
    int n, cap;
} sl_batch;

void sl_batch_init(sl_batch *b);
/* Forget the rows (and the arena's contents); keep the memory. */
void sl_batch_reset(sl_batch *b);
void sl_batch_free(sl_batch *b);
/* Append a row (the row must live at least as long as the batch's current contents). */
void sl_batch_add(sl_batch *b, sl_row *row, const sl_origin *orig);
/* A new +I row of ncol NULLs in the batch's arena, appended to the batch. */
sl_row *sl_batch_new_row(sl_batch *b, int ncol, const sl_origin *orig);

#endif
