/*
** base/hashmap.h — an open-addressing hash map from byte strings to pointers.
**
** Keys are copied into the map (one malloc per entry, key bytes inline); values are opaque
** pointers the caller owns. Linear probing with backward-shift deletion, so there are no
** tombstones and lookups stay short after many deletes (keyed state churns a lot).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_HASHMAP_H
#define SL_BASE_HASHMAP_H

#include "base/common.h"

typedef struct sl_hentry {
    uint64_t hash;
    void *value;
    uint32_t klen;
    char key[];
} sl_hentry;

/* A slot keeps the entry's hash beside the pointer, so probing compares hashes without
** touching entries (one cache miss per lookup instead of one per probe). */
typedef struct sl_hslot {
    uint64_t hash;
    sl_hentry *e; /* NULL: empty */
} sl_hslot;

typedef struct sl_hashmap {
    sl_hslot *slots;
    size_t cap;   /* power of two, or 0 */
    size_t count;
    size_t key_bytes; /* sum of key lengths, for state-size metrics */
} sl_hashmap;

#define SL_HASHMAP_INIT {NULL, 0, 0, 0}

/* Start loading the memory a lookup of a key with this hash (sl_hash_bytes) touches first: its
** slot. */
void sl_hashmap_prefetch_hash(const sl_hashmap *m, uint64_t hash);
/* The first entry whose hash is hash, without comparing keys (another key may share it), or
** NULL: for prefetching the entry, or what it points to, once its slot is in the cache. */
sl_hentry *sl_hashmap_peek(const sl_hashmap *m, uint64_t hash);

/* The entry for key, or NULL. */
sl_hentry *sl_hashmap_get(const sl_hashmap *m, const void *key, size_t klen);
/* The entry for key, created with value NULL when absent (*created says which). */
sl_hentry *sl_hashmap_upsert(sl_hashmap *m, const void *key, size_t klen, int *created);
/* Remove key; returns its value (the caller frees it), or NULL when absent. */
void *sl_hashmap_remove(sl_hashmap *m, const void *key, size_t klen);
/* Iterate: start with *pos = 0; returns the next entry or NULL at the end. Do not modify
** the map while iterating, except through sl_hashmap_clear afterwards. */
sl_hentry *sl_hashmap_next(const sl_hashmap *m, size_t *pos);
/* Remove every entry. free_value, when not NULL, is called on each value. */
void sl_hashmap_clear(sl_hashmap *m, void (*free_value)(void *));
/* Clear and release the table. */
void sl_hashmap_free(sl_hashmap *m, void (*free_value)(void *));

#endif
