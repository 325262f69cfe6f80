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
** Observability: the job registers a readiness probe per connector before opening any (so it
** is not ready while one is still connecting), a liveness heartbeat the loop beats on every
** iteration, and the job-level metrics of docs/metrics.md: records read, errors by stage,
** checkpoints, state size. Operators and connectors record their own.
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/job.h"

#include <ctype.h>
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
    /* observability */
    sl_probe *src_probe, *sink_probe;
    sl_metric *m_in, *m_ckpt_ok, *m_ckpt_failed, *m_ckpt_seconds, *m_ckpt_time;
    sl_metric *m_state_keys, *m_state_bytes;
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

static const char *table_name(const sl_pnode *n)
{
    return n->table ? n->table->qualified : "VALUES";
}

static void observe_open(sl_job *job, const sl_pnode *leaf, const sl_pnode *sink)
{
    const char *name = job->ctx.name;
    if (leaf->kind != SL_PN_VALUES)
        job->src_probe = sl_probe_add(name, table_name(leaf), leaf->conn->name, "source");
    if (sink && sink->kind == SL_PN_SINK)
        job->sink_probe = sl_probe_add(name, table_name(sink), sink->conn->name, "sink");
    const char *in[] = {"job", name, "table", table_name(leaf), NULL};
    job->m_in = sl_metric_get(SL_METRIC_COUNTER, "sluice_records_in_total",
                              "Records read by the sources.", in);
    const char *ok[] = {"job", name, "status", "completed", NULL};
    const char *failed[] = {"job", name, "status", "failed", NULL};
    const char *jl[] = {"job", name, NULL};
    const char *ckpt_help = "Checkpoints: sinks made durable, then source progress committed.";
    job->m_ckpt_ok = sl_metric_get(SL_METRIC_COUNTER, "sluice_checkpoints_total", ckpt_help, ok);
    job->m_ckpt_failed = sl_metric_get(SL_METRIC_COUNTER, "sluice_checkpoints_total", ckpt_help,
                                       failed);
    job->m_ckpt_seconds = sl_metric_get(SL_METRIC_GAUGE, "sluice_checkpoint_duration_seconds",
                                        "Duration of the last checkpoint.", jl);
    job->m_ckpt_time = sl_metric_get(SL_METRIC_GAUGE, "sluice_last_checkpoint_timestamp_seconds",
                                     "Unix time of the last completed checkpoint.", jl);
    job->m_state_keys = sl_metric_get(SL_METRIC_GAUGE, "sluice_state_keys",
                                      "Keys held in operator state.", jl);
    job->m_state_bytes = sl_metric_get(SL_METRIC_GAUGE, "sluice_state_bytes",
                                       "Bytes held in operator state.", jl);
}

static void observe_close(sl_job *job)
{
    sl_probe_remove(job->src_probe);
    sl_probe_remove(job->sink_probe);
    sl_metric *all[] = {job->m_in, job->m_ckpt_ok, job->m_ckpt_failed, job->m_ckpt_seconds,
                        job->m_ckpt_time, job->m_state_keys, job->m_state_bytes};
    for (size_t i = 0; i < SL_ARRAY_LEN(all); i++) sl_metric_release(all[i]);
}

/* sluice_errors_total{job, stage, error_type}: stage is receiving, processing or sending. */
static void count_error(sl_job *job, const char *stage, int rc)
{
    char type[32];
    const char *n = sl_rc_name(rc);
    if (strncmp(n, "SL_", 3) == 0) n += 3;
    size_t i = 0;
    for (; n[i] && i + 1 < sizeof type; i++) type[i] = (char)tolower((unsigned char)n[i]);
    type[i] = 0;
    const char *labels[] = {"job", job->ctx.name, "stage", stage, "error_type", type, NULL};
    sl_metric *m = sl_metric_get(SL_METRIC_COUNTER, "sluice_errors_total",
                                 "Errors, by stage and type (a failed job counts one).", labels);
    sl_metric_add(m, 1);
    sl_metric_release(m);
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
    sl_source_ctx ctx = {leaf->table, reg, leaf->needed, &job->ctx, job->src_probe};
    int r = rc->source_open(&ctx, &job->src, err);
    if (!r) sl_probe_set(job->src_probe, 1, NULL);
    return r;
}

