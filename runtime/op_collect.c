/*
** runtime/op_collect.c — Collect: the end of a SELECT's chain, handing rows to the caller.
**
** Kinds in: all four; every row keeps its kind. State: none. The rows go into a bounded queue
** (sl_rowq) that the caller drains from its own thread (sl_job_next_row). When the queue is
** full the task thread waits, so a slow reader slows the source down instead of growing the
** queue without bound; it wakes at least every 100 ms to notice a stop request. The LIMIT of
** the plan counts rows handed over (changelog rows, so -U and +U count too); once reached the
** operator asks the job to stop and drops anything that still arrives.
**
** SPDX-License-Identifier: MIT
*/
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "runtime/operator.h"

struct sl_rowq {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled on every put, take and close */
    sl_row **ring;
    int cap, head, n;
    int closed;
};

sl_rowq *sl_rowq_new(int cap)
{
    sl_rowq *q = sl_calloc(1, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->cap = cap > 0 ? cap : 1;
    q->ring = sl_calloc((size_t)q->cap, sizeof(sl_row *));
    return q;
}

void sl_rowq_free(sl_rowq *q)
{
    if (!q) return;
    for (int i = 0; i < q->n; i++) sl_free(q->ring[(q->head + i) % q->cap]);
    sl_free(q->ring);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    sl_free(q);
}

static void deadline(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

void sl_rowq_close(sl_rowq *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Append row (takes ownership). Waits while the queue is full; gives up (frees the row,
** returns 0) when *stop becomes set. */
static int rowq_put(sl_rowq *q, sl_row *row, atomic_int *stop)
{
    pthread_mutex_lock(&q->mu);
    while (q->n == q->cap && !atomic_load(stop)) {
        struct timespec ts;
        deadline(&ts, 100);
        pthread_cond_timedwait(&q->cv, &q->mu, &ts);
    }
    int ok = q->n < q->cap;
    if (ok) {
        q->ring[(q->head + q->n) % q->cap] = row;
        q->n++;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    if (!ok) sl_free(row);
    return ok;
}

int sl_rowq_take(sl_rowq *q, int timeout_ms, sl_row **out)
{
    struct timespec ts;
    if (timeout_ms > 0) deadline(&ts, timeout_ms);
    int rc;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (q->n) {
            *out = q->ring[q->head];
            q->head = (q->head + 1) % q->cap;
            q->n--;
            pthread_cond_broadcast(&q->cv);
            rc = SL_ROW;
            break;
        }
        if (q->closed) {
            rc = SL_DONE;
            break;
        }
        if (timeout_ms == 0) {
            rc = SL_IDLE;
            break;
        }
        if (timeout_ms < 0)
            pthread_cond_wait(&q->cv, &q->mu);
        else if (pthread_cond_timedwait(&q->cv, &q->mu, &ts) == ETIMEDOUT)
            timeout_ms = 0; /* look once more, then report idle */
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

/* ---- the operator --------------------------------------------------------------------- */

typedef struct collect_op {
    sl_op base;
    sl_rowq *q;
    int64_t left; /* rows still allowed by LIMIT; -1: no limit */
} collect_op;

static int collect_push(sl_op *op, sl_batch *in, sl_err *err)
{
    collect_op *c = (collect_op *)op;
    SL_UNUSED(err);
    for (int r = 0; r < in->n; r++) {
        if (c->left == 0) break;
        if (!rowq_put(c->q, sl_row_dup(in->rows[r]), &op->job->stop)) break;
        atomic_fetch_add(&op->job->rows_out, 1ull);
        if (c->left > 0 && --c->left == 0) atomic_store(&op->job->stop, 1);
    }
    return SL_OK;
}

static int collect_finish(sl_op *op, sl_err *err)
{
    SL_UNUSED(op);
    SL_UNUSED(err);
    return SL_OK;
}

static void collect_close(sl_op *op)
{
    sl_free(op);
}

static const sl_op_vt collect_vt = {collect_push, collect_finish, collect_finish, NULL,
                                    collect_close};

sl_op *sl_op_collect_new(const sl_pnode *node, sl_job_ctx *job, sl_rowq *q, int64_t max_rows)
{
    collect_op *c = sl_calloc(1, sizeof *c);
    c->base.vt = &collect_vt;
    c->base.node = node;
    c->base.job = job;
    c->q = q;
    c->left = node->limit;
    if (max_rows > 0 && (c->left < 0 || max_rows < c->left)) c->left = max_rows;
    if (c->left == 0) atomic_store(&job->stop, 1); /* LIMIT 0: nothing to read */
    return &c->base;
}
