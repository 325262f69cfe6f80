/*
** runtime/eval.h — evaluating compiled expressions against rows.
**
** The planner compiles expressions to sl_cexpr trees (planner/plan.h); this is their
** interpreter. Values produced here that need memory (strings from UPPER, CAST to STRING,
** decimals wider than 64 bits) are allocated in the arena the caller passes, normally the
** output batch's, so they live exactly as long as the rows that hold them.
**
** Semantics follow Flink SQL: three-valued logic, NULL in gives NULL out (except IS, COALESCE,
** CONCAT_WS, CASE, IF), integer overflow wraps, DECIMAL overflow gives NULL, division by zero
** of exact numbers is an error, an invalid CAST is an error (TRY_CAST gives NULL).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_RUNTIME_EVAL_H
#define SL_RUNTIME_EVAL_H

#include "base/err.h"
#include "planner/plan.h"

/* Evaluate e over row into *out. Returns SL_OK or SL_DATA (err says why). */
int sl_eval(const sl_cexpr *e, const sl_row *row, sl_arena *ar, sl_value *out, sl_err *err);

/* Evaluate a filter: *pass = 1 when it is TRUE (FALSE and NULL reject). */
int sl_eval_filter(const sl_cexpr *e, const sl_row *row, sl_arena *ar, int *pass, sl_err *err);

#endif