static int open_sink(sl_job *job, const sl_pnode *n, const sl_registry *reg,
                     const sl_rt_registry *rt, sl_op **out, sl_err *err)
{
    const sl_rt_connector *rc = sl_rt_find(rt, n->conn->name);
    if (!rc || !rc->sink_open)
        return sl_err_set(err, SL_UNSUPPORTED, "connector '%s' cannot be written",
                          n->conn->name);
    sl_sink_ctx ctx = {n->table, reg,      n->ncol,        n->tcol,
                       n->upsert, &job->ctx, job->src, job->sink_probe};
    sl_sink *sink;
    int r = rc->sink_open(&ctx, &sink, err);
    if (r) return r;
    sl_probe_set(job->sink_probe, 1, NULL);
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
    observe_open(job, chain[n - 1], chain[0]);
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

/*
** A checkpoint (final: the end of the job): sinks durable first, then the source's progress,
** never the other way round. *stage receives where a failure happened.
*/
static int checkpoint(sl_job *job, int final, const char **stage, sl_err *err)
{
    sl_op *head = job->ops[0];
    int64_t t0 = sl_now_ns();
    int rc = final ? head->vt->finish(head, err) : head->vt->checkpoint(head, err);
    *stage = "sending";
    if (!rc) {
        rc = commit_source(job, err);
        *stage = "receiving";
    }
    sl_metric_add(rc ? job->m_ckpt_failed : job->m_ckpt_ok, 1);
    if (!rc) {
        sl_metric_set(job->m_ckpt_seconds, (double)(sl_now_ns() - t0) / 1e9);
        sl_metric_set(job->m_ckpt_time, (double)sl_wall_ms() / 1000.0);
    }
    return rc;
}

static void observe_state(sl_job *job)
{
    uint64_t keys = 0, bytes = 0;
    for (int i = 0; i < job->nops; i++) {
        keys += sl_op_state_keys(job->ops[i]);
        bytes += sl_op_state_bytes(job->ops[i]);
    }
    sl_metric_set(job->m_state_keys, (double)keys);
    sl_metric_set(job->m_state_bytes, (double)bytes);
}

static int run(sl_job *job, sl_loop *loop)
{
    sl_err *err = &job->err;
    sl_batch in;
    sl_batch_init(&in);
    int rc = SL_OK;
    const char *stage = "processing";
    sl_op *head = job->ops[0];
    int64_t next_checkpoint = job->checkpoint_ms > 0 ? sl_now_ms() + job->checkpoint_ms : INT64_MAX;
    for (;;) {
        sl_loop_beat(loop);
        if (atomic_load(&job->ctx.stop)) break;
        sl_batch_reset(&in);
        int prc = job->src->vt->poll(job->src, &in, SL_BATCH_ROWS, SL_POLL_MS, err);
        if (prc != SL_OK && prc != SL_DONE) {
            rc = prc;
            stage = "receiving";
            break;
        }
        if (in.n) {
            atomic_fetch_add(&job->ctx.rows_in, (unsigned long long)in.n);
            sl_metric_add(job->m_in, (uint64_t)in.n);
            if ((rc = head->vt->push(head, &in, err))) break;
        }
        if (prc == SL_DONE) break;
        int64_t now = sl_now_ms();
        observe_state(job);
        if ((rc = tick_all(job, now, err))) {
            stage = "sending";
            break;
        }
        if (now >= next_checkpoint) {
            if ((rc = checkpoint(job, 0, &stage, err))) break;
            next_checkpoint = now + job->checkpoint_ms;
        }
    }
    sl_loop_beat(loop);
    if (!rc) rc = checkpoint(job, 1, &stage, err);
    observe_state(job);
    if (rc) count_error(job, stage, rc);
    sl_batch_free(&in);
    return rc;
}

static void *task_main(void *arg)
{
    sl_job *job = arg;
    sl_loop *loop = sl_loop_add();
    int rc = run(job, loop);
    sl_loop_remove(loop);
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
    observe_close(job);
    sl_free(job->ops);
    pthread_mutex_destroy(&job->mu);
    pthread_cond_destroy(&job->cv);
    sl_free(job);
}
