/*
** base/valuefmt.h — values as text.
**
** SL_STYLE_JAVA   what Flink's print sink shows: Java toString of the external object
**                 (Double.toString, LocalDateTime.toString, byte[] as [1, -2], null as null).
** SL_STYLE_SQL    CAST(x AS STRING): SQL literal forms without quotes (2020-03-08 13:12:11.120,
**                 TRUE -> true, bytes as text). Timestamps carry the type's precision.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_VALUEFMT_H
#define SL_BASE_VALUEFMT_H

#include "base/value.h"

typedef enum sl_style {
    SL_STYLE_JAVA = 0,
    SL_STYLE_SQL
} sl_style;

/* Append the text of v, whose logical type is t, to b. NULL renders as "null" (JAVA) or
** "NULL" (SQL). */
void sl_value_format(sl_buf *b, const sl_value *v, const sl_type *t, sl_style style);

#endif
