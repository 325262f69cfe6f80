/*
** planner/analyze.c — binding a statement into an operator tree.
**
** A query becomes: a source node (TableSourceScan or Values), then at most one Calc carrying
** the WHERE filter and the select list. An INSERT adds a Calc that converts the query's
** columns to the sink's insert schema (merged into the query's Calc when there is one) and a
** Sink node. The changelog pass then annotates the tree and may insert ChangelogNormalize.
**
** What is not supported yet (joins, GROUP BY, DISTINCT, LIMIT in INSERT) is reported as an
** SL_UNSUPPORTED error at the clause that asks for it, never silently ignored.
**
** SPDX-License-Identifier: MIT
*/
#include "planner/analyze.h"

#include <stdio.h>
#include <stdlib.h>

#include "planner/expr.h"
#include "planner/types.h"

typedef struct analyzer {
    const sl_catalog *cat;
    const sl_plan_config *cfg;
    sl_plan *plan;
    sl_arena *ar;
    sl_err *err;
} analyzer;

/* A planned query: its top node and the scope its output offers to an outer query. */
typedef struct relation {
    sl_pnode *node;
    sl_scope scope;
} relation;

static int plan_query(analyzer *an, const sl_query *q, sl_pnode **out);

static sl_pcol *cols_of_table(analyzer *an, const sl_tabledef *t)
{
    sl_pcol *cols = sl_arena_calloc(an->ar, sizeof(sl_pcol) * (size_t)(t->schema.ncol ? t->schema.ncol : 1));
    for (int i = 0; i < t->schema.ncol; i++) {
        cols[i].name = t->schema.cols[i].name;
        cols[i].type = t->schema.cols[i].type;
    }
    return cols;
}

static int plan_from(analyzer *an, const sl_from *f, relation *rel)
{
    switch (f->kind) {
    case SL_FROM_TABLE: {
        sl_table *t;
        int rc = sl_catalog_lookup(an->cat, &f->table, &t, an->err);
        if (rc) return rc;
        if (!(t->conn->flags & SL_CONN_SOURCE))
            return sl_err_at(an->err, SL_SEMANTIC, f->offset, f->len,
                             "Connector '%s' can only be used as a sink. It cannot be used as a "
                             "source.",
                             t->conn->name);
        sl_pnode *n = sl_plan_node(an->plan, SL_PN_SCAN);
        n->table = &t->def;
        n->conn = t->conn;
        n->ncol = t->def.schema.ncol;
        n->cols = cols_of_table(an, &t->def);
        n->needed = sl_arena_calloc(an->ar, (size_t)(n->ncol ? n->ncol : 1));
        rel->node = n;
        rel->scope.n = n->ncol;
        rel->scope.cols = sl_arena_calloc(an->ar, sizeof(sl_scope_col) * (size_t)(n->ncol ? n->ncol : 1));
        const char *qual = f->alias.z ? f->alias.z : t->def.name;
        for (int i = 0; i < n->ncol; i++) {
            sl_scope_col *c = &rel->scope.cols[i];
            c->name = n->cols[i].name;
            c->qual = qual;
            c->type = n->cols[i].type;
            c->index = i;
            c->computed = t->computed[i];
        }
        return SL_OK;
    }
    case SL_FROM_SUBQUERY: {
        sl_pnode *n;
        int rc = plan_query(an, f->subquery, &n);
        if (rc) return rc;
        if (f->colnames.n) {
            if (f->colnames.n != n->ncol) {
                const sl_name *c0 = f->colnames.items[0];
                return sl_err_at(an->err, SL_SEMANTIC, c0->offset, c0->len,
                                 "List of column aliases must have same degree as table; table "
                                 "has %d columns, whereas alias list has %d columns",
                                 n->ncol, f->colnames.n);
            }
            /* Rename on a copy: the node's own names may be shared with its input. */
            sl_pcol *cols = sl_arena_alloc(an->ar, sizeof(sl_pcol) * (size_t)n->ncol);
            for (int i = 0; i < n->ncol; i++) {
                cols[i] = n->cols[i];
                cols[i].name = sl_arena_strdup(an->ar, ((const sl_name *)f->colnames.items[i])->z);
            }
            n->cols = cols;
        }
        rel->node = n;
        rel->scope.n = n->ncol;
        rel->scope.cols = sl_arena_calloc(an->ar, sizeof(sl_scope_col) * (size_t)(n->ncol ? n->ncol : 1));
        for (int i = 0; i < n->ncol; i++) {
            sl_scope_col *c = &rel->scope.cols[i];
            c->name = n->cols[i].name;
            c->qual = f->alias.z;
            c->type = n->cols[i].type;
            c->index = i;
        }
        return SL_OK;
    }
    default:
        return sl_err_at(an->err, SL_UNSUPPORTED, f->offset, f->len,
                         "JOIN is not supported yet: a query reads one table or subquery");
    }
}

