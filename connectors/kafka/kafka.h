/*
** connectors/kafka/kafka.h — the Kafka connectors ('kafka' and 'upsert-kafka'): descriptors
** for the planner, runtime implementations over librdkafka, and what their files share.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CONNECTORS_KAFKA_H
#define SL_CONNECTORS_KAFKA_H

#include <librdkafka/rdkafka.h>

#include "connectors/kafka/props.h"
#include "runtime/connector.h"

extern const sl_connector_desc sl_conn_kafka;
extern const sl_connector_desc sl_conn_upsert_kafka;
extern const sl_rt_connector sl_rt_kafka;
extern const sl_rt_connector sl_rt_upsert_kafka;

/* ---- metadata columns (spec 5.5) ------------------------------------------------------ */

typedef enum sl_kafka_meta {
    SL_KMETA_NONE = 0,
    SL_KMETA_TOPIC,
    SL_KMETA_PARTITION,
    SL_KMETA_HEADERS,
    SL_KMETA_LEADER_EPOCH,
    SL_KMETA_OFFSET,
    SL_KMETA_TIMESTAMP,
    SL_KMETA_TIMESTAMP_TYPE
} sl_kafka_meta;

/* The metadata key of a column's 'METADATA FROM' name; SL_KMETA_NONE when unknown. */
int sl_kafka_meta_of(const char *key);
/* The type librdkafka's value has, before any cast to the column's declared type. */
const sl_type *sl_kafka_meta_type(int meta);

/* ---- how a table maps onto records (spec 5.2) --------------------------------------- */

typedef struct sl_kafka_layout {
    int upsert;  /* upsert-kafka: the key is the PRIMARY KEY */
    int nkey, nvalue;
    int *key;   /* table columns of the key format's fields, in key order */
    int *value; /* table columns of the value format's fields, in table order */
    int *meta;  /* per table column: sl_kafka_meta, or SL_KMETA_NONE */
    const char *key_prefix;  /* key.fields-prefix, or NULL */
    const char *key_slot;    /* "key.format", or NULL when the record key is not decoded */
    const char *value_slot;  /* "value.format" or "format" */
} sl_kafka_layout;

/* Compute the layout of table t (upsert selects the PRIMARY KEY as key). In ar. */
void sl_kafka_layout_build(sl_arena *ar, const sl_tabledef *t, int upsert, sl_kafka_layout *out);

/* ---- topics ---------------------------------------------------------------------------- */

/* The topics of 'topic' ("a;b;c"), in ar; count in *n. */
const char **sl_kafka_topics(sl_arena *ar, const sl_tabledef *t, int *n);

/*
** Parse 'partition:0,offset:42;partition:1,offset:300'. Returns 0 with arrays in ar, or -1
** when the text is not of that form.
*/
int sl_kafka_parse_offsets(sl_arena *ar, const char *text, int **parts, int64_t **offsets,
                           int *n);

/* ---- clients --------------------------------------------------------------------------- */

#define SL_KAFKA_CONNECT_TIMEOUT_MS 30000

/* Errors librdkafka reports through its error callback (client.c), recorded for the owner. */
typedef struct sl_kafka_obs sl_kafka_obs;

typedef struct sl_kafka_events {
    rd_kafka_resp_err_t terminal;  /* first error retrying will not cure (authentication...) */
    rd_kafka_resp_err_t last_code; /* the latest error of any kind */
    char last[512];                /* its text */
    int fatal;                     /* librdkafka raised a fatal error: the client is unusable */
    sl_kafka_obs *obs;             /* metrics and readiness (sl_kafka_observe), or NULL */
} sl_kafka_events;

/*
** Observe a client: librdkafka statistics every second become metrics (consumer lag per
** partition, producer queue length) and its broker connections the readiness probe (connected
** while at least one broker connection is up). Call after sl_kafka_conf with the same ev and
** before rd_kafka_new; role is SL_KAFKA_CONSUMER or SL_KAFKA_PRODUCER. probe may be NULL.
*/
int sl_kafka_observe(sl_kafka_events *ev, rd_kafka_conf_t *conf, int role, const char *job,
                     const char *table, sl_probe *probe, sl_err *err);
/* Release what sl_kafka_observe set up; after rd_kafka_destroy. NULL-safe, idempotent. */
void sl_kafka_events_free(sl_kafka_events *ev);

