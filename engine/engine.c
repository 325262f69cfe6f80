/*
** engine/engine.c — the public API (include/sluice.h): engines, statements, scripts.
**
** The engine wires the layers together: sl_prepare parses one statement (parser/) and, for
** queries, plans it (planner/) against the catalog as it is at that moment; sl_step executes
** it: catalog changes for DDL, a job (runtime/) for INSERT, result rows for EXPLAIN, SHOW,
** DESCRIBE and SET. A script is a loop of prepare/step/finalize (sl_exec), so each statement
** sees the tables the previous ones created, and the first failure stops the script.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "engine/engine_int.h"

/* ---- result rows ---------------------------------------------------------------------- */

void sl_rows_init(sl_rows *r, int ncol)
{
    memset(r, 0, sizeof *r);
    r->ncol = ncol;
}

void sl_rows_add(sl_rows *r, const char *const *cells)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->cells = sl_realloc(r->cells, sizeof(char *) * (size_t)(r->cap * r->ncol));
    }
    /* Secret values never leave in a result row, whatever option holds them. */
    for (int i = 0; i < r->ncol; i++) {
        const char *c = cells[i] ? cells[i] : "";
        sl_buf b = SL_BUF_INIT;
        sl_secrets_mask(c, strlen(c), &b);
        r->cells[r->n * r->ncol + i] = sl_buf_detach(&b);
    }
    r->n++;
}

void sl_rows_add_lines(sl_rows *r, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = sl_strndup(p, len);
        const char *cells[1] = {line};
        sl_rows_add(r, cells);
        sl_free(line);
        p += len + (nl ? 1 : 0);
    }
}

void sl_rows_free(sl_rows *r)
{
    for (int i = 0; i < r->n * r->ncol; i++) sl_free(r->cells[i]);
    sl_free(r->cells);
    memset(r, 0, sizeof *r);
}

/* ---- engine --------------------------------------------------------------------------- */

int sl_open(sl_engine **out)
{
    sl_engine *eng = sl_calloc(1, sizeof *eng);
    sl_engine_register_builtins(&eng->reg, &eng->rt);
    sl_catalog_init(&eng->cat, &eng->reg);
    sl_settings_init(eng);
    sl_err_clear(&eng->err);
    *out = eng;
    return SL_OK;
}

void sl_close(sl_engine *eng)
{
    if (!eng) return;
    sl_catalog_free(&eng->cat);
    sl_settings_free(eng);
    sl_free(eng);
}

static int fail(sl_engine *eng, const sl_err *err)
{
    eng->err = *err;
    sl_secrets_mask_inplace(eng->err.msg, sizeof eng->err.msg);
    return err->code;
}

int sl_config(sl_engine *eng, const char *key, const char *value)
{
    if (!eng || !key) return SL_MISUSE;
    sl_err err = SL_ERR_INIT;
    sl_err_clear(&eng->err);
    int rc = value ? sl_settings_set(eng, key, value, &err) : sl_settings_reset(eng, key, &err);
    return rc ? fail(eng, &err) : SL_OK;
}

const char *sl_errmsg(sl_engine *eng)
{
    if (!eng) return "out of memory";
    return eng->err.code ? eng->err.msg : "not an error";
}

int sl_errcode(sl_engine *eng)
{
    return eng ? eng->err.code : SL_NOMEM;
}

int sl_error_offset(sl_engine *eng)
{
    return eng && eng->err.code ? eng->err.offset : -1;
}

int sl_error_length(sl_engine *eng)
{
    return eng && eng->err.code && eng->err.offset >= 0 ? eng->err.len : 0;
}

void sl_interrupt(sl_engine *eng)
{
    if (!eng) return;
    atomic_store(&eng->interrupted, 1);
    atomic_int *flag = atomic_load(&eng->stop_flag);
    if (flag) atomic_store(flag, 1);
}

int sl_complete(const char *sql)
{
    return sql ? sl_sql_complete(sql, -1) : 0;
}

int sl_libversion_number(void)
{
    return SL_VERSION_NUMBER;
}

