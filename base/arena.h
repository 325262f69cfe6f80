/*
** base/arena.h — region allocation for things that die together.
**
** An arena hands out memory from large blocks and frees it all at once. sluice keeps one per
** statement (tokens, AST), per plan (plan nodes, compiled expressions) and per batch (decoded
** rows); see docs/architecture.md, "Memory". Allocation never fails (base/common.h policy).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_ARENA_H
#define SL_BASE_ARENA_H

#include "base/common.h"

typedef struct sl_arena_block sl_arena_block;

typedef struct sl_arena {
    sl_arena_block *head;  /* current block; older blocks follow ->next */
    size_t block_size;     /* size of the next ordinary block */
    size_t used_total;     /* bytes handed out since the last reset, for metrics */
} sl_arena;

/* Initialise an empty arena; the first allocation creates a block of block_size (0 = 8 KiB). */
void sl_arena_init(sl_arena *ar, size_t block_size);

/* Memory for n bytes, 16-byte aligned, valid until reset or free of the arena. */
void *sl_arena_alloc(sl_arena *ar, size_t n);
/* Zeroed memory. */
void *sl_arena_calloc(sl_arena *ar, size_t n);
/* Copies of strings and byte ranges (the copy is NUL-terminated). */
char *sl_arena_strdup(sl_arena *ar, const char *s);
char *sl_arena_strndup(sl_arena *ar, const char *s, size_t n);
void *sl_arena_memdup(sl_arena *ar, const void *p, size_t n);
char *sl_arena_printf(sl_arena *ar, const char *fmt, ...) SL_PRINTF(2, 3);

/* Forget every allocation but keep the first block for reuse. */
void sl_arena_reset(sl_arena *ar);
/* Free every block. The arena may be reused after sl_arena_init. */
void sl_arena_free(sl_arena *ar);

#endif
