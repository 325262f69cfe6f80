/*
** planner/catalog.c — CREATE TABLE, DROP TABLE, lookups and SHOW CREATE TABLE.
**
** Resolution of a CREATE TABLE, in the order Flink reports problems: duplicate columns; the
** primary key (declared NOT ENFORCED, on existing physical columns, which become NOT NULL);
** the WATERMARK column; computed columns (bound to check their types); then the connector's
** options and metadata keys through the registry.
**
** SPDX-License-Identifier: MIT
*/
#include "planner/catalog.h"

#include <stdio.h>

#include "planner/expr.h"

void sl_catalog_init(sl_catalog *cat, const sl_registry *reg)
{
    memset(cat, 0, sizeof *cat);
    cat->reg = reg;
}

static void table_free(sl_table *t)
{
    sl_arena_free(&t->ar);
    sl_free(t);
}

void sl_catalog_free(sl_catalog *cat)
{
    for (int i = 0; i < cat->n; i++) table_free(cat->tables[i]);
    sl_free(cat->tables);
    memset(cat, 0, sizeof *cat);
}

int sl_catalog_resolve(const sl_qname *q, const char **name, sl_err *err)
{
    if (q->nparts == 3 && strcmp(q->part[0].z, SL_DEFAULT_CATALOG) != 0)
        return sl_err_at(err, SL_SEMANTIC, q->part[0].offset, q->part[0].len,
                         "Catalog %s does not exist (only %s is available)", q->part[0].z,
                         SL_DEFAULT_CATALOG);
    if (q->nparts >= 2 && strcmp(q->part[q->nparts - 2].z, SL_DEFAULT_DATABASE) != 0)
        return sl_err_at(err, SL_SEMANTIC, q->part[q->nparts - 2].offset,
                         q->part[q->nparts - 2].len,
                         "Database %s does not exist in catalog %s (only %s is available)",
                         q->part[q->nparts - 2].z, SL_DEFAULT_CATALOG, SL_DEFAULT_DATABASE);
    *name = q->part[q->nparts - 1].z;
    return SL_OK;
}

sl_table *sl_catalog_find(const sl_catalog *cat, const char *name)
{
    for (int i = 0; i < cat->n; i++)
        if (strcmp(cat->tables[i]->def.name, name) == 0) return cat->tables[i];
    return NULL;
}

int sl_catalog_lookup(const sl_catalog *cat, const sl_qname *q, sl_table **out, sl_err *err)
{
    const char *name;
    int rc = sl_catalog_resolve(q, &name, err);
    if (rc) return rc;
    *out = sl_catalog_find(cat, name);
    if (*out) return SL_OK;
    const char *names[256];
    int n = 0;
    for (int i = 0; i < cat->n && n < 256; i++) names[n++] = cat->tables[i]->def.name;
    const char *hint = NULL;
    for (int i = 0; i < n && !hint; i++)
        if (sl_strcaseeq(names[i], name)) hint = names[i];
    if (!hint) hint = sl_suggest(name, names, n);
    if (hint)
        return sl_err_at(err, SL_SEMANTIC, q->offset, q->len,
                         "Object '%s' not found; did you mean '%s'?", name, hint);
    return sl_err_at(err, SL_SEMANTIC, q->offset, q->len,
                     "Object '%s' not found within '%s.%s'", name, SL_DEFAULT_CATALOG,
                     SL_DEFAULT_DATABASE);
}

static int check_metadata(const sl_table *t, sl_err *err)
{
    const sl_connector_desc *cd = t->conn;
    for (int i = 0; i < t->def.schema.ncol; i++) {
        const sl_column *c = &t->def.schema.cols[i];
        if (c->kind != SL_COL_METADATA) continue;
        const sl_meta_def *m = NULL;
        for (int k = 0; k < cd->nmeta; k++)
            if (strcmp(cd->meta[k].key, c->meta_key) == 0) m = &cd->meta[k];
        if (!m) {
            char keys[512] = "";
            size_t len = 0;
            for (int k = 0; k < cd->nmeta && len < sizeof keys; k++)
                len += (size_t)snprintf(keys + len, sizeof keys - len, "%s'%s'", k ? ", " : "",
                                        cd->meta[k].key);
            if (!cd->nmeta) snprintf(keys, sizeof keys, "none");
            return sl_err_at(err, SL_SEMANTIC, c->offset, c->len,
                             "Invalid metadata key '%s' in column '%s' of table '%s'. Connector "
                             "'%s' supports the following metadata keys: %s.",
                             c->meta_key, c->name, t->def.qualified, cd->name, keys);
        }
        if (!m->readable && c->is_virtual)
            return sl_err_at(err, SL_SEMANTIC, c->offset, c->len,
                             "Metadata key '%s' of connector '%s' can only be written, so column "
                             "'%s' cannot be VIRTUAL.",
                             c->meta_key, cd->name, c->name);
    }
    return SL_OK;
}