const char *sl_libversion(void)
{
    return SL_VERSION;
}

/* ---- prepare -------------------------------------------------------------------------- */

static void stmt_free(sl_stmt *stmt)
{
    if (!stmt) return;
    sl_plan_free(stmt->plan);
    sl_rows_free(&stmt->rows);
    sl_parser_free(stmt->parser);
    sl_free(stmt);
}

int sl_prepare(sl_engine *eng, const char *sql, int nbyte, sl_stmt **out, const char **tail)
{
    if (!eng || !sql || !out) return SL_MISUSE;
    *out = NULL;
    sl_err err = SL_ERR_INIT;
    sl_err_clear(&eng->err);
    sl_stmt *stmt = sl_calloc(1, sizeof *stmt);
    stmt->eng = eng;
    stmt->cur = -1;
    stmt->parser = sl_parser_new();
    int consumed = 0;
    int rc = sl_parse(stmt->parser, sql, nbyte, &stmt->ast, &consumed, &err);
    if (tail) *tail = sql + consumed;
    if (!rc && stmt->ast) {
        const sl_ast *plannable = stmt->ast->kind == SL_STMT_EXPLAIN ? stmt->ast->explained
                                                                     : stmt->ast;
        if (plannable->kind == SL_STMT_INSERT || plannable->kind == SL_STMT_SELECT) {
            sl_plan_config cfg;
            sl_settings_plan_config(eng, &cfg);
            rc = sl_plan_build(&eng->cat, plannable, &cfg, &stmt->plan, &err);
        }
    }
    if (rc) {
        stmt_free(stmt);
        return fail(eng, &err);
    }
    if (!stmt->ast) {
        stmt_free(stmt);
        return SL_OK;
    }
    *out = stmt;
    return SL_OK;
}

/* ---- step ----------------------------------------------------------------------------- */

static const char *help_text =
    "Statements:\n"
    "  CREATE TABLE [IF NOT EXISTS] t (col TYPE [NOT NULL], ... [, PRIMARY KEY (c, ...) NOT "
    "ENFORCED])\n"
    "      WITH ('connector' = '...', ...);\n"
    "  DROP TABLE [IF EXISTS] t;\n"
    "  INSERT INTO t [(cols)] SELECT ... FROM s [WHERE ...];   INSERT INTO t VALUES (...);\n"
    "  EXPLAIN INSERT ...;   EXPLAIN SELECT ...;\n"
    "  SET 'key' = 'value';   SET;   RESET 'key';   RESET;\n"
    "  SHOW TABLES;   DESCRIBE t;   SHOW CREATE TABLE t;   HELP;\n"
    "Connectors: upsert-kafka (source), print (sink). Formats: json, csv, raw.\n"
    "See README.md and docs/ for the options of each connector and format.";

static void describe(const sl_table *t, sl_rows *rows)
{
    sl_rows_init(rows, 6);
    const char *hdr[6] = {"name", "type", "null", "key", "extras", "watermark"};
    sl_rows_add(rows, hdr);
    const sl_schema *s = &t->def.schema;
    for (int i = 0; i < s->ncol; i++) {
        const sl_column *c = &s->cols[i];
        sl_buf type = SL_BUF_INIT, extras = SL_BUF_INIT, key = SL_BUF_INIT, wm = SL_BUF_INIT;
        sl_type tt = c->type;
        tt.not_null = 0;
        sl_type_render(&type, &tt);
        if (c->kind == SL_COL_METADATA) {
            sl_buf_puts(&extras, "METADATA");
            if (strcmp(c->meta_key, c->name)) sl_buf_printf(&extras, " FROM '%s'", c->meta_key);
            if (c->is_virtual) sl_buf_puts(&extras, " VIRTUAL");
        } else if (c->kind == SL_COL_COMPUTED) {
            sl_buf_puts(&extras, "AS ");
            sl_expr_render(&extras, t->computed[i]);
        }
        if (sl_schema_in_pk(s, i)) {
            sl_buf_puts(&key, "PRI(");
            for (int k = 0; k < s->npk; k++)
                sl_buf_printf(&key, "%s%s", k ? ", " : "", s->cols[s->pk[k]].name);
            sl_buf_putc(&key, ')');
        }
        if (t->watermark_col && strcmp(t->watermark_col, c->name) == 0)
            sl_expr_render(&wm, t->watermark);
        const char *cells[6] = {c->name, type.p, c->type.not_null ? "FALSE" : "TRUE",
                                key.p,   extras.p, wm.p};
        sl_rows_add(rows, cells);
        sl_buf_free(&type);
        sl_buf_free(&extras);
        sl_buf_free(&key);
        sl_buf_free(&wm);
    }
}

