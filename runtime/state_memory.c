/*
** runtime/state_memory.c — the in-memory keyed-state backend.
**
** One hash-table entry per key holding a single-block copy of the row. Row blocks come from
** the backend's own pool: size classes 16 bytes apart up to POOL_MAX, carved from 1 MiB slabs,
** one free list per class; larger rows use malloc. A put or delete sets the key's previous block
** aside until end_batch, which returns the blocks to their free lists, so steady updates
** allocate nothing. Slab blocks go back to malloc only at close: a class keeps as many blocks
** as it ever held at once, so a store whose rows keep changing size class holds more memory
** than its live rows. Byte counts are kept incrementally for the sluice_state_bytes metric (live
** rows only).
**
** Why a pool: the state is written by a job's task thread, and glibc grows a thread's arena a
** few pages at a time with mprotect, under the process's mmap lock, which the Kafka fetcher and
** reader threads take for every page fault of their own. With 100,000 new keys that was a tenth
** of the task thread's time, much of it waiting for the lock (bench/README.md, W1). Slabs take
** the lock once per MiB, and blocks carry 16 bytes of header instead of malloc's 16 plus
** rounding.
**
** SPDX-License-Identifier: MIT
*/
#include "base/hashmap.h"
#include "runtime/state.h"

#define POOL_GRAIN 16
#define POOL_MAX 4096
#define POOL_CLASSES (POOL_MAX / POOL_GRAIN)
#define POOL_SLAB ((size_t)1 << 20)

/* Every block starts with this header; the row follows, 16-byte aligned. */
typedef union block {
    size_t cap; /* usable bytes after the header; > POOL_MAX: a malloc'd block */
    max_align_t align;
} block;

typedef struct pool {
    void *free[POOL_CLASSES + 1]; /* free[c]: blocks of c * POOL_GRAIN usable bytes */
    char *cur;                    /* the unused rest of the newest slab */
    size_t left;
    void **slabs;
    int nslabs, slabcap;
} pool;

static block *head_of(const sl_row *row)
{
    return (block *)row - 1;
}

static sl_row *pool_alloc(pool *p, size_t need)
{
    size_t c = (need + POOL_GRAIN - 1) / POOL_GRAIN;
    block *b;
    if (c > POOL_CLASSES) {
        b = sl_malloc(sizeof(block) + need);
        b->cap = need;
        return (sl_row *)(b + 1);
    }
    if (p->free[c]) {
        b = p->free[c];
        p->free[c] = *(void **)(b + 1);
        return (sl_row *)(b + 1);
    }
    size_t sz = sizeof(block) + c * POOL_GRAIN;
    if (p->left < sz) {
        if (p->nslabs == p->slabcap) {
            p->slabcap = p->slabcap ? 2 * p->slabcap : 16;
            p->slabs = sl_realloc(p->slabs, sizeof(void *) * (size_t)p->slabcap);
        }
        p->cur = p->slabs[p->nslabs++] = sl_malloc(POOL_SLAB);
        p->left = POOL_SLAB;
    }
    b = (block *)p->cur;
    p->cur += sz;
    p->left -= sz;
    b->cap = c * POOL_GRAIN;
    return (sl_row *)(b + 1);
}

static void pool_release(pool *p, sl_row *row)
{
    block *b = head_of(row);
    if (b->cap > POOL_MAX) {
        sl_free(b);
        return;
    }
    size_t c = b->cap / POOL_GRAIN;
    *(void **)(b + 1) = p->free[c];
    p->free[c] = b;
}

/* The hash map's value destructor at close: slab blocks go with their slabs. */
static void release_large(void *value)
{
    block *b = head_of(value);
    if (b->cap > POOL_MAX) sl_free(b);
}

typedef struct mem_state {
    sl_state base;
    sl_hashmap map;
    pool pool;
    uint64_t row_bytes;
    sl_row **displaced; /* rows replaced or deleted since the last end_batch */
    size_t ndisplaced, displaced_cap;
    /* The entry the last get found: an operator puts the key it just looked up, and then the
    ** put needs no second lookup (the key is compared, not hashed and probed again). */
    sl_hentry *got;
    /* the hashes of the last PF_RING keys announced to mem_prefetch */
#define PF_RING 16
    uint64_t pf_hash[PF_RING];
    unsigned pf_n;
} mem_state;

