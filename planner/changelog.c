/*
** planner/changelog.c — changelog modes, upsert keys, ChangelogNormalize, sink checks.
**
** This is Flink's FlinkChangelogModeInferenceProgram cut to the operators sluice has
** (spec/flink-semantics.md sections 3 and 4):
**
**  1. Bottom-up, each edge gets the row kinds it may carry and its unique (upsert) key: a scan
**     carries what its connector declares (upsert-kafka: +I, +U, -D keyed by the primary
**     key); a Calc passes its input's kinds through and keeps the key if it projects every
**     key column unchanged.
**  2. Top-down, each consumer says whether it needs -U rows: a sink that accepts them (print)
**     or a SELECT result does when its input updates; an upsert sink does only when its
**     primary key is not the input's upsert key; a Calc with a filter over an updating input
**     does (dropping a +U by a filter would leave the old row behind downstream).
**  3. An upsert source whose consumers need -U, or whose metadata columns are read above it,
**     gets a ChangelogNormalize: keyed state holding the last row per key, which turns the
**     upserts into a full changelog (spec 4.2). Otherwise upserts pass straight through, as in
**     Flink 2.1+ (FLIP-510).
**  4. An insert-only sink fed updates or deletes is an error that names the node producing
**     them.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>

#include "planner/analyze.h"

#define UPDATES (SL_CL_BIT(SL_UPDATE_BEFORE) | SL_CL_BIT(SL_UPDATE_AFTER) | SL_CL_BIT(SL_DELETE))

static int has_changes(sl_clmode m)
{
    return (m & UPDATES) != 0;
}

static int is_upsert_only(sl_clmode m)
{
    return (m & SL_CL_BIT(SL_UPDATE_AFTER)) && !(m & SL_CL_BIT(SL_UPDATE_BEFORE));
}

/* Pass 1: kinds and unique keys, bottom-up. */
static int infer(sl_plan *plan, sl_pnode *n, sl_err *err)
{
    int rc;
    if (n->input && (rc = infer(plan, n->input, err))) return rc;
    const sl_pnode *in = n->input;
    n->nukey = 0;
    n->ukey = NULL;
    switch (n->kind) {
    case SL_PN_SCAN: {
        const sl_schema *s = &n->table->schema;
        n->mode = n->conn->source_mode;
        if (is_upsert_only(n->mode) && s->npk == 0)
            return sl_err_set(err, SL_SEMANTIC,
                              "Table '%s' produces a changelog stream that contains "
                              "UPDATE_AFTER but no UPDATE_BEFORE. This requires defining a "
                              "primary key constraint on the table.",
                              n->table->qualified);
        if (has_changes(n->mode) && s->npk) {
            n->nukey = s->npk;
            n->ukey = s->pk;
        }
        break;
    }
    case SL_PN_VALUES: n->mode = SL_CL_INSERT_ONLY; break;
    case SL_PN_NORMALIZE:
        n->mode = n->gen_ub ? SL_CL_RETRACT : SL_CL_UPSERT;
        n->nukey = n->nkey;
        n->ukey = n->key;
        break;
    case SL_PN_CALC:
        n->mode = in->mode;
        if (in->nukey) {
            int *k = sl_arena_alloc(&plan->ar, sizeof(int) * (size_t)in->nukey);
            int ok = 1;
            for (int j = 0; j < in->nukey && ok; j++) {
                k[j] = -1;
                for (int i = 0; i < n->ncol; i++)
                    if (n->proj[i]->kind == SL_CX_COLUMN && n->proj[i]->col == in->ukey[j]) {
                        k[j] = i;
                        break;
                    }
                ok = k[j] >= 0;
            }
            if (ok) {
                n->nukey = in->nukey;
                n->ukey = k;
            }
        }
        break;
    default:
        n->mode = in->mode;
        n->nukey = in->nukey;
        n->ukey = in->ukey;
        break;
    }
    return SL_OK;
}

/* The lowest node on the path whose output first carries changes: the one to blame. */
static const sl_pnode *producer(const sl_pnode *n)
{
    const sl_pnode *p = n;
    while (p->input && has_changes(p->input->mode)) p = p->input;
    return p;
}

static const char *change_words(sl_clmode m)
{
    int upd = (m & (SL_CL_BIT(SL_UPDATE_BEFORE) | SL_CL_BIT(SL_UPDATE_AFTER))) != 0;
    int del = (m & SL_CL_BIT(SL_DELETE)) != 0;
    return upd && del ? "update and delete" : upd ? "update" : "delete";
}

/* The sink's primary key equals the input's upsert key (as sets of sink columns). */
static int sink_key_matches(const sl_pnode *sink)
{
    const sl_pnode *in = sink->input;
    const sl_schema *s = &sink->table->schema;
    if (!in->nukey || in->nukey != s->npk) return 0;
    for (int j = 0; j < in->nukey; j++) {
        int found = 0;
        for (int k = 0; k < s->npk; k++)
            if (sink->tcol[in->ukey[j]] == s->pk[k]) found = 1;
        if (!found) return 0;
    }
    return 1;
}

