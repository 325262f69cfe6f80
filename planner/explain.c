/*
** planner/explain.c — EXPLAIN: the operator tree with changelog modes, keys and state.
**
** The layout follows Flink's EXPLAIN CHANGELOG_MODE: one line per operator, children under
** "+- ", each line ending with the kinds its output edge carries. sluice adds the upsert key
** of each edge and, for stateful operators, what state they keep — the two things a user
** needs to reason about an upsert pipeline. Secrets never appear: options are not printed.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>

#include "base/valuefmt.h"
#include "planner/analyze.h"
#include "planner/expr.h"

static void names(sl_buf *b, const sl_pcol *cols, int n)
{
    sl_buf_putc(b, '[');
    for (int i = 0; i < n; i++) sl_buf_printf(b, "%s%s", i ? ", " : "", cols[i].name);
    sl_buf_putc(b, ']');
}

static void key_names(sl_buf *b, const sl_pcol *cols, const int *key, int n)
{
    sl_buf_putc(b, '[');
    for (int i = 0; i < n; i++) sl_buf_printf(b, "%s%s", i ? ", " : "", cols[key[i]].name);
    sl_buf_putc(b, ']');
}

static void edge(sl_buf *b, const sl_pnode *n)
{
    sl_buf_puts(b, ", changelogMode=");
    sl_clmode_render(b, n->mode);
    if (n->nukey) {
        sl_buf_puts(b, ", upsertKey=");
        key_names(b, n->cols, n->ukey, n->nukey);
    }
}

static void node_line(sl_buf *b, const sl_pnode *n)
{
    switch (n->kind) {
    case SL_PN_SCAN: {
        sl_buf_printf(b, "TableSourceScan(table=[%s], connector=[%s], fields=", n->table->qualified,
                      n->conn->name);
        int cnt = 0;
        sl_buf_putc(b, '[');
        for (int i = 0; i < n->ncol; i++)
            if (n->needed[i]) sl_buf_printf(b, "%s%s", cnt++ ? ", " : "", n->cols[i].name);
        sl_buf_putc(b, ']');
        edge(b, n);
        break;
    }
    case SL_PN_VALUES:
        sl_buf_puts(b, "Values(tuples=[");
        for (int r = 0; r < n->nrows; r++) {
            sl_buf_puts(b, r ? ", [" : "[");
            for (int c = 0; c < n->ncol; c++) {
                if (c) sl_buf_puts(b, ", ");
                sl_cexpr_render(b, n->proj[r * n->ncol + c], NULL);
            }
            sl_buf_putc(b, ']');
        }
        sl_buf_puts(b, "], fields=");
        names(b, n->cols, n->ncol);
        edge(b, n);
        break;
    case SL_PN_CALC:
        sl_buf_puts(b, "Calc(select=[");
        for (int i = 0; i < n->ncol; i++) {
            if (i) sl_buf_puts(b, ", ");
            sl_cexpr_render(b, n->proj[i], n->input->cols);
            const sl_cexpr *p = n->proj[i];
            if (!(p->kind == SL_CX_COLUMN && strcmp(n->input->cols[p->col].name, n->cols[i].name) == 0))
                sl_buf_printf(b, " AS %s", n->cols[i].name);
        }
        sl_buf_putc(b, ']');
        if (n->filter) {
            sl_buf_puts(b, ", where=[");
            sl_cexpr_render(b, n->filter, n->input->cols);
            sl_buf_putc(b, ']');
        }
        edge(b, n);
        break;
    case SL_PN_NORMALIZE:
        sl_buf_puts(b, "ChangelogNormalize(key=");
        key_names(b, n->input->cols, n->key, n->nkey);
        edge(b, n);
        sl_buf_printf(b, ", state=[last row per key, in memory]%s",
                      n->gen_ub ? "" : ", generateUpdateBefore=[false]");
        break;
    case SL_PN_SINK: {
        const sl_schema *s = &n->table->schema;
        sl_buf_printf(b, "Sink(table=[%s], connector=[%s], fields=", n->table->qualified,
                      n->conn->name);
        names(b, n->cols, n->ncol);
        if (n->upsert) {
            sl_buf_puts(b, ", upsertKey=[");
            for (int k = 0; k < s->npk; k++)
                sl_buf_printf(b, "%s%s", k ? ", " : "", s->cols[s->pk[k]].name);
            sl_buf_puts(b, "], writes=[+I/+U as upserts, -U/-D as deletes]");
        }
        sl_buf_puts(b, ", accepts=");
        sl_clmode_render(b, sl_sink_accepts(n));
        break;
    }
    case SL_PN_COLLECT:
        sl_buf_puts(b, "Collect(fields=");
        names(b, n->cols, n->ncol);
        if (n->limit >= 0) sl_buf_printf(b, ", limit=[%lld]", (long long)n->limit);
        sl_buf_puts(b, ", accepts=[I,UB,UA,D]");
        break;
    default: sl_buf_puts(b, sl_pnode_name(n)); break;
    }
    sl_buf_puts(b, ")\n");
}

void sl_plan_explain(const sl_plan *plan, const sl_registry *reg, sl_buf *b)
{
    SL_UNUSED(reg);
    sl_buf_puts(b, "== Physical Plan ==\n");
    int depth = 0;
    for (const sl_pnode *n = plan->root; n; n = n->input, depth++) {
        if (depth) {
            for (int i = 0; i < depth - 1; i++) sl_buf_puts(b, "   ");
            sl_buf_puts(b, "+- ");
        }
        node_line(b, n);
    }
}
