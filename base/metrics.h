/*
** base/metrics.h — the process's metrics registry (Prometheus text exposition), readiness
** probes of connectors, and liveness heartbeats of job loops.
**
** Any layer records into it through small calls; the engine exposes it through the public API
** (sl_metrics_text, sl_readiness, sl_heartbeat_age_ms) and the CLI serves it over HTTP. Names and
** labels follow docs/metrics.md (spec ux-conventions 4.3): counters end in _total and never
** decrease, labels are bounded (job, table, connector, op, reason, stage, error_type, topic,
** partition).
**
** A series is found or created by name and labels and stays at the same address: hot paths keep
** the pointer and update it with one atomic operation, no lock. Counter series live until the
** process ends, so a job that runs again in the same process continues its counts. Gauges and
** histograms are reference counted: sl_metric_release drops a gauge (a partition no longer
** read) when its last user lets go.
**
** Every function here is thread-safe.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_METRICS_H
#define SL_BASE_METRICS_H

#include "base/buf.h"
#include "base/common.h"

typedef enum sl_metric_type {
    SL_METRIC_COUNTER = 0,
    SL_METRIC_GAUGE,
    SL_METRIC_HISTOGRAM /* seconds; buckets from 1 ms to 60 s */
} sl_metric_type;

typedef struct sl_metric sl_metric;

/*
** The series name{labels}: labels holds name, value pairs ending with a NULL name (or is
** NULL). help describes the family (the first caller's text is kept). A name already
** registered with another type is a bug (asserted). Returns a series the caller may update
** until it calls sl_metric_release.
*/
sl_metric *sl_metric_get(sl_metric_type type, const char *name, const char *help,
                         const char *const *labels);
/* Let go of a series (NULL is a no-op): a gauge or histogram no one holds any more disappears
** from the output; a counter stays. */
void sl_metric_release(sl_metric *m);

void sl_metric_add(sl_metric *m, uint64_t n); /* counters */
void sl_metric_set(sl_metric *m, double v);   /* gauges */
void sl_metric_observe(sl_metric *m, double seconds); /* histograms */

/* The registry in the Prometheus text format 0.0.4, appended to out, secrets masked. */
void sl_metrics_render(sl_buf *out);

/* ---- readiness ------------------------------------------------------------------------- */

typedef struct sl_probe sl_probe;

/*
** A connector instance of a running job, for /readyz: created not connected. The strings are
** copied. Returns owned (sl_probe_remove).
*/
sl_probe *sl_probe_add(const char *job, const char *table, const char *connector,
                       const char *role);
/* Connected or not, with an optional short reason (copied; NULL clears it). NULL p: no-op. */
void sl_probe_set(sl_probe *p, int connected, const char *reason);
void sl_probe_remove(sl_probe *p);

/*
** 1 when at least one probe exists and every probe is connected, else 0. json, when not NULL,
** receives {"ready":...,"connectors":[{"job","table","connector","role","connected"
** [,"reason"]}...]}.
*/
int sl_probes_ready(sl_buf *json);

/* ---- liveness -------------------------------------------------------------------------- */

typedef struct sl_loop sl_loop;

/* A job's task loop: registered when it starts, beats every iteration, removed at its end. */
sl_loop *sl_loop_add(void);
void sl_loop_beat(sl_loop *l);
void sl_loop_remove(sl_loop *l);
/* Milliseconds since the least recent beat of the running loops; 0 when none runs. */
int64_t sl_loops_age_ms(void);

#endif
