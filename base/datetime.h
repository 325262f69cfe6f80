/*
** base/datetime.h — calendar arithmetic, and parsing/formatting of dates, times, timestamps.
**
** All arithmetic is proleptic Gregorian in UTC, without a time-zone database: TIMESTAMP
** values are wall-clock values stored as if they were UTC, TIMESTAMP_LTZ values are instants.
** Formats follow Java's toString of LocalDate, LocalTime, LocalDateTime and Instant (what
** Flink's print sink shows), and Flink's SQL text forms ('2020-03-08 13:12:11.12').
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_DATETIME_H
#define SL_BASE_DATETIME_H

#include "base/buf.h"
#include "base/common.h"

#define SL_NANOS_PER_DAY INT64_C(86400000000000)

/* Days since 1970-01-01 of a civil date, and back. */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d);
void sl_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Floor division and modulo for negative epoch values; no overflow for any a (b > 0). */
static inline int64_t sl_floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b, r = a % b;
    return r != 0 && ((r < 0) != (b < 0)) ? q - 1 : q;
}
static inline int64_t sl_floormod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

/*
** Parsers. Each consumes the whole of text[0..n) (surrounding blanks allowed) and returns 0, or
** -1 when the text is not of the form. Accepted:
**   date       yyyy-M-d
**   time       H:m[:s[.fraction]]
**   timestamp  date [(' ' | 'T') time] ['Z']   (a missing time is midnight)
** Fractions have 1 to 9 digits.
*/
int sl_parse_date(const char *text, size_t n, int64_t *days);
int sl_parse_time(const char *text, size_t n, int64_t *nanos_of_day);
int sl_parse_timestamp(const char *text, size_t n, int64_t *epoch_sec, uint32_t *nanos);

/* Java LocalDate.toString: 2020-11-05 (years beyond 9999 get '+', as Java does). */
void sl_format_date(sl_buf *b, int64_t days);
/* Java LocalTime.toString: 12:22, 12:22:35, 12:22:35.120, 12:22:35.000001 ... */
void sl_format_time_java(sl_buf *b, int64_t nanos_of_day);
/* Java LocalDateTime.toString: 2020-11-05T12:22:35 (seconds omitted when zero, as Java). */
void sl_format_timestamp_java(sl_buf *b, int64_t sec, uint32_t nanos);
/* Java Instant.toString: 2021-03-30T15:00:00Z, 2021-03-30T15:00:00.123Z. */
void sl_format_instant_java(sl_buf *b, int64_t sec, uint32_t nanos);
/*
** SQL text form: 2020-03-08 13:12:11[.fraction] with sep between date and time (' ' or 'T').
** trim: fraction with trailing zeros removed (Flink JSON/CSV); otherwise exactly `precision`
** fraction digits (CAST to STRING).
*/
void sl_format_timestamp_sql(sl_buf *b, int64_t sec, uint32_t nanos, char sep, int trim,
                             int precision);
/* HH:mm:ss[.fraction] with the same trim/precision rule. */
void sl_format_time_sql(sl_buf *b, int64_t nanos_of_day, int trim, int precision);

#endif
