/*
** runtime/op_sink.c — the sink operator: constraint enforcement, then the connector.
**
** Kinds in: whatever the planner allowed for this sink. Before rows reach the connector, the
** NOT NULL constraints of the sink table (declared NOT NULL, or primary-key columns) are
** enforced as Flink's table.exec.sink.not-null-enforcer says: ERROR fails the job with
** Flink's message, DROP discards the row and counts it. State: none here; the connector may
** buffer (and must flush on finish).
**
** Metrics: sluice_records_out_total by row kind, sluice_records_dropped_total for the NOT NULL
** drops, and the latency of every flush (checkpoint or end) in
** sluice_sink_commit_duration_seconds.
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/operator.h"

typedef struct sink_op {
    sl_op base;
    sl_sink *sink;
    sl_batch kept; /* rows that passed the NOT NULL check, when some did not */
    int nchecks;
    int *checks; /* columns that must not be NULL */
    sl_metric *m_out[4]; /* by sl_rowkind */
    sl_metric *m_dropped, *m_flush;
} sink_op;

static int sink_push(sl_op *op, sl_batch *in, sl_err *err)
{
    sink_op *s = (sink_op *)op;
    const sl_pnode *n = op->node;
    const sl_batch *out = in;
    if (s->nchecks) {
        int dropped = 0;
        sl_batch_reset(&s->kept);
        for (int r = 0; r < in->n; r++) {
            const sl_row *row = in->rows[r];
            int bad = -1;
            /* A deletion of a key carries only the key; other columns may be NULL then. */
            for (int k = 0; k < s->nchecks && bad < 0; k++)
                if (sl_is_null(&row->col[s->checks[k]])) bad = s->checks[k];
            if (bad >= 0 && SL_IS_RETRACT(row->kind) && !sl_schema_in_pk(&n->table->schema, n->tcol[bad]))
                bad = -1;
            if (bad < 0) {
                sl_batch_add(&s->kept, in->rows[r], in->orig[r]);
                continue;
            }
            if (!n->drop_nulls)
                return sl_err_set(err, SL_DATA,
                                  "Column '%s' is NOT NULL, however, a null value is being "
                                  "written into it. You can set job configuration "
                                  "'table.exec.sink.not-null-enforcer'='DROP' to suppress this "
                                  "exception and drop such records silently.",
                                  n->cols[bad].name);
            dropped++;
        }
        if (dropped) {
            atomic_fetch_add(&op->job->dropped, (unsigned long long)dropped);
            sl_metric_add(s->m_dropped, (uint64_t)dropped);
            out = &s->kept;
        }
    }
    if (!out->n) return SL_OK;
    int rc = s->sink->vt->write(s->sink, out, err);
    if (!rc) {
        atomic_fetch_add(&op->job->rows_out, (unsigned long long)out->n);
        uint64_t by_kind[4] = {0};
        for (int r = 0; r < out->n; r++) by_kind[out->rows[r]->kind & 3]++;
        for (int k = 0; k < 4; k++)
            if (by_kind[k]) sl_metric_add(s->m_out[k], by_kind[k]);
    }
    return rc;
}

static int sink_finish(sl_op *op, sl_err *err)
{
    sink_op *s = (sink_op *)op;
    int64_t t0 = sl_now_ns();
    int rc = s->sink->vt->flush(s->sink, err);
    if (!rc) sl_metric_observe(s->m_flush, (double)(sl_now_ns() - t0) / 1e9);
    return rc;
}

static int sink_tick(sl_op *op, int64_t now_ms, sl_err *err)
{
    sink_op *s = (sink_op *)op;
    return s->sink->vt->tick ? s->sink->vt->tick(s->sink, now_ms, err) : SL_OK;
}

static void sink_close(sl_op *op)
{
    sink_op *s = (sink_op *)op;
    s->sink->vt->close(s->sink);
    for (int k = 0; k < 4; k++) sl_metric_release(s->m_out[k]);
    sl_metric_release(s->m_dropped);
    sl_metric_release(s->m_flush);
    sl_batch_free(&s->kept);
    sl_free(s->checks);
    sl_free(s);
}

static const sl_op_vt sink_vt = {sink_push, sink_finish, sink_finish, sink_tick, sink_close};

sl_op *sl_op_sink_new(const sl_pnode *node, sl_job_ctx *job, sl_sink *sink)
{
    sink_op *s = sl_calloc(1, sizeof *s);
    s->base.vt = &sink_vt;
    s->base.node = node;
    s->base.job = job;
    s->sink = sink;
    sl_batch_init(&s->kept);
    s->checks = sl_calloc((size_t)node->ncol + 1, sizeof(int));
    for (int i = 0; i < node->ncol; i++)
        if (node->cols[i].type.not_null) s->checks[s->nchecks++] = i;
    const char *table = node->table->qualified;
    for (int k = 0; k < 4; k++) {
        const char *labels[] = {"job", job->name, "table", table, "op", sl_rowkind_str(k), NULL};
        s->m_out[k] = sl_metric_get(SL_METRIC_COUNTER, "sluice_records_out_total",
                                    "Records written by the sinks, by row kind.", labels);
    }
    const char *dl[] = {"job", job->name, "table", table, "reason", "not_null",
                        "intentional", "false", NULL};
    s->m_dropped = sl_metric_get(SL_METRIC_COUNTER, "sluice_records_dropped_total",
                                 "Records dropped, by reason; never silently.", dl);
    const char *fl[] = {"job", job->name, "table", table, "connector", node->conn->name, NULL};
    s->m_flush = sl_metric_get(SL_METRIC_HISTOGRAM, "sluice_sink_commit_duration_seconds",
                               "How long a sink took to make its rows durable (flush, commit).",
                               fl);
    return &s->base;
}