static int is_identity(sl_cexpr **proj, int n, const sl_pnode *input)
{
    if (n != input->ncol) return 0;
    for (int i = 0; i < n; i++)
        if (proj[i]->kind != SL_CX_COLUMN || proj[i]->col != i) return 0;
    return 1;
}

static char *default_name(analyzer *an, const sl_select_item *it, int pos)
{
    if (it->alias.z) return sl_arena_strdup(an->ar, it->alias.z);
    if (it->expr->kind == SL_E_COLUMN) return sl_arena_strdup(an->ar, it->expr->name.z);
    return sl_arena_printf(an->ar, "EXPR$%d", pos);
}

static int plan_values(analyzer *an, const sl_query *q, sl_pnode **out)
{
    const sl_list *first = q->values.items[0];
    int ncol = first->n;
    sl_scope empty = {0, NULL};
    sl_pnode *n = sl_plan_node(an->plan, SL_PN_VALUES);
    n->nrows = q->values.n;
    n->ncol = ncol;
    n->cols = sl_arena_calloc(an->ar, sizeof(sl_pcol) * (size_t)(ncol ? ncol : 1));
    sl_cexpr ***rows = sl_arena_calloc(an->ar, sizeof(sl_cexpr **) * (size_t)n->nrows);
    for (int r = 0; r < n->nrows; r++) {
        const sl_list *row = q->values.items[r];
        if (row->n != ncol) {
            const sl_expr *e0 = row->items[0];
            return sl_err_at(an->err, SL_SEMANTIC, e0->offset, 1,
                             "Values passed to VALUES operator must have compatible types: row "
                             "%d has %d values, the first row has %d",
                             r + 1, row->n, ncol);
        }
        rows[r] = sl_arena_calloc(an->ar, sizeof(sl_cexpr *) * (size_t)(ncol ? ncol : 1));
        for (int c = 0; c < ncol; c++) {
            int rc = sl_bind(an->ar, &empty, row->items[c], &rows[r][c], an->err);
            if (rc) return rc;
        }
    }
    for (int c = 0; c < ncol; c++) {
        sl_type t = rows[0][c]->type;
        for (int r = 1; r < n->nrows; r++) {
            sl_type u;
            if (sl_type_common(&t, &rows[r][c]->type, &u)) {
                const sl_expr *e = ((const sl_list *)q->values.items[r])->items[c];
                char ba[96], bb[96];
                return sl_err_at(an->err, SL_SEMANTIC, e->offset, e->len,
                                 "Values passed to VALUES operator must have compatible types: "
                                 "column %d is %s in row 1 and %s here",
                                 c + 1, sl_type_str(&t, ba, sizeof ba),
                                 sl_type_str(&rows[r][c]->type, bb, sizeof bb));
            }
            t = u;
        }
        if (t.id == SL_TYPE_NULL) t = sl_type_string(), t.not_null = 0;
        for (int r = 0; r < n->nrows; r++) rows[r][c] = sl_cx_cast_to(an->ar, rows[r][c], &t);
        n->cols[c].name = sl_arena_printf(an->ar, "EXPR$%d", c);
        n->cols[c].type = t;
    }
    /* VALUES keeps its rows of expressions in proj, flattened row-major: proj[r * ncol + c]. */
    n->proj = sl_arena_alloc(an->ar, sizeof(sl_cexpr *) * (size_t)(n->nrows * ncol + 1));
    for (int r = 0; r < n->nrows; r++)
        for (int c = 0; c < ncol; c++) n->proj[r * ncol + c] = rows[r][c];
    *out = n;
    return SL_OK;
}

/* Double the capacity of the select list being built (expressions and their names). */
static void grow_items(analyzer *an, sl_cexpr ***proj, const char ***names, int *cap)
{
    sl_cexpr **np = sl_arena_alloc(an->ar, sizeof(sl_cexpr *) * (size_t)*cap * 2);
    const char **nn = sl_arena_alloc(an->ar, sizeof(char *) * (size_t)*cap * 2);
    memcpy(np, *proj, sizeof(sl_cexpr *) * (size_t)*cap);
    memcpy(nn, *names, sizeof(char *) * (size_t)*cap);
    *proj = np;
    *names = nn;
    *cap *= 2;
}

