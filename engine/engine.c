/*
** engine/engine.c — the public API (include/sluice.h): engines, statements, scripts.
**
** The engine wires the layers together: sl_prepare parses one statement (parser/) and, for
** queries, plans it (planner/) against the catalog as it is at that moment; sl_step executes
** it: catalog changes for DDL, a job (runtime/, jobs.c) for INSERT, a job whose changelog rows
** come back one per step for SELECT, result rows for EXPLAIN, SHOW, DESCRIBE and SET. A script is a loop of prepare/step/finalize (sl_exec), so each statement
** sees the tables the previous ones created, and the first failure stops the script.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/valuefmt.h"
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
    sl_jobs_close(eng);
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

const char *sl_config_get(sl_engine *eng, const char *key)
{
    if (!eng || !key) return NULL;
    sl_err err = SL_ERR_INIT;
    /* Validate the key the way SET does, so an unknown one gets the same message. */
    if (sl_settings_check_key(key, &err)) {
        eng->err = err;
        return NULL;
    }
    return sl_settings_get(eng, key);
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

int sl_input_state(const char *sql)
{
    return sql ? sl_sql_input_state(sql, -1) : SL_INPUT_EMPTY;
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
    if (stmt->job) {
        sl_job_free(stmt->job); /* stops it first */
        atomic_store(&stmt->eng->stop_flag, NULL);
    }
    if (stmt->cells)
        for (int i = 0; i < stmt->cols.n; i++) sl_free(stmt->cells[i]);
    sl_free(stmt->cells);
    if (stmt->cols.types)
        for (int i = 0; i < stmt->cols.n; i++) sl_free(stmt->cols.types[i]);
    sl_free(stmt->cols.types);
    sl_free(stmt->cols.names);
    sl_free(stmt->text);
    sl_plan_free(stmt->plan);
    sl_rows_free(&stmt->rows);
    sl_parser_free(stmt->parser);
    sl_free(stmt);
}

/* Result columns: names (static) and, optionally, SQL types (NULL: every column a STRING). */
static void set_cols(sl_stmt *stmt, int n, const char *const *names, const char *const *types)
{
    stmt->cols.n = n;
    stmt->cols.names = sl_calloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) stmt->cols.names[i] = names[i];
    if (types) {
        stmt->cols.types = sl_calloc((size_t)n + 1, sizeof(char *));
        for (int i = 0; i < n; i++) stmt->cols.types[i] = sl_strdup(types[i]);
    }
    sl_rows_init(&stmt->rows, n);
}

/* The result columns of a statement, known before it runs. */
static void describe_results(sl_stmt *stmt)
{
    static const char *const result[] = {"result"};
    static const char *const tables[] = {"table name"};
    static const char *const describe[] = {"name", "type", "null", "key", "extras", "watermark"};
    static const char *const settings[] = {"key", "value"};
    static const char *const jobs[] = {"job id", "job name", "status", "rows in", "rows out",
                                       "statement", "error"};
    static const char *const job_types[] = {"STRING", "STRING",    "STRING", "BIGINT",
                                            "BIGINT", "STRING", "STRING"};
    static const char *const job_id[] = {"job id"};
    const sl_ast *ast = stmt->ast;
    switch (ast->kind) {
    case SL_STMT_SELECT: {
        const sl_pnode *root = stmt->plan->root;
        const char **names = sl_calloc((size_t)root->ncol + 1, sizeof(char *));
        for (int i = 0; i < root->ncol; i++) names[i] = root->cols[i].name;
        set_cols(stmt, root->ncol, names, NULL);
        sl_free(names);
        stmt->cols.types = sl_calloc((size_t)root->ncol + 1, sizeof(char *));
        for (int i = 0; i < root->ncol; i++) {
            sl_buf b = SL_BUF_INIT;
            sl_type_render(&b, &root->cols[i].type);
            stmt->cols.types[i] = sl_buf_detach(&b);
        }
        stmt->cells = sl_calloc((size_t)root->ncol + 1, sizeof(char *));
        break;
    }
    case SL_STMT_INSERT:
        stmt->background = !sl_opt_parse_bool(sl_settings_get(stmt->eng, "table.dml-sync"));
        set_cols(stmt, stmt->background ? 1 : 0, job_id, NULL);
        break;
    case SL_STMT_EXPLAIN:
    case SL_STMT_SHOW_CREATE_TABLE:
    case SL_STMT_HELP: set_cols(stmt, 1, result, NULL); break;
    case SL_STMT_SHOW_TABLES: set_cols(stmt, 1, tables, NULL); break;
    case SL_STMT_DESCRIBE: set_cols(stmt, 6, describe, NULL); break;
    case SL_STMT_SET: set_cols(stmt, ast->key ? 0 : 2, settings, NULL); break;
    case SL_STMT_SHOW_JOBS: set_cols(stmt, 7, jobs, job_types); break;
    default: set_cols(stmt, 0, NULL, NULL); break;
    }
}

