/*
** base/duration.h — Flink's duration strings ('10 ms', '1 min', '2h', '500').
**
** The grammar is Flink's TimeUtils.parseDuration: optional blanks, one non-negative integer,
** optional blanks, an optional unit label (case-insensitive), optional blanks. No unit means
** milliseconds. Labels: d day days | h hour hours | min minute minutes | s sec secs second
** seconds | ms milli millis millisecond milliseconds | µs micro micros microsecond
** microseconds | ns nano nanos nanosecond nanoseconds.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_DURATION_H
#define SL_BASE_DURATION_H

#include "base/err.h"

/*
** Parse text into nanoseconds. Returns SL_OK, or SL_CONFIG with Flink's message (for an
** unknown label: "Time interval unit label 'm' does not match any of the recognized units:
** DAYS: (d | day | days), ...").
*/
int sl_duration_parse(const char *text, int64_t *out_ns, sl_err *err);

/* Render a duration the way Flink prints one ("10 ms", "1 min", "0 ms"). */
void sl_duration_render(char *out, size_t n, int64_t ns);

#endif
