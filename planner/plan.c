/*
** planner/plan.c — plan allocation and naming.
**
** SPDX-License-Identifier: MIT
*/
#include "planner/plan.h"

sl_plan *sl_plan_new(int kind)
{
    sl_plan *plan = sl_calloc(1, sizeof *plan);
    sl_arena_init(&plan->ar, 16384);
    plan->kind = kind;
    return plan;
}

void sl_plan_free(sl_plan *plan)
{
    if (!plan) return;
    sl_arena_free(&plan->ar);
    sl_free(plan);
}

sl_pnode *sl_plan_node(sl_plan *plan, int kind)
{
    sl_pnode *n = sl_arena_calloc(&plan->ar, sizeof *n);
    n->kind = (uint8_t)kind;
    n->id = ++plan->nnodes;
    n->limit = -1;
    if (kind == SL_PN_SCAN || kind == SL_PN_VALUES) plan->nsources++;
    return n;
}

sl_clmode sl_sink_accepts(const sl_pnode *sink)
{
    if ((sink->conn->flags & SL_CONN_UPSERT_SINK) && !sink->upsert) return SL_CL_INSERT_ONLY;
    return sink->conn->sink_mode;
}

const char *sl_pnode_name(const sl_pnode *n)
{
    switch (n->kind) {
    case SL_PN_SCAN: return "TableSourceScan";
    case SL_PN_VALUES: return "Values";
    case SL_PN_CALC: return "Calc";
    case SL_PN_NORMALIZE: return "ChangelogNormalize";
    case SL_PN_SINK: return "Sink";
    case SL_PN_COLLECT: return "Collect";
    default: return "?";
    }
}

static void colnames(sl_buf *b, const sl_pnode *n, const int *idx, int count)
{
    sl_buf_putc(b, '[');
    for (int i = 0; i < count; i++) {
        if (i) sl_buf_puts(b, ", ");
        sl_buf_puts(b, n->cols[idx[i]].name);
    }
    sl_buf_putc(b, ']');
}

void sl_pnode_describe(sl_buf *b, const sl_pnode *n)
{
    sl_buf_puts(b, sl_pnode_name(n));
    switch (n->kind) {
    case SL_PN_SCAN:
    case SL_PN_SINK: sl_buf_printf(b, "(table=[%s])", n->table->qualified); break;
    case SL_PN_NORMALIZE:
        sl_buf_puts(b, "(key=");
        colnames(b, n->input, n->key, n->nkey);
        sl_buf_putc(b, ')');
        break;
    default: break;
    }
}

const char *sl_fn_name(int fn)
{
    static const char *const names[SL_FN__COUNT] = {
        [SL_FN_UPPER] = "UPPER",       [SL_FN_LOWER] = "LOWER",
        [SL_FN_TRIM] = "TRIM",         [SL_FN_COALESCE] = "COALESCE",
        [SL_FN_CONCAT] = "CONCAT",     [SL_FN_CONCAT_WS] = "CONCAT_WS",
        [SL_FN_SUBSTRING] = "SUBSTRING", [SL_FN_CHAR_LENGTH] = "CHAR_LENGTH",
        [SL_FN_ABS] = "ABS",           [SL_FN_ROUND] = "ROUND",
        [SL_FN_FLOOR] = "FLOOR",       [SL_FN_CEIL] = "CEIL",
        [SL_FN_MOD] = "MOD",           [SL_FN_NULLIF] = "NULLIF",
        [SL_FN_IF] = "IF",             [SL_FN_REPLACE] = "REPLACE",
    };
    return fn > 0 && fn < SL_FN__COUNT && names[fn] ? names[fn] : "?";
}
