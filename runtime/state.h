/*
** runtime/state.h — keyed state: the one interface operators keep rows behind.
**
** Keys are the memcmp-ordered encodings of key columns (sl_key_encode); values are rows.
** Operators never see how a backend stores them, so a spilling or persistent backend can
** replace the in-memory one without touching an operator (DESIGN.md section 5).
**
** Ownership: get returns a row borrowed from the store, valid until the next end_batch even if
** its key is put or deleted meanwhile (the store keeps displaced rows until then), so an
** operator can emit stored rows without copying them; put copies the row it is given; iterate
** hands out borrowed rows.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_RUNTIME_STATE_H
#define SL_RUNTIME_STATE_H

#include "base/value.h"

typedef struct sl_state sl_state;

typedef struct sl_state_vt {
    const sl_row *(*get)(sl_state *st, const void *key, size_t klen);
    void (*put)(sl_state *st, const void *key, size_t klen, const sl_row *row);
    void (*del)(sl_state *st, const void *key, size_t klen);
    /* Call fn for every entry until it returns non-zero. */
    int (*iterate)(sl_state *st, int (*fn)(void *ud, const void *key, size_t klen,
                                          const sl_row *row),
                   void *ud);
    /* A hint that key will be looked up soon (an operator announces a batch's keys first, so
    ** the cache misses of many lookups overlap). May be NULL. */
    void (*prefetch)(sl_state *st, const void *key, size_t klen);
    /* The rows get returned since the last end_batch are no longer used. */
    void (*end_batch)(sl_state *st);
    uint64_t (*count)(sl_state *st);
    uint64_t (*bytes)(sl_state *st);
    void (*close)(sl_state *st);
} sl_state_vt;

struct sl_state {
    const sl_state_vt *vt;
};

/* The in-memory backend: a hash table of malloc'd rows (returns owned; close with
** st->vt->close). */
sl_state *sl_state_memory_new(void);

#endif