static int build_schema(sl_table *t, const sl_create_table *ct, sl_err *err)
{
    sl_arena *ar = &t->ar;
    sl_schema *s = &t->def.schema;
    s->ncol = ct->cols.n;
    s->cols = sl_arena_calloc(ar, sizeof(sl_column) * (size_t)(s->ncol ? s->ncol : 1));
    t->computed = sl_arena_calloc(ar, sizeof(sl_expr *) * (size_t)(s->ncol ? s->ncol : 1));
    for (int i = 0; i < ct->cols.n; i++) {
        const sl_coldef *cd = ct->cols.items[i];
        for (int j = 0; j < i; j++)
            if (strcmp(s->cols[j].name, cd->name.z) == 0)
                return sl_err_at(err, SL_SEMANTIC, cd->name.offset, cd->name.len,
                                 "A column named '%s' already exists in the table.", cd->name.z);
        sl_column *c = &s->cols[i];
        c->name = sl_arena_strdup(ar, cd->name.z);
        c->type = sl_type_copy(ar, &cd->type);
        c->kind = cd->kind;
        c->is_virtual = cd->is_virtual;
        c->offset = cd->offset;
        c->len = cd->len;
        if (cd->kind == SL_COL_METADATA)
            c->meta_key = sl_arena_strdup(ar, cd->meta_key ? cd->meta_key : cd->name.z);
        if (cd->kind == SL_COL_COMPUTED) {
            t->computed[i] = sl_expr_copy(ar, cd->expr);
            c->expr = t->computed[i];
        }
        if (cd->type.id == SL_TYPE_CHAR && cd->type.length == 0) c->type.length = 1;
    }
    if (ct->has_pk) {
        if (ct->pk_enforced)
            return sl_err_at(err, SL_SEMANTIC, ct->pk_offset, ct->pk_len,
                             "Flink doesn't support ENFORCED mode for PRIMARY KEY constraint. "
                             "ENFORCED/NOT ENFORCED controls if the constraint checks are "
                             "performed on the incoming/outgoing data. Flink does not own the "
                             "data therefore the only supported mode is the NOT ENFORCED mode");
        s->npk = ct->pk.n;
        s->pk = sl_arena_alloc(ar, sizeof(int) * (size_t)s->npk);
        s->pk_offset = ct->pk_offset;
        s->pk_len = ct->pk_len;
        for (int k = 0; k < ct->pk.n; k++) {
            const sl_name *pn = ct->pk.items[k];
            int idx = sl_schema_find(s, pn->z);
            if (idx < 0)
                return sl_err_at(err, SL_SEMANTIC, pn->offset, pn->len,
                                 "Could not create a PRIMARY KEY: column '%s' does not exist.",
                                 pn->z);
            if (s->cols[idx].kind != SL_COL_PHYSICAL)
                return sl_err_at(err, SL_SEMANTIC, pn->offset, pn->len,
                                 "Could not create a PRIMARY KEY with column '%s': a PRIMARY KEY "
                                 "constraint must be declared on physical columns.",
                                 pn->z);
            for (int j = 0; j < k; j++)
                if (s->pk[j] == idx)
                    return sl_err_at(err, SL_SEMANTIC, pn->offset, pn->len,
                                     "Column '%s' appears twice in the PRIMARY KEY.", pn->z);
            s->pk[k] = idx;
            s->cols[idx].type.not_null = 1; /* a primary key implies NOT NULL */
        }
    }
    if (ct->watermark) {
        int idx = sl_schema_find(s, ct->watermark_col.z);
        if (idx < 0)
            return sl_err_at(err, SL_SEMANTIC, ct->watermark_col.offset, ct->watermark_col.len,
                             "The rowtime attribute field '%s' is not defined in the table "
                             "schema.",
                             ct->watermark_col.z);
        int tid = s->cols[idx].type.id;
        if ((tid != SL_TYPE_TIMESTAMP && tid != SL_TYPE_TIMESTAMP_LTZ) ||
            s->cols[idx].type.precision != 3)
            return sl_err_at(err, SL_SEMANTIC, ct->watermark_col.offset, ct->watermark_col.len,
                             "Invalid data type of time field for watermark definition. The "
                             "field must be of type TIMESTAMP(3) or TIMESTAMP_LTZ(3).");
        t->watermark_col = s->cols[idx].name;
        t->watermark = sl_expr_copy(ar, ct->watermark);
    }
    return SL_OK;
}

