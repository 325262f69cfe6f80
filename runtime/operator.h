/*
** runtime/operator.h — the operator interface and the built-in operators.
**
** Operators of a task are chained: a batch pushed into the first flows through each one
** synchronously, so a row produced by one operator is consumed before the next batch is
** read. Each operator owns an output batch it reuses, and the source's rows stay valid until
** the chain returns, so rows are passed by pointer and copied only into state.
**
** Lifecycle (PostgreSQL's Init/Exec/End): sl_op_*_new builds an instance from its read-only
** plan node; push processes a batch; finish is called once at the end of input or on a stop
** request and must push anything buffered, then finish the next operator; close frees.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_RUNTIME_OPERATOR_H
#define SL_RUNTIME_OPERATOR_H

#include "planner/plan.h"
#include "runtime/connector.h"

typedef struct sl_op sl_op;

typedef struct sl_op_vt {
    int (*push)(sl_op *op, sl_batch *in, sl_err *err);
    /* End of input (or a stop): push everything buffered, make it durable, finish the next. */
    int (*finish)(sl_op *op, sl_err *err);
    /* A checkpoint: like finish, but the stream goes on afterwards. */
    int (*checkpoint)(sl_op *op, sl_err *err);
    /* Time passes (called at least every 100 ms): time-based work. May be NULL. */
    int (*tick)(sl_op *op, int64_t now_ms, sl_err *err);
    void (*close)(sl_op *op);
} sl_op_vt;

struct sl_op {
    const sl_op_vt *vt;
    sl_op *next;
    const sl_pnode *node;
    sl_job_ctx *job;
};

/* Push a batch to op's successor (no-op at the end of the chain). */
static inline int sl_op_emit(sl_op *op, sl_batch *b, sl_err *err)
{
    return op->next && b->n ? op->next->vt->push(op->next, b, err) : SL_OK;
}

/* Finish op's successor (no-op at the end of the chain). */
static inline int sl_op_finish_next(sl_op *op, sl_err *err)
{
    return op->next ? op->next->vt->finish(op->next, err) : SL_OK;
}

/* Checkpoint op's successor (no-op at the end of the chain). */
static inline int sl_op_checkpoint_next(sl_op *op, sl_err *err)
{
    return op->next ? op->next->vt->checkpoint(op->next, err) : SL_OK;
}

/* finish and checkpoint callbacks for operators that buffer nothing: pass to the next. */
int sl_op_finish_next_vt(sl_op *op, sl_err *err);
int sl_op_checkpoint_next_vt(sl_op *op, sl_err *err);

/* Calc: filter and projection (node->filter, node->proj). +I/-U/+U/-D in, same kinds out. */
sl_op *sl_op_calc_new(const sl_pnode *node, sl_job_ctx *job);

/* ChangelogNormalize (spec 4.2). Upserts in, full changelog out; keyed state: last row. */
sl_op *sl_op_normalize_new(const sl_pnode *node, sl_job_ctx *job);

/* Sink: NOT NULL enforcement and writable-metadata checks, then the connector's sink. Takes
** ownership of sink. */
sl_op *sl_op_sink_new(const sl_pnode *node, sl_job_ctx *job, sl_sink *sink);

/*
** A bounded queue of result rows between a SELECT's task thread and its reader. Rows are
** malloc'd copies (sl_row_dup); whoever takes one owns it (free with sl_free).
*/
typedef struct sl_rowq sl_rowq;
sl_rowq *sl_rowq_new(int cap);
/* Frees the queue and any rows still in it. NULL is a no-op. */
void sl_rowq_free(sl_rowq *q);
/* No more rows will come (the task thread ended). */
void sl_rowq_close(sl_rowq *q);
/* Take the oldest row, waiting at most timeout_ms (negative: until one comes or the queue is
** closed). Returns SL_ROW (*out set), SL_IDLE (timed out) or SL_DONE (closed and empty). */
int sl_rowq_take(sl_rowq *q, int timeout_ms, sl_row **out);

/* Collect: the end of a SELECT. Rows of every kind go to q; at most the node's LIMIT and
** max_rows (0: no bound) rows, after which the job is asked to stop. */
sl_op *sl_op_collect_new(const sl_pnode *node, sl_job_ctx *job, sl_rowq *q, int64_t max_rows);

/* A source of constant rows (VALUES): evaluates node->proj row by row on the first poll. */
sl_source *sl_values_source_new(const sl_pnode *node);

/* State counters of an operator, for metrics; 0 when it keeps no state. */
uint64_t sl_op_state_keys(const sl_op *op);
uint64_t sl_op_state_bytes(const sl_op *op);

#endif
