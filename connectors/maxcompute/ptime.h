/*
** connectors/maxcompute/ptime.h — time zones and the partition value of a write batch.
**
** The Kafka connector names its partition after the processing time (spec 5.3): the wall clock at
** the start of a batch, in the `time_zone` option's zone, formatted per `partition_window_type`
** and `use_new_partition_format`. DATETIME and TIMESTAMP text in CSV/FLATTEN records is read in
** the same zone. The Java connector's default zone is the JVM's; sluice's is UTC, so that a job
** writes the same partitions on every machine.
**
** Zones are IANA names read once, at start-up, from the compiled tzdata files
** ($TZDIR or /usr/share/zoneinfo, RFC 8536 TZif v1-v4 including the POSIX-TZ footer for instants
** past the last transition), or fixed offsets in java.time.ZoneId's spellings ("Z", "UTC", "GMT",
** "+08:00", "-0530", "+8", "UTC+8", "GMT-03:30"). After loading, every function here is pure.
**
** Local time to instant follows java.time.ZonedDateTime.ofLocal: in an overlap (clocks turned
** back) the earlier offset wins; in a gap (clocks turned forward) the local time is moved forward
** by the length of the gap (02:30 on a spring-forward day at 02:00 becomes 03:30).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_PTIME_H
#define SL_MC_PTIME_H

#include "base/buf.h"
#include "base/err.h"

typedef struct sl_mc_tz sl_mc_tz;

/*
** Load the zone `name` (borrowed). *out receives an owned zone; free it with sl_mc_tz_free.
** SL_DATA with a clear message for a malformed name, an unknown zone, a file that is not TZif,
** or a leap-second ("right/") zone.
*/
int sl_mc_tz_load(const char *name, sl_mc_tz **out, sl_err *err);
void sl_mc_tz_free(sl_mc_tz *tz);
/* The name the zone was loaded under. */
const char *sl_mc_tz_name(const sl_mc_tz *tz);

/* UTC offset in seconds (local = UTC + offset) in force at the instant epoch_sec. */
int32_t sl_mc_tz_offset(const sl_mc_tz *tz, int64_t epoch_sec);
/* Epoch seconds of the local wall-clock time local_sec (seconds since 1970-01-01T00:00 local),
** with java.time's rules for gaps and overlaps (see above). */
int64_t sl_mc_tz_from_local(const sl_mc_tz *tz, int64_t local_sec);

/* ---- partition values ---------------------------------------------------------------------- */

typedef enum sl_mc_window {
    SL_MC_WINDOW_DAY = 0,
    SL_MC_WINDOW_HOUR,
    SL_MC_WINDOW_MINUTE
} sl_mc_window;

/* `partition_window_type`: DAY, HOUR or MINUTE, any case. SL_DATA naming the choices. */
int sl_mc_window_parse(const char *s, int *out, sl_err *err);

/*
** Append the partition value for processing time epoch_ms in zone tz:
**   window   new_format = 0       new_format = 1
**   DAY      07-13-2023           2023-07-13
**   HOUR     07-13-2023 21        2023-07-13 21
**   MINUTE   07-13-2023 21:13     2023-07-13 21:13
*/
void sl_mc_pt_value(sl_buf *b, int64_t epoch_ms, int window, int new_format, const sl_mc_tz *tz);

/*
** Append a partition spec for columns names[0..n) with values vals[0..n) (lengths lens): the
** REST form (quoted = 1) `pt='07-13-2023 21'`, or the Tunnel form (quoted = 0)
** `pt=07-13-2023 21`; several columns are joined with ','. SL_DATA when a value is empty, longer
** than 255 bytes, or holds a character that would break the spec (' " , = / \ or a control
** character); b is left unchanged then.
*/
int sl_mc_partition_spec(sl_buf *b, const char *const *names, const char *const *vals,
                         const size_t *lens, int n, int quoted, sl_err *err);

#endif
