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

struct sl_engine {
    sl_registry reg;
    sl_rt_registry rt;
    sl_catalog cat;
    sl_err err;
    sl_setting *settings; /* one per entry of the settings table (settings.c) */
    atomic_int interrupted;
    _Atomic(atomic_int *) stop_flag; /* the running job's, for sl_interrupt */
};

/* Result rows of a statement that returns text (EXPLAIN, SHOW, DESCRIBE, SET). */
typedef struct sl_rows {
    int ncol;
    int n, cap;
    char **cells; /* n * ncol strings, owned */
} sl_rows;

struct sl_stmt {
    sl_engine *eng;
    sl_parser *parser; /* owns the AST */
    sl_ast *ast;
    sl_plan *plan;
    sl_rows rows;
    int cur; /* index of the current result row, -1 before the first */
    int done;
};

void sl_engine_register_builtins(sl_registry *reg, sl_rt_registry *rt);

/* settings.c */
void sl_settings_init(sl_engine *eng);
void sl_settings_free(sl_engine *eng);
int sl_settings_set(sl_engine *eng, const char *key, const char *value, sl_err *err);
int sl_settings_reset(sl_engine *eng, const char *key, sl_err *err);
const char *sl_settings_get(const sl_engine *eng, const char *key);
int64_t sl_settings_duration_ms(const sl_engine *eng, const char *key);
void sl_settings_list(const sl_engine *eng, sl_rows *rows);
void sl_settings_plan_config(const sl_engine *eng, sl_plan_config *cfg);

/* rows */
void sl_rows_init(sl_rows *r, int ncol);
void sl_rows_add(sl_rows *r, const char *const *cells);
void sl_rows_add_lines(sl_rows *r, const char *text);
void sl_rows_free(sl_rows *r);

#endif
