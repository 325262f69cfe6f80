/*
** engine/engine_int.h — the engine's internals shared by the engine sources.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_ENGINE_INT_H
#define SL_ENGINE_INT_H

#include <stdatomic.h>

#include "base/err.h"
#include "base/registry.h"
#include "parser/parse.h"
#include "planner/analyze.h"
#include "planner/catalog.h"
#include "runtime/connector.h"
#include "runtime/job.h"

/* One engine setting: SET 'key' = 'value'. */
typedef struct sl_setting {
    const char *key;
    char *value; /* owned; NULL = default */
} sl_setting;

/* One INSERT job the engine ran or runs (jobs.c). */
typedef enum sl_job_status {
    SL_JOB_RUNNING = 0,
    SL_JOB_FINISHED,
    SL_JOB_CANCELED,
    SL_JOB_FAILED
} sl_job_status;

typedef struct sl_job_entry {
    char id[16];
    char *name;      /* owned */
    char *statement; /* owned: the INSERT on one line */
    sl_job *job;     /* NULL once the job ended and was reaped */
    sl_plan *plan;   /* while running; owned unless it is borrowed_plan */
    sl_plan *borrowed_plan; /* a foreground job's plan, owned by its statement */
    int status;      /* sl_job_status */
    int stop_requested;
    uint64_t rows_in, rows_out; /* final counters once reaped */
    char *error;     /* owned; FAILED only */
} sl_job_entry;

struct sl_engine {
    sl_registry reg;
    sl_rt_registry rt;
    sl_catalog cat;
    sl_err err;
    sl_setting *settings; /* one per entry of the settings table (settings.c) */
    atomic_int interrupted;
    _Atomic(atomic_int *) stop_flag; /* the foreground job's, for sl_interrupt */
    sl_job_entry **jobs;             /* every INSERT job, in start order */
    int njobs, capjobs, last_job_id;
};

/* Result rows of a statement that returns text (EXPLAIN, SHOW, DESCRIBE, SET). */
typedef struct sl_rows {
    int ncol;
    int n, cap;
    char **cells; /* n * ncol strings, owned */
} sl_rows;

/* The column names and SQL types of a statement's results (types NULL for text results). */
typedef struct sl_cols {
    int n;
    const char **names; /* static strings, or the plan's names */
    char **types;       /* owned, or NULL */
} sl_cols;

struct sl_stmt {
    sl_engine *eng;
    sl_parser *parser; /* owns the AST */
    sl_ast *ast;
    sl_plan *plan;
    char *text;        /* owned: the statement's SQL text */
    sl_cols cols;
    sl_rows rows;
    int cur; /* index of the current result row, -1 before the first */
    int done;
    int background;    /* INSERT: run as a background job ('table.dml-sync' = 'false') */
    /* SELECT: the running job and its current row (texts NULL for SQL NULL) */
    sl_job *job;
    char **cells;
    int kind;
    int has_row;
};

void sl_engine_register_builtins(sl_registry *reg, sl_rt_registry *rt);

/* settings.c */
void sl_settings_init(sl_engine *eng);
void sl_settings_free(sl_engine *eng);
/* SL_OK when key is a setting, else SL_CONFIG with a suggestion. */
int sl_settings_check_key(const char *key, sl_err *err);
int sl_settings_set(sl_engine *eng, const char *key, const char *value, sl_err *err);
int sl_settings_reset(sl_engine *eng, const char *key, sl_err *err);
const char *sl_settings_get(const sl_engine *eng, const char *key);
int64_t sl_settings_duration_ms(const sl_engine *eng, const char *key);
void sl_settings_list(const sl_engine *eng, sl_rows *rows);
void sl_settings_plan_config(const sl_engine *eng, sl_plan_config *cfg);

/* jobs.c */
int sl_jobs_run_insert(sl_stmt *stmt, int background, sl_err *err);
int sl_jobs_stop(sl_engine *eng, const sl_ast *ast, sl_err *err);
void sl_jobs_show(sl_engine *eng, sl_rows *rows);
void sl_jobs_reap(sl_engine *eng);
/* The id of a running job that reads or writes t, or NULL. */
const char *sl_jobs_using(sl_engine *eng, const sl_tabledef *t);
/* Stop every running job (sources stop, sinks flush), wait for them, free the entries. */
void sl_jobs_close(sl_engine *eng);

/* rows */
void sl_rows_init(sl_rows *r, int ncol);
void sl_rows_add(sl_rows *r, const char *const *cells);
void sl_rows_add_lines(sl_rows *r, const char *text);
void sl_rows_free(sl_rows *r);

#endif