/* Bind computed columns and the watermark, to report type errors at CREATE TABLE. */
static int check_expressions(sl_table *t, sl_err *err)
{
    const sl_schema *s = &t->def.schema;
    sl_arena scratch;
    sl_arena_init(&scratch, 4096);
    sl_scope sc;
    sc.n = 0;
    sc.cols = sl_arena_calloc(&scratch, sizeof(sl_scope_col) * (size_t)(s->ncol ? s->ncol : 1));
    for (int i = 0; i < s->ncol; i++) {
        if (s->cols[i].kind == SL_COL_COMPUTED) continue; /* no references between them */
        sl_scope_col *c = &sc.cols[sc.n++];
        c->name = s->cols[i].name;
        c->qual = t->def.name;
        c->type = s->cols[i].type;
        c->index = i;
    }
    int rc = SL_OK;
    for (int i = 0; i < s->ncol && !rc; i++) {
        if (s->cols[i].kind != SL_COL_COMPUTED) continue;
        sl_cexpr *cx;
        rc = sl_bind(&scratch, &sc, t->computed[i], &cx, err);
        if (!rc) s->cols[i].type = sl_type_copy(&t->ar, &cx->type);
    }
    if (!rc && t->watermark) {
        sl_cexpr *cx;
        rc = sl_bind(&scratch, &sc, t->watermark, &cx, err);
    }
    sl_arena_free(&scratch);
    return rc;
}

static void copy_options(sl_table *t, const sl_create_table *ct)
{
    sl_optset *os = &t->def.opts;
    os->n = ct->opts.n;
    os->items = sl_arena_calloc(&t->ar, sizeof(sl_opt) * (size_t)(os->n ? os->n : 1));
    os->offset = ct->with_offset;
    os->len = ct->with_len;
    for (int i = 0; i < ct->opts.n; i++) {
        const sl_opt *o = ct->opts.items[i];
        sl_opt *d = &os->items[i];
        *d = *o;
        d->key = sl_arena_strdup(&t->ar, o->key);
        d->val = sl_arena_strdup(&t->ar, o->val);
    }
}

int sl_catalog_create(sl_catalog *cat, const sl_create_table *ct, sl_err *err)
{
    const char *name;
    int rc = sl_catalog_resolve(&ct->name, &name, err);
    if (rc) return rc;
    if (sl_catalog_find(cat, name)) {
        if (ct->if_not_exists) return SL_OK;
        return sl_err_at(err, SL_SEMANTIC, ct->name.offset, ct->name.len,
                         "Table (or view) %s.%s already exists in Catalog %s.",
                         SL_DEFAULT_DATABASE, name, SL_DEFAULT_CATALOG);
    }
    if (ct->partitioned_by.n) {
        const sl_name *n0 = ct->partitioned_by.items[0];
        return sl_err_at(err, SL_UNSUPPORTED, n0->offset, n0->len,
                         "PARTITIONED BY is not supported yet");
    }
    sl_table *t = sl_calloc(1, sizeof *t);
    sl_arena_init(&t->ar, 4096);
    t->def.name = sl_arena_strdup(&t->ar, name);
    t->def.qualified =
        sl_arena_printf(&t->ar, "%s.%s.%s", SL_DEFAULT_CATALOG, SL_DEFAULT_DATABASE, name);
    copy_options(t, ct);
    rc = build_schema(t, ct, err);
    if (!rc) rc = check_expressions(t, err);
    if (!rc) rc = sl_registry_validate_table(cat->reg, &t->def, err);
    if (!rc) {
        t->def.connector = sl_optset_get(&t->def.opts, "connector");
        t->conn = sl_registry_connector(cat->reg, t->def.connector);
        rc = check_metadata(t, err);
    }
    if (rc) {
        table_free(t);
        return rc;
    }
    t->def.offset = -1;
    if (cat->n == cat->cap) {
        cat->cap = cat->cap ? cat->cap * 2 : 8;
        cat->tables = sl_realloc(cat->tables, sizeof(sl_table *) * (size_t)cat->cap);
    }
    cat->tables[cat->n++] = t;
    return SL_OK;
}

