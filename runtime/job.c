/*
** runtime/job.c — jobs and their task thread (see job.h).
**
** The task loop polls the source for up to SL_BATCH_ROWS rows with a short timeout, so a stop
** request is noticed within that timeout even when no data arrives; between polls every
** operator gets a tick (interval flushes). Every checkpoint interval, and at the end (the
** source is exhausted or a stop was requested), the chain is flushed — buffered rows pushed,
** sinks made durable — and only then does the source commit, so committed positions never
** run ahead of what the sinks hold (at-least-once).
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/job.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "base/log.h"
#include "runtime/operator.h"

#define SL_BATCH_ROWS 4096
#define SL_POLL_MS 100
#define SL_RESULT_QUEUE_ROWS 1024

struct sl_job {
    sl_job_ctx ctx;
    int64_t checkpoint_ms;
    const sl_plan *plan;
    sl_source *src;
    sl_op **ops; /* ops[0] receives the source's batches; ops[nops-1] is the sink */
    int nops;
    pthread_t thread;
    int started, joined;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int finished;
    int rc;
    sl_err err;
    sl_rowq *results; /* SELECT: rows for the caller */
};

/* A connector whose descriptor is registered (its tables validate and plan) but whose
** implementation is not in this build. */
static int no_runtime(const char *name, const char *what, sl_err *err)
{
    return sl_err_set(err, SL_UNSUPPORTED,
                      "connector '%s' has no %s implementation yet: its tables are validated "
                      "and its jobs planned (sluice explain), but they cannot run",
                      name, what);
}

static int open_source(sl_job *job, const sl_pnode *leaf, const sl_registry *reg,
                       const sl_rt_registry *rt, sl_err *err)
{
    if (leaf->kind == SL_PN_VALUES) {
        job->src = sl_values_source_new(leaf);
        return SL_OK;
    }
    const sl_rt_connector *rc = sl_rt_find(rt, leaf->conn->name);
    if (!rc || !rc->source_open)
        return sl_err_set(err, SL_UNSUPPORTED, "connector '%s' cannot be read",
                          leaf->conn->name);
    sl_source_ctx ctx = {leaf->table, reg, leaf->needed, &job->ctx};
    return rc->source_open(&ctx, &job->src, err);
}

static int open_sink(sl_job *job, const sl_pnode *n, const sl_registry *reg,
                     const sl_rt_registry *rt, sl_op **out, sl_err *err)
{
    const sl_rt_connector *rc = sl_rt_find(rt, n->conn->name);
    if (!rc || !rc->sink_open)
        return sl_err_set(err, SL_UNSUPPORTED, "connector '%s' cannot be written",
                          n->conn->name);
    sl_sink_ctx ctx = {n->table, reg, n->ncol, n->tcol, n->upsert, &job->ctx, job->src};
    sl_sink *sink;
    int r = rc->sink_open(&ctx, &sink, err);
    if (r) return r;
    *out = sl_op_sink_new(n, &job->ctx, sink);
    return SL_OK;
}

int sl_job_create(const sl_plan *plan, const sl_registry *reg, const sl_rt_registry *rt,
                  const sl_job_config *cfg, sl_job **out, sl_err *err)
{
    /* Before anything connects: every connector of the plan must have an implementation. */
    for (const sl_pnode *p = plan->root; p; p = p->input)
        if (p->conn && !sl_rt_find(rt, p->conn->name))
            return no_runtime(p->conn->name, p->kind == SL_PN_SINK ? "sink" : "source", err);
    sl_job *job = sl_calloc(1, sizeof *job);
    job->plan = plan;
    job->ctx.name = cfg && cfg->name ? cfg->name : "job";
    job->checkpoint_ms = cfg ? cfg->checkpoint_ms : 0;
    pthread_mutex_init(&job->mu, NULL);
    pthread_cond_init(&job->cv, NULL);
    sl_err_clear(&job->err);

    const sl_pnode *chain[64];
    int n = 0;
    for (const sl_pnode *p = plan->root; p && n < 64; p = p->input) chain[n++] = p;
    job->ops = sl_calloc((size_t)n, sizeof(sl_op *));
    int rc = open_source(job, chain[n - 1], reg, rt, err);
    /* Operators from the one above the source up to the sink. */
    for (int i = n - 2; i >= 0 && !rc; i--) {
        const sl_pnode *p = chain[i];
        sl_op *op = NULL;
        switch (p->kind) {
        case SL_PN_CALC: op = sl_op_calc_new(p, &job->ctx); break;
        case SL_PN_NORMALIZE: op = sl_op_normalize_new(p, &job->ctx); break;
        case SL_PN_SINK: rc = open_sink(job, p, reg, rt, &op, err); break;
        case SL_PN_COLLECT:
            job->results = sl_rowq_new(SL_RESULT_QUEUE_ROWS);
            op = sl_op_collect_new(p, &job->ctx, job->results, cfg ? cfg->max_rows : 0);
            break;
        default: rc = sl_err_set(err, SL_INTERNAL, "cannot run plan node %s", sl_pnode_name(p));
        }
        if (op) job->ops[job->nops++] = op;
    }
    for (int i = 0; i + 1 < job->nops; i++) job->ops[i]->next = job->ops[i + 1];
    if (rc) {
        sl_job_free(job);
        return rc;
    }
    *out = job;
    return SL_OK;
}

