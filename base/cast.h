/*
** base/cast.h — CAST between SQL types and value comparison (see cast.c).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_CAST_H
#define SL_BASE_CAST_H

#include "base/err.h"
#include "base/value.h"

/*
** Convert v of type `from` to type `to` as CAST does; try_cast = TRY_CAST (a failure gives
** NULL). Memory the result needs comes from ar. Returns SL_OK or SL_DATA.
*/
int sl_cast(const sl_value *v, const sl_type *from, const sl_type *to, int try_cast,
            sl_arena *ar, sl_value *out, sl_err *err);

/* Compare two non-NULL values of one type: <0, 0, >0, or 2 when unordered (NaN). */
int sl_value_compare(const sl_value *a, const sl_value *b);

/* Wrap an integer to the width of an integer type (TINYINT .. BIGINT), as Java does. */
int64_t sl_int_wrap(int64_t v, int type_id);
/* Round unscaled v from scale `from` to scale `to`, half-up (away from zero). */
__int128 sl_decimal_rescale(__int128 v, int from, int to);
/* 1 when |v| has at most `precision` digits. */
int sl_decimal_fits(__int128 v, int precision);
/* A STRING value holding a copy of b's bytes, in ar. */
sl_value sl_string_in(sl_arena *ar, const sl_buf *b);
/* Byte offset of the chars-th character of UTF-8 text z[0..n) (n when beyond the end). */
size_t sl_utf8_offset(const char *z, size_t n, int64_t chars);
/* Number of characters (code points) of UTF-8 text. */
int64_t sl_utf8_count(const char *z, size_t n);

#endif