int sl_prepare(sl_engine *eng, const char *sql, int nbyte, sl_stmt **out, const char **tail)
{
    if (!eng || !sql || !out) return SL_MISUSE;
    *out = NULL;
    sl_err err = SL_ERR_INIT;
    sl_err_clear(&eng->err);
    sl_jobs_reap(eng);
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
    stmt->text = sl_strndup(sql + stmt->ast->offset, (size_t)stmt->ast->len);
    describe_results(stmt);
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
    "  SELECT ... FROM s [WHERE ...] [LIMIT n];   VALUES (...), (...);\n"
    "  EXPLAIN INSERT ...;   EXPLAIN SELECT ...;\n"
    "  SET 'key' = 'value';   SET;   RESET 'key';   RESET;\n"
    "  SHOW TABLES;   DESCRIBE t;   SHOW CREATE TABLE t;\n"
    "  SHOW JOBS;   STOP JOB 'id';   HELP;\n"
    "A SELECT returns its changelog: every row with its op (+I, -U, +U, -D). It ends with its\n"
    "sources, at its LIMIT or 'client.preview.max-rows', or when interrupted (Ctrl-C).\n"
    "With SET 'table.dml-sync' = 'false' (the interactive shell's default) an INSERT runs in\n"
    "the background: SHOW JOBS lists the jobs, STOP JOB 'id' stops one (its sinks flush).\n"
    "Connectors: kafka, upsert-kafka, print. Formats: json, csv, raw, avro, avro-confluent.\n"
    "See README.md and docs/ for the options of each connector and format.";

static void describe(const sl_table *t, sl_rows *rows)
{
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

static int start_select(sl_stmt *stmt, sl_err *err)
{
    sl_engine *eng = stmt->eng;
    /* The setting was validated by SET, so it is a non-negative integer. */
    sl_job_config cfg = {"select", 0,
                         strtoll(sl_settings_get(eng, "client.preview.max-rows"), NULL, 10)};
    int rc = sl_job_create(stmt->plan, &eng->reg, &eng->rt, &cfg, &stmt->job, err);
    if (rc) return rc;
    atomic_store(&eng->stop_flag, sl_job_stop_flag(stmt->job));
    if (atomic_load(&eng->interrupted)) sl_job_stop(stmt->job);
    rc = sl_job_start(stmt->job, err);
    if (rc) {
        atomic_store(&eng->stop_flag, NULL);
        sl_job_free(stmt->job);
        stmt->job = NULL;
    }
    return rc;
}

static int drop_table(sl_engine *eng, const sl_ast *ast, sl_err *err)
{
    const char *name;
    int rc = sl_catalog_resolve(&ast->table, &name, err);
    if (rc) return rc;
    const sl_table *t = sl_catalog_find(&eng->cat, name);
    const char *job = t ? sl_jobs_using(eng, &t->def) : NULL;
    if (job)
        return sl_err_at(err, SL_SEMANTIC, ast->table.offset, ast->table.len,
                         "Table '%s' is used by running job '%s'. Stop the job first: STOP JOB "
                         "'%s';",
                         name, job, job);
    return sl_catalog_drop(&eng->cat, &ast->table, ast->if_exists, err);
}

static int execute(sl_stmt *stmt, sl_err *err)
{
    sl_engine *eng = stmt->eng;
    const sl_ast *ast = stmt->ast;
    switch (ast->kind) {
    case SL_STMT_CREATE_TABLE: return sl_catalog_create(&eng->cat, ast->create, err);
    case SL_STMT_DROP_TABLE: return drop_table(eng, ast, err);
    case SL_STMT_INSERT: return sl_jobs_run_insert(stmt, stmt->background, err);
    case SL_STMT_SELECT: return start_select(stmt, err);
    case SL_STMT_EXPLAIN: {
        sl_buf b = SL_BUF_INIT;
        sl_plan_explain(stmt->plan, &eng->reg, &b);
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
            sl_rows_add_lines(&stmt->rows, b.p);
            sl_buf_free(&b);
        }
        return SL_OK;
    }
    case SL_STMT_SHOW_JOBS: sl_jobs_show(eng, &stmt->rows); return SL_OK;
    case SL_STMT_STOP_JOB: return sl_jobs_stop(eng, ast, err);
    case SL_STMT_HELP:
        if (ast->key)
            return sl_err_at(err, SL_UNSUPPORTED, ast->key_offset, ast->key_len,
                             "HELP takes no topic yet: HELP; lists every statement");
        sl_rows_add_lines(&stmt->rows, help_text);
        return SL_OK;
    default:
        return sl_err_at(err, SL_UNSUPPORTED, ast->offset, ast->len, "%s is not supported yet",
                         sl_stmt_kind_name(ast->kind));
    }
}

/* The SELECT ended (rc from sl_job_next_row): free its job; SL_DONE or the error. */
static int select_end(sl_stmt *stmt, int rc, const sl_err *err)
{
    sl_engine *eng = stmt->eng;
    atomic_store(&eng->stop_flag, NULL);
    int interrupted = atomic_exchange(&eng->interrupted, 0);
    sl_job_free(stmt->job);
    stmt->job = NULL;
    stmt->has_row = 0;
    /* An interrupted query ends quietly, whatever its sources said while stopping. */
    if (rc == SL_DONE || interrupted) return SL_DONE;
    return fail(eng, err);
}

static int select_next(sl_stmt *stmt, int timeout_ms)
{
    sl_engine *eng = stmt->eng;
    sl_err err = SL_ERR_INIT;
    sl_row *row = NULL;
    int rc;
    if (atomic_load(&eng->interrupted)) {
        /* Ctrl-C: stop now, and drop the rows still queued rather than show them. */
        sl_job_stop(stmt->job);
        while ((rc = sl_job_next_row(stmt->job, -1, &row, &err)) == SL_ROW) sl_free(row);
        return select_end(stmt, rc, &err);
    }
    rc = sl_job_next_row(stmt->job, timeout_ms, &row, &err);
    if (rc == SL_IDLE) return SL_IDLE;
    if (rc != SL_ROW) return select_end(stmt, rc, &err);
    const sl_pnode *root = stmt->plan->root;
    for (int i = 0; i < root->ncol; i++) {
        sl_free(stmt->cells[i]);
        stmt->cells[i] = NULL;
        if (sl_is_null(&row->col[i])) continue;
        sl_buf b = SL_BUF_INIT;
        sl_value_format(&b, &row->col[i], &root->cols[i].type, SL_STYLE_SQL);
        sl_buf_putc(&b, 0);
        stmt->cells[i] = sl_buf_detach(&b);
    }
    stmt->kind = row->kind;
    stmt->has_row = 1;
    sl_free(row);
    return SL_ROW;
}

int sl_step_timeout(sl_stmt *stmt, int timeout_ms)
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
    if (stmt->job) return select_next(stmt, timeout_ms);
    stmt->has_row = 0;
    if (stmt->cur + 1 < stmt->rows.n) {
        stmt->cur++;
        stmt->has_row = 1;
        stmt->kind = SL_INSERT;
        return SL_ROW;
    }
    stmt->cur = stmt->rows.n;
    return SL_DONE;
}

