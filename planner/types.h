/*
** planner/types.h — relations between SQL types: implicit and explicit casts, common types,
** and the result types of arithmetic, following Flink's LogicalTypeCasts and Calcite's rules.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PLANNER_TYPES_H
#define SL_PLANNER_TYPES_H

#include "base/value.h"

/* 1 when a value of `from` may be stored where `to` is expected without an explicit CAST
** (INSERT column types, function arguments): same type family or a widening. */
int sl_type_implicit_cast(const sl_type *from, const sl_type *to);

/* 1 when CAST(x AS to) is allowed for x of type from. */
int sl_type_explicit_cast(const sl_type *from, const sl_type *to);

/* The least restrictive type of a and b into *out (nullable if either is). 0, or -1 when the
** types have no common type. */
int sl_type_common(const sl_type *a, const sl_type *b, sl_type *out);

/* Result type of a binary arithmetic operator (sl_op) over numeric a and b; -1 if invalid. */
int sl_type_arith(int op, const sl_type *a, const sl_type *b, sl_type *out);

/* The DECIMAL type that holds every value of an integer or decimal type. */
sl_type sl_type_as_decimal(const sl_type *t);

/* 1 when a and b can be compared with = < ... (after coercion to their common type). */
int sl_type_comparable(const sl_type *a, const sl_type *b);

/* Type as text for messages, e.g. "DECIMAL(4, 2) NOT NULL", into a static-free buffer. */
const char *sl_type_str(const sl_type *t, char *buf, size_t n);

#endif