int sl_catalog_drop(sl_catalog *cat, const sl_qname *q, int if_exists, sl_err *err)
{
    const char *name;
    int rc = sl_catalog_resolve(q, &name, err);
    if (rc) return rc;
    for (int i = 0; i < cat->n; i++) {
        if (strcmp(cat->tables[i]->def.name, name) != 0) continue;
        table_free(cat->tables[i]);
        memmove(&cat->tables[i], &cat->tables[i + 1], sizeof(sl_table *) * (size_t)(cat->n - i - 1));
        cat->n--;
        return SL_OK;
    }
    if (if_exists) return SL_OK;
    sl_table *dummy;
    return sl_catalog_lookup(cat, q, &dummy, err);
}

static void quote_string(sl_buf *b, const char *z)
{
    sl_buf_putc(b, '\'');
    for (; *z; z++) {
        if (*z == '\'') sl_buf_putc(b, '\'');
        sl_buf_putc(b, *z);
    }
    sl_buf_putc(b, '\'');
}

void sl_catalog_show_create(const sl_catalog *cat, const sl_table *t, sl_buf *b)
{
    const sl_schema *s = &t->def.schema;
    sl_buf_printf(b, "CREATE TABLE `%s`.`%s`.`%s` (\n", SL_DEFAULT_CATALOG, SL_DEFAULT_DATABASE,
                  t->def.name);
    for (int i = 0; i < s->ncol; i++) {
        const sl_column *c = &s->cols[i];
        sl_buf_printf(b, "  `%s` ", c->name);
        if (c->kind == SL_COL_COMPUTED) {
            sl_buf_puts(b, "AS ");
            sl_expr_render(b, t->computed[i]);
        } else {
            sl_type_render(b, &c->type);
        }
        if (c->kind == SL_COL_METADATA) {
            sl_buf_puts(b, " METADATA");
            if (strcmp(c->meta_key, c->name) != 0) sl_buf_printf(b, " FROM '%s'", c->meta_key);
            if (c->is_virtual) sl_buf_puts(b, " VIRTUAL");
        }
        if (i + 1 < s->ncol || s->npk || t->watermark) sl_buf_putc(b, ',');
        sl_buf_putc(b, '\n');
    }
    if (t->watermark) {
        sl_buf_printf(b, "  WATERMARK FOR `%s` AS ", t->watermark_col);
        sl_expr_render(b, t->watermark);
        sl_buf_puts(b, s->npk ? ",\n" : "\n");
    }
    if (s->npk) {
        sl_buf_puts(b, "  CONSTRAINT `PK_");
        for (int k = 0; k < s->npk; k++) sl_buf_printf(b, "%s%s", k ? "_" : "", s->cols[s->pk[k]].name);
        sl_buf_puts(b, "` PRIMARY KEY (");
        for (int k = 0; k < s->npk; k++)
            sl_buf_printf(b, "%s`%s`", k ? ", " : "", s->cols[s->pk[k]].name);
        sl_buf_puts(b, ") NOT ENFORCED\n");
    }
    sl_buf_puts(b, ") WITH (\n");
    for (int i = 0; i < t->def.opts.n; i++) {
        const sl_opt *o = &t->def.opts.items[i];
        const sl_opt_def *d = sl_registry_option_def(cat->reg, &t->def, o->key);
        sl_buf_puts(b, "  ");
        quote_string(b, o->key);
        sl_buf_puts(b, " = ");
        quote_string(b, sl_opt_is_secret(d, o->key) ? "******" : o->val);
        sl_buf_puts(b, i + 1 < t->def.opts.n ? ",\n" : "\n");
    }
    sl_buf_puts(b, ")");
}