static int plan_query(analyzer *an, const sl_query *q, sl_pnode **out)
{
    if (q->is_values) return plan_values(an, q, out);
    if (!q->from)
        return sl_err_at(an->err, SL_UNSUPPORTED, q->offset, q->len,
                         "SELECT without FROM is not supported yet; use VALUES (...)");
    if (q->group_by.n) {
        const sl_expr *g = q->group_by.items[0];
        return sl_err_at(an->err, SL_UNSUPPORTED, g->offset, g->len,
                         "GROUP BY is not supported yet");
    }
    if (q->having)
        return sl_err_at(an->err, SL_UNSUPPORTED, q->having->offset, q->having->len,
                         "HAVING is not supported yet");
    if (q->distinct)
        return sl_err_at(an->err, SL_UNSUPPORTED, q->offset, q->len,
                         "SELECT DISTINCT is not supported yet");
    relation rel;
    int rc = plan_from(an, q->from, &rel);
    if (rc) return rc;

    sl_cexpr *filter = NULL;
    if (q->where) {
        if ((rc = sl_bind(an->ar, &rel.scope, q->where, &filter, an->err))) return rc;
        if (filter->type.id != SL_TYPE_BOOLEAN && filter->type.id != SL_TYPE_NULL) {
            char buf[96];
            return sl_err_at(an->err, SL_SEMANTIC, q->where->offset, q->where->len,
                             "WHERE clause must be a BOOLEAN expression, but it is %s",
                             sl_type_str(&filter->type, buf, sizeof buf));
        }
    }

    /* Expand the select list. */
    int cap = 16, n = 0;
    sl_cexpr **proj = sl_arena_alloc(an->ar, sizeof(sl_cexpr *) * (size_t)cap);
    const char **names = sl_arena_alloc(an->ar, sizeof(char *) * (size_t)cap);
    for (int i = 0; i < q->items.n; i++) {
        const sl_select_item *it = q->items.items[i];
        if (it->expr->kind == SL_E_STAR) {
            int matched = 0;
            for (int c = 0; c < rel.scope.n; c++) {
                const sl_scope_col *sc = &rel.scope.cols[c];
                if (it->expr->qualifier.z &&
                    (!sc->qual || strcmp(sc->qual, it->expr->qualifier.z) != 0))
                    continue;
                matched = 1;
                if (n == cap) grow_items(an, &proj, &names, &cap);
                sl_expr ref = {0};
                ref.kind = SL_E_COLUMN;
                ref.name.z = sc->name;
                ref.qualifier.z = sc->qual;
                ref.offset = it->expr->offset;
                ref.len = it->expr->len;
                if ((rc = sl_bind(an->ar, &rel.scope, &ref, &proj[n], an->err))) return rc;
                names[n++] = sc->name;
            }
            if (!matched)
                return sl_err_at(an->err, SL_SEMANTIC, it->expr->offset, it->expr->len,
                                 "Unknown identifier '%s'", it->expr->qualifier.z);
            continue;
        }
        if (n == cap) grow_items(an, &proj, &names, &cap);
        if ((rc = sl_bind(an->ar, &rel.scope, it->expr, &proj[n], an->err))) return rc;
        names[n] = default_name(an, it, n);
        n++;
    }

    if (!filter && is_identity(proj, n, rel.node)) {
        /* SELECT * over one input: no Calc, but the names are the input's. */
        *out = rel.node;
        return SL_OK;
    }
    sl_pnode *calc = sl_plan_node(an->plan, SL_PN_CALC);
    calc->input = rel.node;
    calc->ncol = n;
    calc->cols = sl_arena_calloc(an->ar, sizeof(sl_pcol) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        calc->cols[i].name = names[i];
        calc->cols[i].type = proj[i]->type;
    }
    calc->proj = proj;
    calc->filter = filter;
    *out = calc;
    return SL_OK;
}

/* Replace column references of e by the expressions of the Calc below (merging two Calcs). */
static sl_cexpr *compose(analyzer *an, sl_cexpr *e, sl_cexpr **below)
{
    if (e->kind == SL_CX_COLUMN) return below[e->col];
    if (!e->nargs) return e;
    sl_cexpr *c = sl_arena_alloc(an->ar, sizeof *c);
    *c = *e;
    c->args = sl_arena_alloc(an->ar, sizeof(sl_cexpr *) * (size_t)e->nargs);
    for (int i = 0; i < e->nargs; i++) c->args[i] = compose(an, e->args[i], below);
    return c;
}