/* A row that left the map but may still be read until end_batch. */
static void displace(mem_state *m, sl_row *row)
{
    m->row_bytes -= sl_row_size(row);
    if (m->ndisplaced == m->displaced_cap) {
        m->displaced_cap = m->displaced_cap ? 2 * m->displaced_cap : 1024;
        m->displaced = sl_realloc(m->displaced, sizeof(sl_row *) * m->displaced_cap);
    }
    m->displaced[m->ndisplaced++] = row;
}

static const sl_row *mem_get(sl_state *st, const void *key, size_t klen)
{
    mem_state *m = (mem_state *)st;
    sl_hentry *e = sl_hashmap_get(&m->map, key, klen);
    m->got = e;
    return e ? e->value : NULL;
}

static void mem_put(sl_state *st, const void *key, size_t klen, const sl_row *row)
{
    mem_state *m = (mem_state *)st;
    sl_hentry *e = m->got && m->got->klen == klen && memcmp(m->got->key, key, klen) == 0
                       ? m->got
                       : sl_hashmap_upsert(&m->map, key, klen, NULL);
    m->got = NULL;
    if (e->value) displace(m, e->value);
    size_t need = sl_row_size(row);
    e->value = sl_row_copy_into(pool_alloc(&m->pool, need), row);
    m->row_bytes += need;
}

static void mem_del(sl_state *st, const void *key, size_t klen)
{
    mem_state *m = (mem_state *)st;
    m->got = NULL;
    sl_row *old = sl_hashmap_remove(&m->map, key, klen);
    if (old) displace(m, old);
}

static void mem_end_batch(sl_state *st)
{
    mem_state *m = (mem_state *)st;
    for (size_t i = 0; i < m->ndisplaced; i++) pool_release(&m->pool, m->displaced[i]);
    m->ndisplaced = 0;
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

/*
** Lookups are announced in the order they will happen, PREFETCH_AHEAD or so in advance (see
** op_normalize.c). A lookup misses the cache three times in a row: the slot, the entry, the
** row. Each announcement starts the first for its own key, the second for the key announced
** PF_ENTRY calls ago (whose slot is in the cache by now) and the third for the key announced
** PF_ROW calls ago (whose entry is), so all three overlap with other work. Stages two and three
** look the hash up again rather than keep pointers, which a delete in between could free.
*/
#define PF_ENTRY 6
#define PF_ROW 10
static void mem_prefetch(sl_state *st, const void *key, size_t klen)
{
    mem_state *m = (mem_state *)st;
    uint64_t h = sl_hash_bytes(key, klen);
    sl_hashmap_prefetch_hash(&m->map, h);
    m->pf_hash[m->pf_n++ % PF_RING] = h;
    if (m->pf_n > PF_ENTRY) {
        sl_hentry *e = sl_hashmap_peek(&m->map, m->pf_hash[(m->pf_n - 1 - PF_ENTRY) % PF_RING]);
        if (e) __builtin_prefetch(e);
    }
    if (m->pf_n > PF_ROW) {
        sl_hentry *e = sl_hashmap_peek(&m->map, m->pf_hash[(m->pf_n - 1 - PF_ROW) % PF_RING]);
        if (e && e->value) /* the row's first lines: header, columns, short strings */
            for (int off = 0; off < 320; off += 64) __builtin_prefetch((const char *)e->value + off);
    }
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
    mem_end_batch(st);
    sl_free(m->displaced);
    sl_hashmap_free(&m->map, release_large);
    for (int i = 0; i < m->pool.nslabs; i++) sl_free(m->pool.slabs[i]);
    sl_free(m->pool.slabs);
    sl_free(m);
}

static const sl_state_vt mem_vt = {mem_get,       mem_put,   mem_del,   mem_iterate, mem_prefetch,
                                   mem_end_batch, mem_count, mem_bytes, mem_close};

sl_state *sl_state_memory_new(void)
{
    mem_state *m = sl_calloc(1, sizeof *m);
    m->base.vt = &mem_vt;
    return &m->base;
}
