/*
** runtime/connector.h — what the runtime asks of a connector implementation.
**
** The runtime is the only layer that calls connector code, and it does so through these
** tables, registered by the engine at start-up: connectors include this header, the runtime
** never includes a connector's. The planner sees connectors only through their descriptors
** (base/registry.h).
**
** Threads: a source or sink instance is used by one task thread at a time. Callbacks a
** library makes on its own threads (librdkafka delivery reports, curl completions), and threads
** an instance runs itself (the Kafka source's reader), must not call back into operators; they
** record results that the instance reports from its next poll/write/flush call.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_RUNTIME_CONNECTOR_H
#define SL_RUNTIME_CONNECTOR_H

#include <stdatomic.h>

#include "base/err.h"
#include "base/metrics.h"
#include "base/registry.h"
#include "runtime/batch.h"

/* Shared by all operators of a job: counters and the stop request. */
typedef struct sl_job_ctx {
    atomic_int stop;        /* 1: sources should stop reading (SIGINT, SIGTERM, STOP JOB) */
    const char *name;       /* job name, for logs */
    atomic_ullong rows_in;  /* rows read by sources */
    atomic_ullong rows_out; /* rows written by sinks */
    atomic_ullong dropped;  /* rows dropped on purpose (policies), never silently */
} sl_job_ctx;

/* ---- sources -------------------------------------------------------------------------- */

typedef struct sl_source sl_source;

typedef struct sl_source_ctx {
    const sl_tabledef *table;
    const sl_registry *reg;
    const uint8_t *needed; /* needed[i]: produce column i; others may stay NULL */
    sl_job_ctx *job;
    /* The instance's readiness probe (/readyz). The job marks it connected once open returned;
    ** a connector that can tell when it loses its connection updates it (sl_probe_set). */
    sl_probe *probe;
} sl_source_ctx;

typedef struct sl_source_vt {
    /*
    ** Append up to max rows (with table->schema.ncol columns each, computed columns left
    ** NULL) to out, waiting at most timeout_ms for the first one. Returns SL_OK (possibly with
    ** no rows), SL_DONE when a bounded source has nothing more (out may still have received
    ** rows), or an error. Rows and the memory they point to stay valid until the next poll or
    ** close.
    */
    int (*poll)(sl_source *src, sl_batch *out, int max, int timeout_ms, sl_err *err);
    /* Everything polled so far has been handled and flushed by the sinks: record progress
    ** (commit offsets). May be NULL. */
    int (*commit)(sl_source *src, sl_err *err);
    void (*close)(sl_source *src);
} sl_source_vt;

struct sl_source {
    const sl_source_vt *vt;
};

/* ---- sinks ---------------------------------------------------------------------------- */

typedef struct sl_sink sl_sink;

typedef struct sl_sink_ctx {
    const sl_tabledef *table;
    const sl_registry *reg;
    int ncol;          /* columns of the rows written: the table's insert schema */
    const int *tcol;   /* tcol[i]: the table column of row column i */
    uint8_t upsert;    /* the planner decided this sink writes by primary key */
    sl_job_ctx *job;
    /* The job's source. A sink may look at it only through its own connector's functions
    ** (a transactional Kafka sink commits the source's Kafka offsets in its transaction). */
    sl_source *source;
    sl_probe *probe; /* as in sl_source_ctx */
} sl_sink_ctx;

typedef struct sl_sink_vt {
    /* Write the rows of b (borrowed). Anything kept past the call must be copied/encoded. */
    int (*write)(sl_sink *sink, const sl_batch *b, sl_err *err);
    /*
    ** Make every row written so far durable (flushed, acknowledged, committed). Called at every
    ** checkpoint and at the end of the job; the source commits its progress only after every
    ** sink's flush succeeded.
    */
    int (*flush)(sl_sink *sink, sl_err *err);
    /* Called at least every 100 ms with the monotonic clock, data or not, for time-based
    ** work (interval flushes). May be NULL. */
    int (*tick)(sl_sink *sink, int64_t now_ms, sl_err *err);
    void (*close)(sl_sink *sink);
} sl_sink_vt;

struct sl_sink {
    const sl_sink_vt *vt;
};

/* ---- registration --------------------------------------------------------------------- */

typedef struct sl_rt_connector {
    const char *name; /* the descriptor's name */
    /* Each returns SL_OK with *out set, or an error (then *out is not set). */
    int (*source_open)(const sl_source_ctx *ctx, sl_source **out, sl_err *err);
    int (*sink_open)(const sl_sink_ctx *ctx, sl_sink **out, sl_err *err);
} sl_rt_connector;

typedef struct sl_rt_registry {
    const sl_rt_connector *items[SL_REGISTRY_MAX];
    int n;
} sl_rt_registry;

void sl_rt_register(sl_rt_registry *rt, const sl_rt_connector *c);
const sl_rt_connector *sl_rt_find(const sl_rt_registry *rt, const char *name);

#endif