static void schema_text(sl_buf *b, const sl_pcol *cols, const int *idx, int n)
{
    sl_buf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        if (i) sl_buf_puts(b, ", ");
        const sl_pcol *c = &cols[idx ? idx[i] : i];
        sl_buf_printf(b, "%s: ", c->name);
        sl_type_render(b, &c->type);
    }
    sl_buf_putc(b, ']');
}

static int mismatch(analyzer *an, const sl_ast *ast, const sl_pnode *q, const sl_pcol *sink,
                    const int *sidx, int ns, const char *table, const char *cause)
{
    sl_buf qs = SL_BUF_INIT, ss = SL_BUF_INIT;
    schema_text(&qs, q->cols, NULL, q->ncol);
    schema_text(&ss, sink, sidx, ns);
    sl_err_at(an->err, SL_SEMANTIC, ast->insert->query->offset, ast->insert->query->len,
              "Column types of query result and sink for '%s' do not match.\nCause: %s\n\n"
              "Query schema: %s\nSink schema:  %s",
              table, cause, qs.p, ss.p);
    sl_buf_free(&qs);
    sl_buf_free(&ss);
    return SL_SEMANTIC;
}

static int plan_insert(analyzer *an, const sl_ast *ast, sl_pnode **out)
{
    const sl_insert *ins = ast->insert;
    sl_table *t;
    int rc = sl_catalog_lookup(an->cat, &ins->table, &t, an->err);
    if (rc) return rc;
    if (!(t->conn->flags & SL_CONN_SINK))
        return sl_err_at(an->err, SL_SEMANTIC, ins->table.offset, ins->table.len,
                         "Connector '%s' can only be used as a source. It cannot be used as a "
                         "sink.",
                         t->conn->name);
    if (ins->overwrite)
        return sl_err_at(an->err, SL_UNSUPPORTED, ast->offset, ast->len,
                         "INSERT OVERWRITE is not supported: streaming sinks only append or "
                         "upsert");
    if (ins->query->limit)
        return sl_err_at(an->err, SL_UNSUPPORTED, ins->query->limit->offset,
                         ins->query->limit->len, "LIMIT in INSERT is not supported yet");

    sl_pnode *q;
    if ((rc = plan_query(an, ins->query, &q))) return rc;

    /* The sink's insert schema: physical and writable metadata columns, in table order. */
    const sl_schema *s = &t->def.schema;
    for (int i = 0; i < s->ncol; i++) {
        const sl_column *c = &s->cols[i];
        if (c->kind != SL_COL_METADATA || c->is_virtual) continue;
        int writable = 0;
        for (int k = 0; k < t->conn->nmeta; k++)
            if (strcmp(t->conn->meta[k].key, c->meta_key) == 0) writable = t->conn->meta[k].writable;
        if (!writable) {
            sl_buf keys = SL_BUF_INIT;
            for (int k = 0, m = 0; k < t->conn->nmeta; k++)
                if (t->conn->meta[k].writable)
                    sl_buf_printf(&keys, "%s'%s'", m++ ? ", " : "", t->conn->meta[k].key);
            sl_err_at(an->err, SL_SEMANTIC, ins->table.offset, ins->table.len,
                      "Table '%s' is written to, but its metadata column '%s' (key '%s') can only "
                      "be read: declare it VIRTUAL. Connector '%s' can write the metadata keys: "
                      "%s.",
                      t->def.name, c->name, c->meta_key, t->conn->name, keys.p ? keys.p : "none");
            sl_buf_free(&keys);
            return SL_SEMANTIC;
        }
    }
    int *ins_cols = sl_arena_alloc(an->ar, sizeof(int) * (size_t)(s->ncol ? s->ncol : 1));
    int nins = 0;
    for (int i = 0; i < s->ncol; i++)
        if (s->cols[i].kind == SL_COL_PHYSICAL ||
            (s->cols[i].kind == SL_COL_METADATA && !s->cols[i].is_virtual))
            ins_cols[nins++] = i;
    sl_pcol *tcols = cols_of_table(an, &t->def);

    /* Which query column feeds each insert column (-1: NULL). */
    int *from = sl_arena_alloc(an->ar, sizeof(int) * (size_t)(nins ? nins : 1));
    if (ins->cols.n) {
        for (int k = 0; k < nins; k++) from[k] = -1;
        for (int j = 0; j < ins->cols.n; j++) {
            const sl_name *cn = ins->cols.items[j];
            int k = -1;
            for (int m = 0; m < nins; m++)
                if (strcmp(s->cols[ins_cols[m]].name, cn->z) == 0) k = m;
            if (k < 0) {
                int idx = sl_schema_find(s, cn->z);
                if (idx >= 0)
                    return sl_err_at(an->err, SL_SEMANTIC, cn->offset, cn->len,
                                     "Column '%s' of table '%s' cannot be written: it is a %s "
                                     "column.",
                                     cn->z, t->def.name,
                                     s->cols[idx].kind == SL_COL_COMPUTED ? "computed"
                                                                          : "virtual metadata");
                const char *names[256];
                int nn = 0;
                for (int m = 0; m < nins && nn < 256; m++) names[nn++] = s->cols[ins_cols[m]].name;
                const char *hint = sl_suggest(cn->z, names, nn);
                return sl_err_at(an->err, SL_SEMANTIC, cn->offset, cn->len,
                                 "Unknown target column '%s' of table '%s'%s%s%s", cn->z,
                                 t->def.name, hint ? "; did you mean '" : "", hint ? hint : "",
                                 hint ? "'?" : "");
            }
            if (from[k] >= 0)
                return sl_err_at(an->err, SL_SEMANTIC, cn->offset, cn->len,
                                 "Target column '%s' is assigned more than once", cn->z);
            from[k] = j;
        }
        if (ins->cols.n != q->ncol) {
            return mismatch(an, ast, q, tcols, ins_cols, nins, t->def.qualified,
                            "Different number of columns.");
        }
        for (int k = 0; k < nins; k++)
            if (from[k] < 0 && s->cols[ins_cols[k]].type.not_null)
                return sl_err_at(an->err, SL_SEMANTIC, ins->table.offset, ins->table.len,
                                 "Column '%s' has no default value and does not allow NULLs",
                                 s->cols[ins_cols[k]].name);
    } else {
        if (q->ncol != nins)
            return mismatch(an, ast, q, tcols, ins_cols, nins, t->def.qualified,
                            "Different number of columns.");
        for (int k = 0; k < nins; k++) from[k] = k;
    }

    /* Convert each fed column to the sink column's type. */
    sl_cexpr **proj = sl_arena_alloc(an->ar, sizeof(sl_cexpr *) * (size_t)(nins ? nins : 1));
    for (int k = 0; k < nins; k++) {
        const sl_column *sc = &s->cols[ins_cols[k]];
        if (from[k] < 0) {
            sl_type nt = sc->type;
            nt.not_null = 0;
            proj[k] = sl_cx_const(an->ar, sl_null(), &nt);
            continue;
        }
        const sl_pcol *qc = &q->cols[from[k]];
        if (!sl_type_implicit_cast(&qc->type, &sc->type)) {
            char cause[256];
            snprintf(cause, sizeof cause, "Incompatible types for sink column '%s' at position %d.",
                     sc->name, k);
            return mismatch(an, ast, q, tcols, ins_cols, nins, t->def.qualified, cause);
        }
        sl_cexpr *ref = sl_cx_column(an->ar, from[k], &qc->type);
        sl_type target = sc->type;
        proj[k] = sl_cx_cast_to(an->ar, ref, &target);
    }

    sl_pnode *top = q;
    if (!is_identity(proj, nins, q)) {
        if (q->kind == SL_PN_CALC) {
            /* Merge into the query's Calc: one projection, one pass over each row. */
            for (int k = 0; k < nins; k++) proj[k] = compose(an, proj[k], q->proj);
            q->proj = proj;
            q->ncol = nins;
            top = q;
        } else {
            top = sl_plan_node(an->plan, SL_PN_CALC);
            top->input = q;
            top->proj = proj;
            top->ncol = nins;
        }
        top->cols = sl_arena_calloc(an->ar, sizeof(sl_pcol) * (size_t)(nins ? nins : 1));
        for (int k = 0; k < nins; k++) {
            top->cols[k].name = s->cols[ins_cols[k]].name;
            top->cols[k].type = proj[k]->type;
        }
    }

    sl_pnode *sink = sl_plan_node(an->plan, SL_PN_SINK);
    sink->input = top;
    sink->table = &t->def;
    sink->conn = t->conn;
    sink->ncol = nins;
    sink->cols = sl_arena_calloc(an->ar, sizeof(sl_pcol) * (size_t)(nins ? nins : 1));
    sink->tcol = ins_cols;
    for (int k = 0; k < nins; k++) {
        sink->cols[k].name = s->cols[ins_cols[k]].name;
        sink->cols[k].type = s->cols[ins_cols[k]].type;
    }
    sink->upsert = (t->conn->flags & SL_CONN_UPSERT_SINK) && s->npk > 0;
    sink->drop_nulls = an->cfg->sink_not_null_drop;
    *out = sink;
    return SL_OK;
}

