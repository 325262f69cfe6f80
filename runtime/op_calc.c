/*
** runtime/op_calc.c — Calc: WHERE filter and select-list projection.
**
** Kinds in: any. Kinds out: the same kind per row (a filter drops rows whatever their kind;
** the planner made sure an updating input carries -U when a filter could otherwise leave a
** stale row behind). State: none. Memory: projected rows and any strings computed for them
** live in the operator's output batch, reset on every push.
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/eval.h"
#include "runtime/operator.h"

typedef struct calc_op {
    sl_op base;
    sl_batch out;
} calc_op;

static int calc_push(sl_op *op, sl_batch *in, sl_err *err)
{
    calc_op *c = (calc_op *)op;
    const sl_pnode *n = op->node;
    sl_batch_reset(&c->out);
    for (int r = 0; r < in->n; r++) {
        const sl_row *row = in->rows[r];
        if (n->filter) {
            int pass, rc = sl_eval_filter(n->filter, row, &c->out.ar, &pass, err);
            if (rc) return rc;
            if (!pass) continue;
        }
        sl_row *o = sl_batch_new_row(&c->out, n->ncol, in->orig[r]);
        o->kind = row->kind;
        for (int i = 0; i < n->ncol; i++) {
            int rc = sl_eval(n->proj[i], row, &c->out.ar, &o->col[i], err);
            if (rc) return rc;
        }
    }
    return sl_op_emit(op, &c->out, err);
}

static void calc_close(sl_op *op)
{
    calc_op *c = (calc_op *)op;
    sl_batch_free(&c->out);
    sl_free(c);
}

static const sl_op_vt calc_vt = {calc_push, sl_op_finish_next_vt, sl_op_checkpoint_next_vt, NULL,
                                 calc_close};

sl_op *sl_op_calc_new(const sl_pnode *node, sl_job_ctx *job)
{
    calc_op *c = sl_calloc(1, sizeof *c);
    c->base.vt = &calc_vt;
    c->base.node = node;
    c->base.job = job;
    sl_batch_init(&c->out);
    return &c->base;
}
