/*
** runtime/values.c — the source behind VALUES (...): constant rows, then the end.
**
** The rows are the planner's expressions (node->proj, row-major), evaluated on the first poll
** so that casts and functions in them behave exactly as they do in a Calc.
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/eval.h"
#include "runtime/operator.h"

typedef struct values_source {
    sl_source base;
    const sl_pnode *node;
    int done;
} values_source;

static int values_poll(sl_source *src, sl_batch *out, int max, int timeout_ms, sl_err *err)
{
    values_source *vs = (values_source *)src;
    SL_UNUSED(max);
    SL_UNUSED(timeout_ms);
    if (vs->done) return SL_DONE;
    const sl_pnode *n = vs->node;
    sl_row empty = {0};
    for (int r = 0; r < n->nrows; r++) {
        sl_row *row = sl_batch_new_row(out, n->ncol, NULL);
        for (int c = 0; c < n->ncol; c++) {
            int rc = sl_eval(n->proj[r * n->ncol + c], &empty, &out->ar, &row->col[c], err);
            if (rc) return rc;
        }
    }
    vs->done = 1;
    return SL_DONE;
}

static void values_close(sl_source *src)
{
    sl_free(src);
}

static const sl_source_vt values_vt = {values_poll, NULL, values_close};

sl_source *sl_values_source_new(const sl_pnode *node)
{
    values_source *vs = sl_calloc(1, sizeof *vs);
    vs->base.vt = &values_vt;
    vs->node = node;
    return &vs->base;
}
