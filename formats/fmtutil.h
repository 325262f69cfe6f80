/*
** formats/fmtutil.h — text conversions shared by the json, csv and raw formats.
**
** Flink's text formats read typed columns through Java's parsers (Integer.parseInt,
** Double.parseDouble, new BigDecimal, java.time formatters) and write them through Jackson. The
** helpers here reproduce those grammars exactly, once, so that json.c and csv.c agree with each
** other and with Flink. None of them allocates except where an arena is passed.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_FORMATS_FMTUTIL_H
#define SL_FORMATS_FMTUTIL_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/registry.h"
#include "base/value.h"

/* Java's String.trim(): drop bytes <= ' ' at both ends of [*p, *p + *n). */
void sl_fmt_trim(const char **p, size_t *n);

/*
** Long.parseLong / Integer.parseInt / Short.parseShort / Byte.parseByte on untrimmed text:
** [+-]digits. Returns 0, -1 when the text is not an integer, -2 when it is outside [min, max].
*/
int sl_fmt_parse_java_long(const char *s, size_t n, int64_t min, int64_t max, int64_t *out);

/*
** Double.parseDouble / Float.parseFloat: trims like Java, accepts NaN, Infinity, a trailing
** d/D/f/F, hexadecimal floating point. The result is correctly rounded. 0 or -1.
*/
int sl_fmt_parse_java_double(const char *s, size_t n, double *out);
int sl_fmt_parse_java_float(const char *s, size_t n, float *out);

/* Correctly rounded double / float of a syntactically valid decimal number (JSON grammar). */
double sl_fmt_decimal_to_double(const char *s, size_t n);
float sl_fmt_decimal_to_float(const char *s, size_t n);

/* Boolean.parseBoolean(text.trim()): 1 for "true" in any case, else 0. */
int sl_fmt_parse_java_bool(const char *s, size_t n);

/*
** new BigDecimal(text) then setScale(scale, HALF_UP): returns 0, -1 when the text is not a
** number in BigDecimal's grammar (no blanks), -2 when the rounded value needs more than
** `precision` digits.
*/
int sl_fmt_parse_decimal(const char *s, size_t n, int precision, int scale, __int128 *out);

/*
** Jackson's rendering of a DECIMAL: its default node factory strips trailing zeros
** (60.00 -> 6E+1, 0.00 -> 0), then BigDecimal.toString, or toPlainString when plain.
*/
void sl_fmt_format_decimal_jackson(sl_buf *b, __int128 unscaled, int scale, int plain);

/*
** BigDecimal.toString of a decimal literal given as its digits: neg, digits[0..nd) (any
** leading zeros are ignored), scale. With strip, trailing zeros are removed first.
*/
void sl_fmt_bigdecimal_text(sl_buf *b, int neg, const char *digits, size_t nd, long scale,
                            int strip);

/* ISO_LOCAL_DATE: [+-]yyyy-MM-dd with strict field widths and calendar checks. 0 or -1. */
int sl_fmt_parse_iso_date(const char *s, size_t n, int64_t *days);
/* java.sql.Date.valueOf: yyyy-[m]m-[d]d, exactly four year digits. 0 or -1. */
int sl_fmt_parse_sql_date(const char *s, size_t n, int64_t *days);
/*
** Times: HH:mm[:ss[.fraction]] (ISO_LOCAL_TIME) when need_seconds is 0; HH:mm:ss[.fraction]
** (Flink's SQL_TIME_FORMAT) when it is 1. Fractions have 0 to 9 digits. 0 or -1.
*/
int sl_fmt_parse_time(const char *s, size_t n, int need_seconds, int64_t *nanos_of_day);
/* date <sep> ISO_LOCAL_TIME, followed by a literal 'Z' when zulu. 0 or -1. */
int sl_fmt_parse_timestamp(const char *s, size_t n, char sep, int zulu, int64_t *sec,
                           uint32_t *nanos);

/* Truncate nanos of day / nanos of second to `precision` fractional digits (0..9). */
int64_t sl_fmt_truncate_nanos(int64_t nanos, int precision);

/* Base64 (RFC 4648 alphabet, '=' padding), as Jackson's MIME-NO-LINEFEEDS variant. */
void sl_fmt_base64_encode(sl_buf *b, const void *data, size_t n);
/* Decode; blanks (<= ' ') between quads are skipped, padding is required. 0 or -1. */
int sl_fmt_base64_decode(const char *s, size_t n, sl_arena *ar, const char **out, size_t *outn);

/* Length of the valid UTF-8 sequence at s[0..n) (1..4), or 0 when it is not valid UTF-8. */
size_t sl_fmt_utf8_seq(const unsigned char *s, size_t n);
/* Offset of the first invalid UTF-8 byte in s[0..n), or n when all of it is valid. */
size_t sl_fmt_utf8_check(const char *s, size_t n);

/*
** Append s[0..n) for an error message: printable text as is, control characters as \n, \t,
** \r or \xNN, bytes that are not UTF-8 as \xNN; at most `max` input bytes, then "...".
*/
void sl_fmt_snippet(sl_buf *b, const char *s, size_t n, size_t max);

/* "INT", "DECIMAL(10, 2)", "ARRAY<STRING>" ... into out (truncated to cap). */
void sl_fmt_type_name(char *out, size_t cap, const sl_type *t);

/* The value of format option `name` under the slot's prefix ("value.json." ...), or NULL. */
const char *sl_fmt_opt_get(const sl_format_ctx *ctx, const char *name);
/* A boolean format option, dflt when absent. */
int sl_fmt_opt_flag(const sl_format_ctx *ctx, const char *name, int dflt);
/* "NULL", "BOOLEAN", "STRING" ... for a value tag (sl_vtag), in serialization errors. */
const char *sl_fmt_vtag_name(int tag);

/*
** Append a JSON string literal with Jackson's escaping ("\"", "\\", \b \t \n \f \r, \u00XX).
** Bytes that are not UTF-8 become U+FFFD, so the output is always valid JSON text.
*/
void sl_fmt_json_quote(sl_buf *b, const char *s, size_t n);

/* How a format reads typed values from text, where csv and json differ. */
typedef struct sl_fmt_text_style {
    uint8_t lenient_dates; /* csv: java.sql.Date.valueOf (yyyy-[m]m-[d]d, rolls over); json: ISO */
    uint8_t strict_time;   /* json: LocalTime's strict form; csv: lenient */
    uint8_t trim;          /* csv: blanks around DECIMAL and TIMESTAMP text are ignored */
    char ts_sep;           /* between date and time: ' ' (SQL) or 'T' (ISO-8601) */
} sl_fmt_text_style;

/* Integer range of TINYINT .. BIGINT; 0 for other types. */
int sl_fmt_int_range(int type_id, int64_t *lo, int64_t *hi);

/*
** Convert text s[0..n) to a value of the simple type t (not ARRAY/MAP/ROW). Returns 0, or -1
** with *why set to a static explanation (": out of range", ": expected 'yyyy-MM-dd'") or
** NULL when the text simply is not of the type. Binary values are decoded from base64 into ar.
*/
int sl_fmt_text_value(const sl_type *t, const char *s, size_t n, const sl_fmt_text_style *st,
                      sl_arena *ar, sl_value *out, const char **why);

#endif