int sl_step(sl_stmt *stmt)
{
    return sl_step_timeout(stmt, -1);
}

int sl_column_count(sl_stmt *stmt)
{
    return stmt ? stmt->cols.n : 0;
}

const char *sl_column_name(sl_stmt *stmt, int i)
{
    return stmt && i >= 0 && i < stmt->cols.n ? stmt->cols.names[i] : NULL;
}

const char *sl_column_type(sl_stmt *stmt, int i)
{
    if (!stmt || i < 0 || i >= stmt->cols.n) return NULL;
    return stmt->cols.types ? stmt->cols.types[i] : "STRING";
}

const char *sl_column_text(sl_stmt *stmt, int i)
{
    if (!stmt || !stmt->has_row || i < 0 || i >= stmt->cols.n) return NULL;
    if (stmt->cells) return stmt->cells[i];
    return stmt->rows.cells[stmt->cur * stmt->rows.ncol + i];
}

int sl_row_kind(sl_stmt *stmt)
{
    return stmt && stmt->has_row ? stmt->kind : SL_INSERT;
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

/* Offsets of errors are relative to the statement; sl_exec reports them in the script. */
static void shift_error(sl_engine *eng, const char *script, const char *start)
{
    if (eng->err.offset >= 0) eng->err.offset += (int)(start - script);
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
            shift_error(eng, script, start);
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
            shift_error(eng, script, start);
            return rc;
        }
    }
    return SL_OK;
}

int sl_select(sl_engine *eng, const char *sql, sl_change_cb cb, void *ud)
{
    if (!eng || !sql || !cb) return SL_MISUSE;
    sl_stmt *stmt;
    int rc = sl_prepare(eng, sql, -1, &stmt, NULL);
    if (rc) return rc;
    if (!stmt || stmt->ast->kind != SL_STMT_SELECT) {
        int off = stmt ? stmt->ast->offset : 0, len = stmt ? stmt->ast->len : 0;
        sl_finalize(stmt);
        sl_err err = SL_ERR_INIT;
        sl_err_at(&err, SL_MISUSE, off, len, "sl_select runs one SELECT (or VALUES) statement");
        return fail(eng, &err);
    }
    int n = sl_column_count(stmt);
    const char **cells = sl_calloc((size_t)n + 1, sizeof(char *));
    while ((rc = sl_step(stmt)) == SL_ROW) {
        for (int i = 0; i < n; i++) cells[i] = sl_column_text(stmt, i);
        if (cb(ud, sl_row_kind(stmt), n, cells)) {
            rc = SL_DONE; /* the caller has seen enough: finalize stops the job */
            break;
        }
    }
    sl_free(cells);
    sl_finalize(stmt);
    return rc == SL_DONE ? SL_OK : rc;
}
