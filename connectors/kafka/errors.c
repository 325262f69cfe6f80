/*
** connectors/kafka/errors.c — what happens to a record that cannot be decoded or written.
**
** The policy uses Kafka Connect's option names, which Kafka users know:
**   errors.tolerance = none (default)  the first bad record fails the job (exit 1), with its
**                                      topic, partition and offset in the message;
**   errors.tolerance = all             the record is skipped: counted as dropped, logged when
**                                      errors.log.enable (its position and error code; the
**                                      message, which quotes the record, only with
**                                      errors.log.include.messages), and copied to the dead-letter topic
**                                      when errors.deadletterqueue.topic.name is set.
** A dead-letter record is the original record: same key, value and headers, plus, with
** errors.deadletterqueue.context.headers.enable, Kafka Connect's __connect.errors.* headers
** (topic, partition, offset, stage, exception message). The DLQ producer is idempotent and is
** flushed before the source commits, so a skipped record is never lost: either it is in the
** dead-letter topic or its offset was not committed.
**
** Threads: a source's reader thread sends bad records while the task thread flushes at a
** checkpoint; a mutex keeps the two (and the callbacks they serve) apart.
**
** SPDX-License-Identifier: MIT
*/
#include <pthread.h>
#include <stdio.h>

#include "base/log.h"
#include "connectors/kafka/kafka.h"

struct sl_kafka_dlq {
    int tolerate;
    int log;
    int log_messages;
    int context;
    const char *topic; /* NULL: no dead-letter topic */
    rd_kafka_t *rk;
    sl_kafka_events ev;
    sl_job_ctx *job;
    const char *table;
    /* delivery failures reported by librdkafka's thread, surfaced at the next call */
    rd_kafka_resp_err_t failed;
    sl_metric *m_dlq; /* sluice_dlq_records_total, when there is a dead-letter topic */
    pthread_mutex_t mu; /* sending and flushing, from different threads */
};

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    SL_UNUSED(rk);
    SL_UNUSED(opaque);
    sl_kafka_dlq *d = m->_private; /* the message's opaque */
    if (m->err && !d->failed) d->failed = m->err;
}

/*
** A tolerated bad record: an error at its stage (receiving for deserialization, sending for
** producing, processing for serialization) and a drop with the stage as reason. Not intentional
** in Vector's sense: the record was dropped because of an error, not by a filter.
*/
static void count_bad_record(sl_kafka_dlq *d, const char *stage)
{
    const char *vstage = strcmp(stage, "deserialization") == 0 ? "receiving"
                         : strcmp(stage, "producing") == 0     ? "sending"
                                                               : "processing";
    const char *el[] = {"job", d->job->name, "stage", vstage, "error_type", stage, NULL};
    const char *dl[] = {"job", d->job->name, "table", d->table, "reason", stage,
                        "intentional", "false", NULL};
    sl_metric *e = sl_metric_get(SL_METRIC_COUNTER, "sluice_errors_total",
                                 "Errors, by stage and type (a failed job counts one).", el);
    sl_metric *dr = sl_metric_get(SL_METRIC_COUNTER, "sluice_records_dropped_total",
                                  "Records dropped, by reason; never silently.", dl);
    sl_metric_add(e, 1);
    sl_metric_add(dr, 1);
    sl_metric_release(e);
    sl_metric_release(dr);
}

int sl_kafka_dlq_open(const sl_tabledef *t, sl_job_ctx *job, sl_kafka_dlq **out, sl_err *err)
{
    sl_kafka_dlq_conf c = {
        .tolerate = sl_strcaseeq(sl_opt_str(&t->opts, "errors.tolerance", "none"), "all"),
        .log = sl_opt_bool(&t->opts, "errors.log.enable", 0),
        .log_messages = sl_opt_bool(&t->opts, "errors.log.include.messages", 0),
        .context = sl_opt_bool(&t->opts, "errors.deadletterqueue.context.headers.enable", 0),
        .topic = sl_optset_get(&t->opts, "errors.deadletterqueue.topic.name"),
        .bootstrap = sl_optset_get(&t->opts, "errors.deadletterqueue.bootstrap.servers"),
    };
    return sl_kafka_dlq_new(&c, t, job, out, err);
}

int sl_kafka_dlq_new(const sl_kafka_dlq_conf *c, const sl_tabledef *t, sl_job_ctx *job,
                     sl_kafka_dlq **out, sl_err *err)
{
    sl_kafka_dlq *d = sl_calloc(1, sizeof *d);
    pthread_mutex_init(&d->mu, NULL);
    d->job = job;
    d->table = t->qualified;
    d->tolerate = c->tolerate;
    d->log = c->log;
    d->log_messages = c->log_messages;
    d->context = c->context;
    d->topic = c->topic;
    if (d->topic) {
        const char *labels[] = {"job", job->name, "table", d->table, NULL};
        d->m_dlq = sl_metric_get(SL_METRIC_COUNTER, "sluice_dlq_records_total",
                                 "Records sent to a dead-letter topic.", labels);
        /* No local size limit: the dead-letter queue must take any record the table could
        ** read or tried to write; only the broker's own limit applies. */
        const char *overrides[] = {"enable.idempotence", "true", "acks", "all",
                                   "partitioner", "murmur2_random",
                                   "message.max.bytes", "1000000000", NULL};
        rd_kafka_conf_t *conf =
            sl_kafka_conf(t, SL_KAFKA_PRODUCER, overrides, c->bootstrap, &d->ev, err);
        if (!conf) {
            sl_kafka_dlq_free(d);
            return err->code;
        }
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        char errstr[512];
        d->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
        if (!d->rk) {
            rd_kafka_conf_destroy(conf);
            sl_kafka_dlq_free(d);
            return sl_err_set(err, SL_CONNECTOR,
                              "cannot create the dead-letter queue producer: %s", errstr);
        }
    }
    *out = d;
    return SL_OK;
}

