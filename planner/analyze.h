/*
** planner/analyze.h — from a statement's AST to a plan.
**
** sl_plan_build binds names and types (the grammar did not), builds the operator tree, runs
** the changelog pass (changelog.c) and returns a finished, read-only plan.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PLANNER_ANALYZE_H
#define SL_PLANNER_ANALYZE_H

#include "planner/catalog.h"
#include "planner/plan.h"

/* Session settings that change plans. */
typedef struct sl_plan_config {
    uint8_t sink_not_null_drop; /* table.exec.sink.not-null-enforcer = DROP */
} sl_plan_config;

/*
** Plan an INSERT or a SELECT (ast->kind SL_STMT_INSERT or SL_STMT_SELECT). Borrows everything;
** *out receives the plan (returns owned; free with sl_plan_free). Errors carry the position
** of the offending SQL.
*/
int sl_plan_build(const sl_catalog *cat, const sl_ast *ast, const sl_plan_config *cfg,
                  sl_plan **out, sl_err *err);

/* Decide changelog modes, insert ChangelogNormalize nodes and check the sink (changelog.c). */
int sl_changelog_infer(sl_plan *plan, sl_err *err);

/* EXPLAIN text of a plan, appended to b (explain.c). */
void sl_plan_explain(const sl_plan *plan, const sl_registry *reg, sl_buf *b);

#endif