static int run_insert(sl_stmt *stmt, sl_err *err)
{
    sl_engine *eng = stmt->eng;
    const char *name = sl_settings_get(eng, "pipeline.name");
    char defname[512];
    if (!name || !*name) {
        snprintf(defname, sizeof defname, "insert-into_%s", stmt->plan->root->table->qualified);
        name = defname;
    }
    sl_job *job;
    sl_job_config cfg = {name, sl_settings_duration_ms(eng, "execution.checkpointing.interval")};
    int rc = sl_job_create(stmt->plan, &eng->reg, &eng->rt, &cfg, &job, err);
    if (rc) return rc;
    atomic_store(&eng->stop_flag, sl_job_stop_flag(job));
    if (atomic_load(&eng->interrupted)) sl_job_stop(job);
    sl_log(SL_LOG_INFO, "job", "%s: started", name);
    rc = sl_job_start(job, err);
    if (!rc) rc = sl_job_wait(job, -1, err);
    atomic_store(&eng->stop_flag, NULL);
    sl_log(SL_LOG_INFO, "job", "%s: %s; %llu rows in, %llu rows out", name,
           rc == SL_DONE ? "finished" : "failed", (unsigned long long)sl_job_rows_in(job),
           (unsigned long long)sl_job_rows_out(job));
    sl_job_free(job);
    atomic_store(&eng->interrupted, 0);
    return rc == SL_DONE ? SL_OK : rc;
}

static int execute(sl_stmt *stmt, sl_err *err)
{
    sl_engine *eng = stmt->eng;
    const sl_ast *ast = stmt->ast;
    switch (ast->kind) {
    case SL_STMT_CREATE_TABLE: return sl_catalog_create(&eng->cat, ast->create, err);
    case SL_STMT_DROP_TABLE: return sl_catalog_drop(&eng->cat, &ast->table, ast->if_exists, err);
    case SL_STMT_INSERT: return run_insert(stmt, err);
    case SL_STMT_SELECT:
        return sl_err_at(err, SL_UNSUPPORTED, ast->offset, ast->len,
                         "a SELECT needs somewhere to show its rows: write INSERT INTO a 'print' "
                         "table, or use the interactive shell");
    case SL_STMT_EXPLAIN: {
        sl_buf b = SL_BUF_INIT;
        sl_plan_explain(stmt->plan, &eng->reg, &b);
        sl_rows_init(&stmt->rows, 1);
        sl_rows_add_lines(&stmt->rows, b.p);
        sl_buf_free(&b);
        return SL_OK;
    }
    case SL_STMT_SET:
        if (!ast->key) {
            sl_settings_list(eng, &stmt->rows);
            return SL_OK;
        }
        if (sl_settings_set(eng, ast->key, ast->value, err)) {
            sl_err_locate(err, ast->key_offset, ast->key_len);
            return err->code;
        }
        return SL_OK;
    case SL_STMT_RESET:
        if (sl_settings_reset(eng, ast->key, err)) {
            sl_err_locate(err, ast->key_offset, ast->key_len);
            return err->code;
        }
        return SL_OK;
    case SL_STMT_SHOW_TABLES: {
        sl_rows_init(&stmt->rows, 1);
        /* sorted by name, as Flink lists them */
        int n = eng->cat.n;
        const char **names = sl_calloc((size_t)n + 1, sizeof(char *));
        for (int i = 0; i < n; i++) names[i] = eng->cat.tables[i]->def.name;
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
                const char *t = names[j];
                names[j] = names[j - 1];
                names[j - 1] = t;
            }
        for (int i = 0; i < n; i++) sl_rows_add(&stmt->rows, &names[i]);
        sl_free(names);
        return SL_OK;
    }
    case SL_STMT_DESCRIBE:
    case SL_STMT_SHOW_CREATE_TABLE: {
        sl_table *t;
        int rc = sl_catalog_lookup(&eng->cat, &ast->table, &t, err);
        if (rc) return rc;
        if (ast->kind == SL_STMT_DESCRIBE) {
            describe(t, &stmt->rows);
        } else {
            sl_buf b = SL_BUF_INIT;
            sl_catalog_show_create(&eng->cat, t, &b);
            sl_rows_init(&stmt->rows, 1);
            sl_rows_add_lines(&stmt->rows, b.p);
            sl_buf_free(&b);
        }
        return SL_OK;
    }
    case SL_STMT_HELP:
        sl_rows_init(&stmt->rows, 1);
        sl_rows_add_lines(&stmt->rows, help_text);
        return SL_OK;
    default:
        return sl_err_at(err, SL_UNSUPPORTED, ast->offset, ast->len, "%s is not supported yet",
                         sl_stmt_kind_name(ast->kind));
    }
}

