/*
** runtime/state_memory.c — the in-memory keyed-state backend.
**
** One hash-table entry per key holding a single-allocation copy of the row (sl_row_dup); a put
** copies into the previous allocation of the key when it fits (malloc_usable_size), so steady
** updates allocate nothing, and a delete is one free. Byte counts are kept incrementally for the
** sluice_state_bytes metric.
**
** SPDX-License-Identifier: MIT
*/
#include <malloc.h>

#include "base/hashmap.h"
#include "runtime/state.h"

typedef struct mem_state {
    sl_state base;
    sl_hashmap map;
    uint64_t row_bytes;
} mem_state;

static const sl_row *mem_get(sl_state *st, const void *key, size_t klen)
{
    mem_state *m = (mem_state *)st;
    sl_hentry *e = sl_hashmap_get(&m->map, key, klen);
    return e ? e->value : NULL;
}

static void mem_put(sl_state *st, const void *key, size_t klen, const sl_row *row)
{
    mem_state *m = (mem_state *)st;
    sl_hentry *e = sl_hashmap_upsert(&m->map, key, klen, NULL);
    size_t cap = 0;
    if (e->value) {
        m->row_bytes -= sl_row_size(e->value);
        cap = malloc_usable_size(e->value);
    }
    /* An update of a key usually fits where its previous row was: no malloc, no free. */
    e->value = sl_row_dup_into(e->value, cap, row);
    m->row_bytes += sl_row_size(e->value);
}

static void mem_del(sl_state *st, const void *key, size_t klen)
{
    mem_state *m = (mem_state *)st;
    sl_row *old = sl_hashmap_remove(&m->map, key, klen);
    if (old) {
        m->row_bytes -= sl_row_size(old);
        sl_free(old);
    }
}

static int mem_iterate(sl_state *st, int (*fn)(void *, const void *, size_t, const sl_row *),
                       void *ud)
{
    mem_state *m = (mem_state *)st;
    size_t pos = 0;
    sl_hentry *e;
    while ((e = sl_hashmap_next(&m->map, &pos)))
        if (fn(ud, e->key, e->klen, e->value)) return 1;
    return 0;
}

static void mem_prefetch(sl_state *st, const void *key, size_t klen)
{
    sl_hashmap_prefetch(&((mem_state *)st)->map, key, klen);
}

static uint64_t mem_count(sl_state *st)
{
    return ((mem_state *)st)->map.count;
}

static uint64_t mem_bytes(sl_state *st)
{
    mem_state *m = (mem_state *)st;
    return m->row_bytes + m->map.key_bytes + m->map.cap * sizeof(void *);
}

static void mem_close(sl_state *st)
{
    mem_state *m = (mem_state *)st;
    sl_hashmap_free(&m->map, sl_free);
    sl_free(m);
}

static const sl_state_vt mem_vt = {mem_get,      mem_put,   mem_del,  mem_iterate,
                                   mem_prefetch, mem_count, mem_bytes, mem_close};

sl_state *sl_state_memory_new(void)
{
    mem_state *m = sl_calloc(1, sizeof *m);
    m->base.vt = &mem_vt;
    return &m->base;
}