static int plan_select(analyzer *an, const sl_ast *ast, sl_pnode **out)
{
    sl_pnode *q;
    int rc = plan_query(an, ast->query, &q);
    if (rc) return rc;
    sl_pnode *c = sl_plan_node(an->plan, SL_PN_COLLECT);
    c->input = q;
    c->ncol = q->ncol;
    c->cols = q->cols;
    if (ast->query->limit) {
        const sl_expr *le = ast->query->limit;
        if (le->kind != SL_E_LITERAL || le->lit != SL_LIT_INTEGER)
            return sl_err_at(an->err, SL_SEMANTIC, le->offset, le->len,
                             "LIMIT needs a non-negative integer literal");
        c->limit = strtoll(le->text, NULL, 10);
    }
    *out = c;
    return SL_OK;
}

/* Columns of the scan an operator reads: used[i] = 1. */
static void mark_expr(const sl_cexpr *e, uint8_t *used)
{
    if (e->kind == SL_CX_COLUMN) used[e->col] = 1;
    for (int i = 0; i < e->nargs; i++) mark_expr(e->args[i], used);
}

static void mark_reads(const sl_pnode *reader, uint8_t *used, int ncol)
{
    if (reader && reader->kind == SL_PN_CALC) {
        for (int i = 0; i < reader->ncol; i++) mark_expr(reader->proj[i], used);
        if (reader->filter) mark_expr(reader->filter, used);
    } else {
        memset(used, 1, (size_t)ncol);
    }
}

