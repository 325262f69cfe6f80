/*
** runtime/op_normalize.c — ChangelogNormalize: an upsert stream made into a full changelog.
**
** Kinds in: +I/+U (an upsert of the row's key) and -D/-U (a delete of the key), as an upsert
** source produces them. Kinds out: +I, -U (only when a consumer needs it), +U, -D.
** State: the last full row per key (kind stored as +I), in a keyed-state store.
**
** The rules are Flink's (spec/flink-semantics.md 4.2, DeduplicateFunctionHelper):
**   +I/+U, no stored row           -> +I(row)
**   +I/+U, stored row equal        -> nothing (an identical repeat is not a change)
**   +I/+U, stored row differs      -> -U(stored) if needed, then +U(row)
**   -D/-U, stored row              -> -D(stored): the full old row, not the tombstone's nulls
**   -D/-U, no stored row           -> nothing (a delete of an unknown key is dropped)
** and the stored row is replaced or removed accordingly.
**
** Memory: emitted rows are shallow copies in the output batch: their values point into the
** input batch or, for stored rows (-U, -D), into the store, which keeps displaced rows until
** the batch has been emitted (end_batch).
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/operator.h"
#include "runtime/state.h"

/* How many rows ahead a lookup announces its key (enough to cover a memory access). */
#define PREFETCH_AHEAD 16
/* Output goes on every EMIT_EVERY input rows, while the rows just compared and stored are still
** in the core's cache for the operators after this one (a whole 4096-row batch is not). */
#define EMIT_EVERY 256

typedef struct normalize_op {
    sl_op base;
    sl_batch out;
    sl_state *st;
    sl_buf key;      /* the keys of the batch, one after the other */
    size_t *key_end; /* key_end[r]: where row r's key ends in key */
    int key_cap;
} normalize_op;

static void emit(normalize_op *nz, const sl_row *src, int kind, const sl_origin *orig)
{
    sl_row *r = sl_batch_new_row(&nz->out, src->ncol, orig);
    memcpy(r->col, src->col, sizeof(sl_value) * src->ncol);
    r->kind = (uint8_t)kind;
}

/* Send what was emitted so far on, and let the store drop the rows it kept for it. */
static int flush_out(normalize_op *nz, sl_err *err)
{
    int rc = nz->out.n ? sl_op_emit(&nz->base, &nz->out, err) : SL_OK;
    nz->st->vt->end_batch(nz->st);
    sl_batch_reset(&nz->out);
    return rc;
}

static int normalize_push(sl_op *op, sl_batch *in, sl_err *err)
{
    normalize_op *nz = (normalize_op *)op;
    const sl_pnode *n = op->node;
    sl_batch_reset(&nz->out);
    /* First every key of the batch; each lookup below announces the key PREFETCH_AHEAD rows
    ** on to the store, so the cache misses of several lookups overlap instead of being waited
    ** for one by one. The key strings themselves are prefetched the same way: they were
    ** decoded on the source's reader thread, on another core. */
    if (in->n > nz->key_cap) {
        nz->key_cap = in->n;
        nz->key_end = sl_realloc(nz->key_end, (size_t)in->n * sizeof *nz->key_end);
    }
    sl_buf_reset(&nz->key);
    for (int r = 0; r < PREFETCH_AHEAD && r < in->n; r++)
        sl_key_prefetch(in->rows[r]->col, n->key, n->nkey);
    for (int r = 0; r < in->n; r++) {
        if (r + PREFETCH_AHEAD < in->n)
            sl_key_prefetch(in->rows[r + PREFETCH_AHEAD]->col, n->key, n->nkey);
        size_t start = nz->key.n;
        sl_key_encode(&nz->key, in->rows[r]->col, n->key, n->nkey);
        nz->key_end[r] = nz->key.n;
        if (r < PREFETCH_AHEAD && nz->st->vt->prefetch)
            nz->st->vt->prefetch(nz->st, nz->key.p + start, nz->key.n - start);
    }
    for (int r = 0; r < in->n; r++) {
        if (r && r % EMIT_EVERY == 0) {
            int rc = flush_out(nz, err);
            if (rc) return rc;
        }
        sl_row *row = in->rows[r];
        int ahead = r + PREFETCH_AHEAD;
        if (ahead < in->n && nz->st->vt->prefetch)
            nz->st->vt->prefetch(nz->st, nz->key.p + nz->key_end[ahead - 1],
                                 nz->key_end[ahead] - nz->key_end[ahead - 1]);
        size_t kstart = r ? nz->key_end[r - 1] : 0;
        const char *key = nz->key.p + kstart;
        size_t klen = nz->key_end[r] - kstart;
        const sl_row *prev = nz->st->vt->get(nz->st, key, klen);
        if (SL_IS_ACCUMULATE(row->kind)) {
            if (!prev) {
                emit(nz, row, SL_INSERT, in->orig[r]);
            } else if (sl_row_equal(prev, row)) {
                continue; /* identical repeat: no change, and the state stays as it is */
            } else {
                if (n->gen_ub) emit(nz, prev, SL_UPDATE_BEFORE, in->orig[r]);
                emit(nz, row, SL_UPDATE_AFTER, in->orig[r]);
            }
            uint8_t kind = row->kind;
            row->kind = SL_INSERT; /* stored normalized; restored below (the batch is borrowed) */
            nz->st->vt->put(nz->st, key, klen, row);
            row->kind = kind;
        } else if (prev) {
            emit(nz, prev, SL_DELETE, in->orig[r]);
            nz->st->vt->del(nz->st, key, klen);
        }
    }
    return flush_out(nz, err);
}

static void normalize_close(sl_op *op)
{
    normalize_op *nz = (normalize_op *)op;
    nz->st->vt->close(nz->st);
    sl_buf_free(&nz->key);
    sl_free(nz->key_end);
    sl_batch_free(&nz->out);
    sl_free(nz);
}

static const sl_op_vt normalize_vt = {normalize_push, sl_op_finish_next_vt,
                                      sl_op_checkpoint_next_vt, NULL, normalize_close};

sl_op *sl_op_normalize_new(const sl_pnode *node, sl_job_ctx *job)
{
    normalize_op *nz = sl_calloc(1, sizeof *nz);
    nz->base.vt = &normalize_vt;
    nz->base.node = node;
    nz->base.job = job;
    nz->st = sl_state_memory_new();
    sl_batch_init(&nz->out);
    return &nz->base;
}

uint64_t sl_op_state_keys(const sl_op *op)
{
    if (op->vt != &normalize_vt) return 0;
    const normalize_op *nz = (const normalize_op *)op;
    return nz->st->vt->count(nz->st);
}

uint64_t sl_op_state_bytes(const sl_op *op)
{
    if (op->vt != &normalize_vt) return 0;
    const normalize_op *nz = (const normalize_op *)op;
    return nz->st->vt->bytes(nz->st);
}