static int reads_metadata(const sl_cexpr *e, const sl_schema *s)
{
    if (e->kind == SL_CX_COLUMN) return s->cols[e->col].kind == SL_COL_METADATA;
    for (int i = 0; i < e->nargs; i++)
        if (reads_metadata(e->args[i], s)) return 1;
    return 0;
}

/* Pass 2: requirements, top-down; inserts ChangelogNormalize above upsert scans. */
static int require(sl_plan *plan, sl_pnode *n, sl_pnode *parent, int needs_ub, sl_err *err)
{
    sl_pnode *in = n->input;
    switch (n->kind) {
    case SL_PN_SINK: {
        sl_clmode accepts = sl_sink_accepts(n);
        if (has_changes(in->mode) && !has_changes(accepts)) {
            sl_buf b = SL_BUF_INIT;
            sl_pnode_describe(&b, producer(n));
            sl_err_set(err, SL_SEMANTIC,
                       "Table sink '%s' doesn't support consuming %s changes which is produced "
                       "by node %s",
                       n->table->qualified, change_words(in->mode & ~accepts), b.p);
            sl_buf_free(&b);
            return SL_SEMANTIC;
        }
        int ub = 0;
        if (has_changes(in->mode)) {
            if (accepts & SL_CL_BIT(SL_UPDATE_BEFORE)) ub = 1;
            else if (n->upsert) ub = !sink_key_matches(n);
            else ub = 1;
        }
        if (ub && n->upsert && has_changes(in->mode)) {
            /* Flink would add a SinkUpsertMaterializer here; sluice does not have one. */
            const sl_schema *s = &n->table->schema;
            sl_buf pk = SL_BUF_INIT, uk = SL_BUF_INIT;
            for (int k = 0; k < s->npk; k++)
                sl_buf_printf(&pk, "%s%s", k ? ", " : "", s->cols[s->pk[k]].name);
            for (int k = 0; k < in->nukey; k++)
                sl_buf_printf(&uk, "%s%s", k ? ", " : "", in->cols[in->ukey[k]].name);
            char what[600];
            if (in->nukey)
                snprintf(what, sizeof what, "differs from the upsert key [%s] of its input",
                         uk.p);
            else
                snprintf(what, sizeof what, "is not a key of its input (the query has no upsert "
                                            "key)");
            sl_err_set(err, SL_UNSUPPORTED,
                       "The primary key [%s] of sink table '%s' %s, which needs a "
                       "SinkUpsertMaterializer; sluice does not have one yet. Declare the sink's "
                       "PRIMARY KEY on the columns of the source's key, and select them unchanged.",
                       pk.p ? pk.p : "", n->table->qualified, what);
            sl_buf_free(&pk);
            sl_buf_free(&uk);
            return SL_UNSUPPORTED;
        }
        return require(plan, in, n, ub, err);
    }
    case SL_PN_COLLECT: return require(plan, in, n, has_changes(in->mode), err);
    case SL_PN_CALC: {
        int ub = needs_ub || (n->filter && has_changes(in->mode));
        n->needs_ub = (uint8_t)ub;
        return require(plan, in, n, ub, err);
    }
    case SL_PN_SCAN: {
        n->needs_ub = (uint8_t)needs_ub;
        if (!is_upsert_only(n->mode)) return SL_OK;
        int meta = 0;
        const sl_schema *s = &n->table->schema;
        if (parent && parent->kind == SL_PN_CALC) {
            for (int i = 0; i < parent->ncol && !meta; i++) meta = reads_metadata(parent->proj[i], s);
            if (parent->filter) meta |= reads_metadata(parent->filter, s);
        } else if (parent) {
            for (int i = 0; i < s->ncol; i++) meta |= s->cols[i].kind == SL_COL_METADATA;
        }
        if (!needs_ub && !meta) return SL_OK;
        sl_pnode *norm = sl_plan_node(plan, SL_PN_NORMALIZE);
        norm->input = n;
        norm->ncol = n->ncol;
        norm->cols = n->cols;
        norm->nkey = s->npk;
        norm->key = s->pk;
        norm->gen_ub = (uint8_t)needs_ub;
        norm->needs_ub = (uint8_t)needs_ub;
        n->needs_ub = 0;
        SL_ASSERT(parent);
        parent->input = norm;
        return SL_OK;
    }
    default: return in ? require(plan, in, n, needs_ub, err) : SL_OK;
    }
}

int sl_changelog_infer(sl_plan *plan, sl_err *err)
{
    int rc = infer(plan, plan->root, err);
    if (!rc) rc = require(plan, plan->root, NULL, 0, err);
    if (!rc) rc = infer(plan, plan->root, err); /* again, with the Normalize nodes in place */
    return rc;
}
