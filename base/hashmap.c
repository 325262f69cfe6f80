/*
** base/hashmap.c — open addressing with linear probing and backward-shift delete.
**
** SPDX-License-Identifier: MIT
*/
#include "base/hashmap.h"

#include "base/value.h"

static size_t slot_of(const sl_hashmap *m, uint64_t h)
{
    return (size_t)h & (m->cap - 1);
}

static void grow(sl_hashmap *m)
{
    size_t oldcap = m->cap;
    sl_hslot *old = m->slots;
    m->cap = oldcap ? oldcap * 2 : 16;
    m->slots = sl_calloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].e) continue;
        size_t s = slot_of(m, old[i].hash);
        while (m->slots[s].e) s = (s + 1) & (m->cap - 1);
        m->slots[s] = old[i];
    }
    sl_free(old);
}

void sl_hashmap_prefetch_hash(const sl_hashmap *m, uint64_t hash)
{
    if (!m->count) return;
    /* Only the slot: reading it to prefetch the entry too would wait for the very miss this
    ** is meant to overlap. */
    __builtin_prefetch(&m->slots[slot_of(m, hash)]);
}

sl_hentry *sl_hashmap_peek(const sl_hashmap *m, uint64_t hash)
{
    if (!m->count) return NULL;
    for (size_t s = slot_of(m, hash);; s = (s + 1) & (m->cap - 1)) {
        if (!m->slots[s].e) return NULL;
        if (m->slots[s].hash == hash) return m->slots[s].e;
    }
}

sl_hentry *sl_hashmap_get(const sl_hashmap *m, const void *key, size_t klen)
{
    if (!m->count) return NULL;
    uint64_t h = sl_hash_bytes(key, klen);
    for (size_t s = slot_of(m, h);; s = (s + 1) & (m->cap - 1)) {
        sl_hentry *e = m->slots[s].e;
        if (!e) return NULL;
        if (m->slots[s].hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) return e;
    }
}

sl_hentry *sl_hashmap_upsert(sl_hashmap *m, const void *key, size_t klen, int *created)
{
    if ((m->count + 1) * 4 > m->cap * 3) grow(m);
    uint64_t h = sl_hash_bytes(key, klen);
    size_t s = slot_of(m, h);
    for (;; s = (s + 1) & (m->cap - 1)) {
        sl_hentry *e = m->slots[s].e;
        if (!e) break;
        if (m->slots[s].hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) {
            if (created) *created = 0;
            return e;
        }
    }
    sl_hentry *e = sl_malloc(sizeof *e + klen);
    e->hash = h;
    e->value = NULL;
    e->klen = (uint32_t)klen;
    memcpy(e->key, key, klen);
    m->slots[s].hash = h;
    m->slots[s].e = e;
    m->count++;
    m->key_bytes += klen;
    if (created) *created = 1;
    return e;
}

void *sl_hashmap_remove(sl_hashmap *m, const void *key, size_t klen)
{
    if (!m->count) return NULL;
    uint64_t h = sl_hash_bytes(key, klen);
    size_t s = slot_of(m, h);
    for (;; s = (s + 1) & (m->cap - 1)) {
        sl_hentry *e = m->slots[s].e;
        if (!e) return NULL;
        if (m->slots[s].hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) break;
    }
    sl_hentry *gone = m->slots[s].e;
    void *value = gone->value;
    m->key_bytes -= gone->klen;
    sl_free(gone);
    m->slots[s].e = NULL;
    m->count--;
    /* Backward shift: pull later entries of the probe run into the hole when allowed. */
    size_t hole = s;
    for (size_t j = (s + 1) & (m->cap - 1); m->slots[j].e; j = (j + 1) & (m->cap - 1)) {
        size_t home = slot_of(m, m->slots[j].hash);
        /* Move j into hole when home is not cyclically within (hole, j]. */
        int within = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!within) {
            m->slots[hole] = m->slots[j];
            m->slots[j].e = NULL;
            hole = j;
        }
    }
    return value;
}

sl_hentry *sl_hashmap_next(const sl_hashmap *m, size_t *pos)
{
    while (*pos < m->cap) {
        sl_hentry *e = m->slots[(*pos)++].e;
        if (e) return e;
    }
    return NULL;
}

void sl_hashmap_clear(sl_hashmap *m, void (*free_value)(void *))
{
    for (size_t i = 0; i < m->cap; i++) {
        sl_hentry *e = m->slots[i].e;
        if (!e) continue;
        if (free_value) free_value(e->value);
        sl_free(e);
        m->slots[i].e = NULL;
    }
    m->count = 0;
    m->key_bytes = 0;
}

void sl_hashmap_free(sl_hashmap *m, void (*free_value)(void *))
{
    sl_hashmap_clear(m, free_value);
    sl_free(m->slots);
    m->slots = NULL;
    m->cap = 0;
}