static int tick_all(sl_job *job, int64_t now, sl_err *err)
{
    for (int i = 0; i < job->nops; i++) {
        sl_op *op = job->ops[i];
        int rc = op->vt->tick ? op->vt->tick(op, now, err) : SL_OK;
        if (rc) return rc;
    }
    return SL_OK;
}

static int commit_source(sl_job *job, sl_err *err)
{
    return job->src->vt->commit ? job->src->vt->commit(job->src, err) : SL_OK;
}

static int run(sl_job *job)
{
    sl_err *err = &job->err;
    sl_batch in;
    sl_batch_init(&in);
    int rc = SL_OK;
    sl_op *head = job->ops[0];
    int64_t next_checkpoint = job->checkpoint_ms > 0 ? sl_now_ms() + job->checkpoint_ms : INT64_MAX;
    for (;;) {
        if (atomic_load(&job->ctx.stop)) break;
        sl_batch_reset(&in);
        int prc = job->src->vt->poll(job->src, &in, SL_BATCH_ROWS, SL_POLL_MS, err);
        if (prc != SL_OK && prc != SL_DONE) {
            rc = prc;
            break;
        }
        if (in.n) {
            atomic_fetch_add(&job->ctx.rows_in, (unsigned long long)in.n);
            if ((rc = head->vt->push(head, &in, err))) break;
        }
        if (prc == SL_DONE) break;
        int64_t now = sl_now_ms();
        if ((rc = tick_all(job, now, err))) break;
        if (now >= next_checkpoint) {
            /* Sinks durable first, then the source's progress: never the other way round. */
            if ((rc = head->vt->checkpoint(head, err)) || (rc = commit_source(job, err))) break;
            next_checkpoint = now + job->checkpoint_ms;
        }
    }
    if (!rc) rc = head->vt->finish(head, err);
    if (!rc) rc = commit_source(job, err);
    sl_batch_free(&in);
    return rc;
}

static void *task_main(void *arg)
{
    sl_job *job = arg;
    int rc = run(job);
    if (job->results) sl_rowq_close(job->results);
    pthread_mutex_lock(&job->mu);
    job->rc = rc;
    job->finished = 1;
    pthread_cond_broadcast(&job->cv);
    pthread_mutex_unlock(&job->mu);
    return NULL;
}

int sl_job_start(sl_job *job, sl_err *err)
{
    if (pthread_create(&job->thread, NULL, task_main, job) != 0)
        return sl_err_set(err, SL_INTERNAL, "cannot start the task thread: %s", strerror(errno));
    job->started = 1;
    return SL_OK;
}

void sl_job_stop(sl_job *job)
{
    if (job) atomic_store(&job->ctx.stop, 1);
}

atomic_int *sl_job_stop_flag(sl_job *job)
{
    return &job->ctx.stop;
}

int sl_job_wait(sl_job *job, int timeout_ms, sl_err *err)
{
    if (!job->started) return SL_DONE;
    pthread_mutex_lock(&job->mu);
    if (timeout_ms < 0) {
        while (!job->finished) pthread_cond_wait(&job->cv, &job->mu);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        while (!job->finished)
            if (pthread_cond_timedwait(&job->cv, &job->mu, &ts) == ETIMEDOUT) break;
    }
    int finished = job->finished, rc = job->rc;
    pthread_mutex_unlock(&job->mu);
    if (!finished) return SL_IDLE;
    if (!job->joined) {
        pthread_join(job->thread, NULL);
        job->joined = 1;
    }
    if (rc) {
        sl_err_copy(err, &job->err);
        return rc;
    }
    return SL_DONE;
}

int sl_job_next_row(sl_job *job, int timeout_ms, sl_row **out, sl_err *err)
{
    if (!job->results) return sl_err_set(err, SL_MISUSE, "the job has no result rows");
    int rc = sl_rowq_take(job->results, timeout_ms, out);
    return rc == SL_DONE ? sl_job_wait(job, -1, err) : rc;
}

uint64_t sl_job_rows_in(const sl_job *job)
{
    return atomic_load(&job->ctx.rows_in);
}

uint64_t sl_job_rows_out(const sl_job *job)
{
    return atomic_load(&job->ctx.rows_out);
}

uint64_t sl_job_state_keys(const sl_job *job)
{
    uint64_t n = 0;
    for (int i = 0; i < job->nops; i++) n += sl_op_state_keys(job->ops[i]);
    return n;
}

void sl_job_free(sl_job *job)
{
    if (!job) return;
    if (job->started && !job->joined) {
        sl_job_stop(job);
        sl_err ignored = SL_ERR_INIT;
        sl_job_wait(job, -1, &ignored);
    }
    for (int i = 0; i < job->nops; i++) job->ops[i]->vt->close(job->ops[i]);
    if (job->src) job->src->vt->close(job->src);
    sl_rowq_free(job->results);
    sl_free(job->ops);
    pthread_mutex_destroy(&job->mu);
    pthread_cond_destroy(&job->cv);
    sl_free(job);
}