static void add_header(rd_kafka_headers_t *h, const char *name, const char *fmt, ...)
    SL_PRINTF(3, 4);
static void add_header(rd_kafka_headers_t *h, const char *name, const char *fmt, ...)
{
    char v[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    rd_kafka_header_add(h, name, -1, v, n < (int)sizeof v ? n : (int)sizeof v - 1);
}

static int dlq_handle(sl_kafka_dlq *d, const sl_origin *orig, rd_kafka_headers_t *hdrs,
                      const char *stage, sl_err *err)
{
    if (!d->tolerate) {
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        return err->code;
    }
    atomic_fetch_add(&d->job->dropped, 1);
    count_bad_record(d, stage);
    if (d->log) {
        /* Error messages quote the record (Flink's "Failed to deserialize JSON '...'"), so they
        ** are logged only with errors.log.include.messages, as Kafka Connect does. */
        const char *why = d->log_messages ? err->msg : sl_rc_name(err->code);
        if (orig && orig->topic)
            sl_log(SL_LOG_WARN, "kafka",
                   "%s: skipped a record at %s (topic '%s', partition %d, offset %lld): %s",
                   d->table, stage, orig->topic, (int)orig->partition, (long long)orig->offset,
                   why);
        else
            sl_log(SL_LOG_WARN, "kafka", "%s: skipped a row at %s: %s", d->table, stage, why);
    }
    if (!d->topic) {
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        sl_err_clear(err);
        return SL_OK;
    }
    if (!hdrs) hdrs = rd_kafka_headers_new(8);
    if (d->context) {
        if (orig && orig->topic) {
            add_header(hdrs, "__connect.errors.topic", "%s", orig->topic);
            add_header(hdrs, "__connect.errors.partition", "%d", (int)orig->partition);
            add_header(hdrs, "__connect.errors.offset", "%lld", (long long)orig->offset);
        }
        add_header(hdrs, "__connect.errors.connector.name", "%s", d->table);
        add_header(hdrs, "__connect.errors.stage", "%s", stage);
        add_header(hdrs, "__connect.errors.exception.message", "%s", err->msg);
    }
    rd_kafka_resp_err_t e;
    int64_t ts = orig && orig->timestamp >= 0 ? orig->timestamp : 0;
    for (;;) {
        e = rd_kafka_producev(d->rk, RD_KAFKA_V_TOPIC(d->topic),
                              RD_KAFKA_V_KEY(orig ? orig->key : NULL, orig ? orig->klen : 0),
                              RD_KAFKA_V_VALUE(orig ? (void *)orig->value : NULL,
                                               orig ? orig->vlen : 0),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(ts),
                              RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(d), RD_KAFKA_V_END);
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        rd_kafka_poll(d->rk, 100);
    }
    if (e) {
        rd_kafka_headers_destroy(hdrs);
        sl_err_clear(err);
        return sl_kafka_error(err, SL_CONNECTOR, e, "cannot send a record to dead-letter topic '%s'",
                              d->topic);
    }
    rd_kafka_poll(d->rk, 0);
    sl_metric_add(d->m_dlq, 1);
    sl_err_clear(err);
    return SL_OK;
}

int sl_kafka_dlq_handle(sl_kafka_dlq *d, const sl_origin *orig, rd_kafka_headers_t *hdrs,
                        const char *stage, sl_err *err)
{
    pthread_mutex_lock(&d->mu);
    int rc = dlq_handle(d, orig, hdrs, stage, err);
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static int dlq_flush(sl_kafka_dlq *d, sl_err *err)
{
    rd_kafka_resp_err_t e = rd_kafka_flush(d->rk, 60000);
    if (sl_kafka_events_check(&d->ev, "the dead-letter queue's cluster", err)) return err->code;
    if (e)
        return sl_kafka_error(err, SL_CONNECTOR, e, "dead-letter topic '%s' did not acknowledge",
                              d->topic);
    if (d->failed)
        return sl_kafka_error(err, SL_CONNECTOR, d->failed,
                              "writing to dead-letter topic '%s' failed", d->topic);
    return SL_OK;
}

int sl_kafka_dlq_flush(sl_kafka_dlq *d, sl_err *err)
{
    if (!d || !d->rk) return SL_OK;
    pthread_mutex_lock(&d->mu);
    int rc = dlq_flush(d, err);
    pthread_mutex_unlock(&d->mu);
    return rc;
}

void sl_kafka_dlq_free(sl_kafka_dlq *d)
{
    if (!d) return;
    if (d->rk) {
        rd_kafka_flush(d->rk, 10000);
        rd_kafka_destroy(d->rk);
    }
    sl_metric_release(d->m_dlq);
    pthread_mutex_destroy(&d->mu);
    sl_free(d);
}