/*
** Decide which columns the scan must produce, so the source can skip decoding the rest. A
** ChangelogNormalize compares whole rows, as Flink's does with every physical column, so
** below one every physical column is needed, and metadata columns only when read above it.
** Computed columns are never produced: references to them were bound to their expressions.
*/
static void mark_needed(sl_plan *plan)
{
    sl_pnode *chain[64];
    int n = 0;
    for (sl_pnode *p = plan->root; p && n < 64; p = p->input) chain[n++] = p;
    sl_pnode *scan = chain[n - 1];
    if (scan->kind != SL_PN_SCAN || n < 2) return;
    const sl_schema *s = &scan->table->schema;
    uint8_t *used = sl_arena_calloc(&plan->ar, (size_t)scan->ncol + 1);
    const sl_pnode *consumer = chain[n - 2];
    if (consumer->kind == SL_PN_NORMALIZE) {
        mark_reads(n >= 3 ? chain[n - 3] : NULL, used, scan->ncol);
        for (int i = 0; i < scan->ncol; i++)
            scan->needed[i] = s->cols[i].kind == SL_COL_PHYSICAL ||
                              (s->cols[i].kind == SL_COL_METADATA && used[i]);
    } else {
        mark_reads(consumer, used, scan->ncol);
        for (int i = 0; i < scan->ncol; i++)
            scan->needed[i] = used[i] && s->cols[i].kind != SL_COL_COMPUTED;
    }
    for (int k = 0; k < s->npk; k++) scan->needed[s->pk[k]] = 1;
}

int sl_plan_build(const sl_catalog *cat, const sl_ast *ast, const sl_plan_config *cfg,
                  sl_plan **out, sl_err *err)
{
    sl_plan_config dflt = {0};
    sl_plan *plan = sl_plan_new(ast->kind == SL_STMT_INSERT ? SL_PLAN_INSERT : SL_PLAN_SELECT);
    analyzer an = {cat, cfg ? cfg : &dflt, plan, &plan->ar, err};
    int rc;
    if (ast->kind == SL_STMT_INSERT) rc = plan_insert(&an, ast, &plan->root);
    else if (ast->kind == SL_STMT_SELECT) rc = plan_select(&an, ast, &plan->root);
    else rc = sl_err_at(err, SL_MISUSE, ast->offset, ast->len, "not a query");
    if (!rc) rc = sl_changelog_infer(plan, err);
    if (!rc) mark_needed(plan);
    if (rc) {
        sl_plan_free(plan);
        return rc;
    }
    *out = plan;
    return SL_OK;
}