int sl_step(sl_stmt *stmt)
{
    if (!stmt) return SL_MISUSE;
    sl_engine *eng = stmt->eng;
    if (!stmt->done) {
        sl_err err = SL_ERR_INIT;
        sl_err_clear(&eng->err);
        stmt->done = 1;
        int rc = execute(stmt, &err);
        if (rc) return fail(eng, &err);
    }
    if (stmt->cur + 1 < stmt->rows.n) {
        stmt->cur++;
        return SL_ROW;
    }
    stmt->cur = stmt->rows.n;
    return SL_DONE;
}

int sl_column_count(sl_stmt *stmt)
{
    return stmt && stmt->cur >= 0 && stmt->cur < stmt->rows.n ? stmt->rows.ncol : 0;
}

const char *sl_column_text(sl_stmt *stmt, int i)
{
    if (!stmt || stmt->cur < 0 || stmt->cur >= stmt->rows.n || i < 0 || i >= stmt->rows.ncol)
        return NULL;
    return stmt->rows.cells[stmt->cur * stmt->rows.ncol + i];
}

int sl_row_kind(sl_stmt *stmt)
{
    SL_UNUSED(stmt);
    return SL_INSERT;
}

const char *sl_stmt_type(sl_stmt *stmt)
{
    return stmt && stmt->ast ? sl_stmt_kind_name(stmt->ast->kind) : "statement";
}

int sl_finalize(sl_stmt *stmt)
{
    stmt_free(stmt);
    return SL_OK;
}

int sl_exec(sl_engine *eng, const char *script, sl_row_cb cb, void *ud)
{
    if (!eng || !script) return SL_MISUSE;
    const char *p = script;
    while (*p) {
        sl_stmt *stmt;
        const char *tail, *start = p;
        int rc = sl_prepare(eng, p, -1, &stmt, &tail);
        if (rc) {
            if (eng->err.offset >= 0) eng->err.offset += (int)(start - script);
            return rc;
        }
        p = tail;
        if (!stmt) continue;
        while ((rc = sl_step(stmt)) == SL_ROW) {
            if (!cb) continue;
            int n = sl_column_count(stmt);
            const char *cells[64];
            for (int i = 0; i < n && i < 64; i++) cells[i] = sl_column_text(stmt, i);
            if (cb(ud, n < 64 ? n : 64, cells)) {
                rc = SL_INTERRUPT;
                break;
            }
        }
        sl_finalize(stmt);
        if (rc != SL_DONE) {
            if (eng->err.offset >= 0) eng->err.offset += (int)(start - script);
            return rc;
        }
    }
    return SL_OK;
}