/*
** A librdkafka configuration for table t and a client of `role` (SL_KAFKA_CONSUMER or
** SL_KAFKA_PRODUCER, props.h): the table's properties.* translated from the Java client's names
** and values, then the connector's own settings (pairs, NULL-ended), which win. bootstrap
** overrides the table's servers when not NULL (the dead-letter queue's own cluster). ev, when
** not NULL, receives the client's errors (it must outlive the client; it becomes the client's
** opaque). Returns owned conf (rd_kafka_conf_destroy) or NULL with err naming the option;
** secrets never appear in the message.
*/
rd_kafka_conf_t *sl_kafka_conf(const sl_tabledef *t, int role, const char *const *overrides,
                               const char *bootstrap, sl_kafka_events *ev, sl_err *err);

/* SL_CONNECTOR with the recorded reason when ev holds a terminal error (SL_INTERNAL when it
** was a librdkafka fatal error: the client cannot go on), else SL_OK. */
int sl_kafka_events_check(const sl_kafka_events *ev, const char *what, sl_err *err);

/*
** The cluster's metadata (all topics) in *md (rd_kafka_metadata_destroy), waiting up to
** SL_KAFKA_CONNECT_TIMEOUT_MS for the cluster, but failing at once when the client reports an
** error retrying will not cure (a failed authentication names its cause).
*/
int sl_kafka_wait_metadata(rd_kafka_t *rk, sl_kafka_events *ev, const char *servers,
                           const struct rd_kafka_metadata **md, sl_err *err);

/* Record a librdkafka error code in err: "<what>: <text> (<name>)", origin "kafka". */
int sl_kafka_error(sl_err *err, int code, rd_kafka_resp_err_t e, const char *fmt, ...)
    SL_PRINTF(4, 5);

/* ---- bad records (connectors/kafka/errors.c) ----------------------------------------- */

/*
** The per-table policy for records that cannot be decoded or written, with Kafka Connect's
** option names: errors.tolerance (none | all), errors.log.enable,
** errors.deadletterqueue.topic.name, errors.deadletterqueue.bootstrap.servers,
** errors.deadletterqueue.context.headers.enable.
*/
typedef struct sl_kafka_dlq sl_kafka_dlq;

/* Build the policy of table t from its errors.* options (returns owned; free with
** sl_kafka_dlq_free). */
int sl_kafka_dlq_open(const sl_tabledef *t, sl_job_ctx *job, sl_kafka_dlq **out, sl_err *err);

/* The same policy spelled out, for connectors with their own option names (maxcompute's
** runtime.error.topic.*). t supplies the table name and any properties.* for the producer;
** bootstrap NULL means the table's properties.bootstrap.servers. Borrows c's strings, which
** must outlive the policy. */
typedef struct sl_kafka_dlq_conf {
    int tolerate;       /* skip bad records instead of failing */
    int log;            /* log each skipped record */
    int log_messages;   /* ... with the error message, which may quote the record */
    int context;        /* add __connect.errors.* headers */
    const char *topic;  /* dead-letter topic, or NULL */
    const char *bootstrap;
} sl_kafka_dlq_conf;
int sl_kafka_dlq_new(const sl_kafka_dlq_conf *c, const sl_tabledef *t, sl_job_ctx *job,
                     sl_kafka_dlq **out, sl_err *err);

/*
** A record failed at `stage` ("deserialization", "serialization", "producing"): with
** tolerance none, return the error (err already holds it); with all, count it, log it if asked,
** send the original key/value/headers to the dead-letter topic if one is configured, and
** return SL_OK so the job goes on.
*/
int sl_kafka_dlq_handle(sl_kafka_dlq *d, const sl_origin *orig, rd_kafka_headers_t *hdrs,
                        const char *stage, sl_err *err);

/* Wait for every dead-letter record to be acknowledged. */
int sl_kafka_dlq_flush(sl_kafka_dlq *d, sl_err *err);
void sl_kafka_dlq_free(sl_kafka_dlq *d);

/* ---- sinks (sink.c) ---------------------------------------------------------------- */

int sl_kafka_sink_open(const sl_sink_ctx *ctx, sl_sink **out, sl_err *err);
int sl_upsert_kafka_sink_open(const sl_sink_ctx *ctx, sl_sink **out, sl_err *err);

/* ---- source internals a sink may use (exactly-once) ---------------------------------- */

/*
** When src is a Kafka source with a consumer group, the offsets it has read up to (the next
** offset per partition) and its group metadata, for a transactional producer to commit in
** its transaction. Returns 1 and owned objects, or 0 when src is not such a source.
*/
int sl_kafka_source_txn_offsets(sl_source *src, rd_kafka_topic_partition_list_t **offsets,
                                rd_kafka_consumer_group_metadata_t **group);

#endif
