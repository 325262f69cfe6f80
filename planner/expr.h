/*
** planner/expr.h — binding AST expressions to typed, compiled expressions.
**
** Binding resolves column names against a scope, checks types, inserts implicit casts and
** picks built-in functions. The result (sl_cexpr, planner/plan.h) is plain data in the plan
** arena that runtime/eval.c evaluates; the planner never evaluates anything itself.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PLANNER_EXPR_H
#define SL_PLANNER_EXPR_H

#include "base/err.h"
#include "parser/ast.h"
#include "planner/plan.h"

/* A column visible to an expression. */
typedef struct sl_scope_col {
    const char *name;
    const char *qual;        /* table name or alias it can be qualified with */
    sl_type type;
    int index;               /* position in the input row */
    const sl_expr *computed; /* computed column: its expression is bound in place */
} sl_scope_col;

typedef struct sl_scope {
    int n;
    sl_scope_col *cols;
} sl_scope;

/*
** Bind e over scope into *out (allocated in ar). Errors name the offending part of the SQL
** (unknown column with a suggestion, unknown function, type mismatch) and return SL_SEMANTIC.
*/
int sl_bind(sl_arena *ar, const sl_scope *scope, const sl_expr *e, sl_cexpr **out, sl_err *err);

/* Compiled-expression constructors. */
sl_cexpr *sl_cx_column(sl_arena *ar, int col, const sl_type *type);
sl_cexpr *sl_cx_const(sl_arena *ar, sl_value val, const sl_type *type);
/* e converted to `to`: e itself when the types already agree, else a CAST node. */
sl_cexpr *sl_cx_cast_to(sl_arena *ar, sl_cexpr *e, const sl_type *to);

/* SQL-like rendering of a compiled expression (EXPLAIN), using names for columns. */
void sl_cexpr_render(sl_buf *b, const sl_cexpr *e, const sl_pcol *cols);

#endif
