/*
** base/numfmt.h — numbers as Java prints them, and decimal text in both directions.
**
** Flink renders DOUBLE/FLOAT with Java's Double.toString/Float.toString (60.0, 1.0E7, 1.0E-4)
** and DECIMAL with BigDecimal.toString (1.10, 1E-8). The digits are the shortest that read
** back to the same binary value, which is what Java 19+ prints.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_NUMFMT_H
#define SL_BASE_NUMFMT_H

#include "base/buf.h"
#include "base/common.h"

/* Java Double.toString(d) / Float.toString(f), appended to b. */
void sl_format_double_java(sl_buf *b, double d);
void sl_format_float_java(sl_buf *b, float f);

/* Java BigDecimal.toString / toPlainString of unscaled * 10^-scale. */
void sl_format_decimal(sl_buf *b, __int128 unscaled, int scale);
void sl_format_decimal_plain(sl_buf *b, __int128 unscaled, int scale);

/*
** Parse decimal text ("-12.5", "1e3", ".5") into an unscaled integer at the given scale,
** rounding half-up (away from zero) as Flink's casts do. Returns 0, -1 when the text is not a
** number, -2 when the result needs more than `precision` digits.
*/
int sl_parse_decimal(const char *text, size_t n, int precision, int scale, __int128 *out);

/* Parse a 64-bit integer (optional sign, digits, surrounding blanks). 0 or -1. */
int sl_parse_int64(const char *text, size_t n, int64_t *out);
/* Parse a double as Java's Double.parseDouble does (also NaN, Infinity). 0 or -1. */
int sl_parse_double(const char *text, size_t n, double *out);

/* 10^n as __int128 for 0 <= n <= 38. */
__int128 sl_pow10_128(int n);

#endif
