/*
** connectors/kafka/sink.c — the Kafka sinks of 'kafka' and 'upsert-kafka' (librdkafka).
**
** Rows to records (spec 5.2, 6.5):
**   key     the key fields (upsert-kafka: the PRIMARY KEY columns in PRIMARY KEY order;
**           kafka: 'key.fields') encoded with key.format, names without key.fields-prefix;
**   value   the value fields (ALL or EXCEPT_KEY) encoded with value.format; upsert-kafka writes
**           a tombstone (null value) for -D and for a -U that reaches it, and a value for +I/+U;
**           kafka takes only +I (the planner rejects anything else);
**   topic   'topic', or the writable 'topic' metadata column (which must name a listed topic);
**   time    the writable 'timestamp' metadata column, else the producer's clock;
**   headers the writable 'headers' metadata column.
**
** Partitions are chosen as Java producers choose them, so Java consumers and joins co-partition
** with sluice's output: a keyed record goes to murmur2(key bytes) mod partitions (librdkafka's
** murmur2_random partitioner is Java's); a keyless record sticks to one partition per batch
** (Java's sticky partitioner). 'sink.partitioner' = 'fixed' sends writer i to partition
** i mod n, 'round-robin' cycles through the partitions.
**
** 'sink.parallelism' = N gives N writers, each with its own producer (and buffer, and
** transactional id); a row goes to the writer chosen by its key's hash, so the changes of one
** key keep their order.
**
** Buffered upserts ('sink.buffer-flush.max-rows' + 'sink.buffer-flush.interval', spec 6.7): a
** writer keeps only the last change per key (+I/+U become +U, -U/-D become -D) and writes them
** all when max-rows distinct keys are buffered, when the interval has passed since the last
** flush, at checkpoints and at the end. So a -U followed by +U of one key in one buffer writes
** only the new value.
**
** Delivery ('sink.delivery-guarantee'): at-least-once (default) uses the idempotent producer
** with acks=all, and flush() returns only when every record is acknowledged; exactly-once
** writes inside Kafka transactions committed at each flush (checkpoint or end), together with
** the source's offsets when the source is a Kafka consumer group; none uses acks=1 and still
** waits at the end. Delivery reports are served on the task thread (rd_kafka_poll), so a
** failed record's error is handled there: it goes to the bad-record policy like a record that
** could not be encoded.
**
** SPDX-License-Identifier: MIT
*/
#include <regex.h>
#include <stdio.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "connectors/kafka/kafka.h"

#define FLUSH_TIMEOUT_MS 120000
#define TXN_TIMEOUT_MS 60000

enum { PART_DEFAULT, PART_FIXED, PART_ROUND_ROBIN };
enum { GUARANTEE_NONE, GUARANTEE_ALO, GUARANTEE_EO };

typedef struct kafka_sink kafka_sink;

/* A buffered upsert: the last change of one key. */
typedef struct pending {
    uint8_t is_delete;
    int64_t ts;
    const char *topic;
    rd_kafka_headers_t *hdrs;
    size_t klen, vlen;
    char *value; /* owned; key bytes are the hash-map key */
} pending;

typedef struct writer {
    kafka_sink *ks;
    int index;
    rd_kafka_t *rk;
    sl_kafka_events ev;
    sl_hashmap buf;
    int64_t last_flush_ms;
    int txn_open;
    int32_t sticky;       /* keyless default partitioning: this batch's partition */
    uint32_t round_robin; /* next partition for round-robin */
} writer;

struct kafka_sink {
    sl_sink base;
    const sl_tabledef *table;
    sl_job_ctx *job;
    sl_source *source;
    sl_probe *probe;
    int upsert;
    int ncol;
    int *col_of; /* table column -> row column, or -1 */
    sl_arena ar;
    sl_kafka_layout lay;
    const sl_format_desc *kfmt, *vfmt;
    sl_encoder *kenc, *venc;
    sl_value *kvals, *vvals;
    sl_buf kb, vb;
    const char **topics;
    int ntopics;
    const char *topic_pattern_text;
    regex_t topic_pattern;
    int has_pattern;
    int topic_col, ts_col, headers_col; /* row columns of writable metadata, or -1 */
    int partitioner, guarantee;
    const char *txn_prefix;
    int64_t buf_rows, buf_interval_ms;
    int nwriters;
    writer *w;
    int32_t *npartitions; /* per listed topic */
    sl_kafka_dlq *dlq;
    sl_err async; /* the first delivery failure the policy did not absorb */
};

/* ---- delivery reports (served on the task thread by rd_kafka_poll/flush) -------------- */

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    SL_UNUSED(rk);
    SL_UNUSED(opaque);
    writer *w = m->_private; /* the message's opaque */
    kafka_sink *ks = w->ks;
    if (!m->err || ks->async.code) return;
    sl_err e = SL_ERR_INIT;
    sl_kafka_error(&e, SL_CONNECTOR, m->err, "writing to topic '%s', partition %d failed",
                   rd_kafka_topic_name(m->rkt), (int)m->partition);
    sl_origin o = {rd_kafka_topic_name(m->rkt), m->partition, -1, -1, m->key, m->payload,
                   m->key_len, m->len};
    /* Only a failure of this one record (too large, rejected) is a bad record; a producer
    ** that cannot deliver at all fails the job whatever the policy. */
    int per_record = m->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
                     m->err == RD_KAFKA_RESP_ERR_INVALID_RECORD ||
                     m->err == RD_KAFKA_RESP_ERR_INVALID_MSG;
    if (!per_record) {
        sl_err_copy(&ks->async, &e);
        return;
    }
    rd_kafka_headers_t *h = NULL, *copy = NULL;
    if (!rd_kafka_message_headers(m, &h) && h) copy = rd_kafka_headers_copy(h);
    if (sl_kafka_dlq_handle(ks->dlq, &o, copy, "producing", &e)) sl_err_copy(&ks->async, &e);
}

/* ---- producing ------------------------------------------------------------------------ */

static int check_async(kafka_sink *ks, sl_err *err)
{
    for (int i = 0; i < ks->nwriters; i++)
        if (sl_kafka_events_check(&ks->w[i].ev, "writing to Kafka", err)) return err->code;
    return ks->async.code ? sl_err_copy(err, &ks->async) : SL_OK;
}

static int txn_error(rd_kafka_error_t *e, const char *what, sl_err *err)
{
    /* A fatal error leaves the producer unusable: an internal failure (exit 70), not a
    ** connector error a restart of the statement could cure. */
    int code = rd_kafka_error_is_fatal(e) ? SL_INTERNAL : SL_CONNECTOR;
    sl_err_set(err, code, "Kafka transaction %s failed: %s (%s)%s", what,
               rd_kafka_error_string(e), rd_kafka_error_name(e),
               rd_kafka_error_is_fatal(e) ? " [fatal]"
               : rd_kafka_error_txn_requires_abort(e) ? " [aborted]" : "");
    err->detail = rd_kafka_error_code(e);
    err->origin = "kafka";
    err->retriable = rd_kafka_error_is_retriable(e) != 0;
    err->fatal = code == SL_INTERNAL;
    rd_kafka_error_destroy(e);
    return code;
}

static int ensure_txn(writer *w, sl_err *err)
{
    if (w->ks->guarantee != GUARANTEE_EO || w->txn_open) return SL_OK;
    rd_kafka_error_t *e = rd_kafka_begin_transaction(w->rk);
    if (e) return txn_error(e, "begin", err);
    w->txn_open = 1;
    return SL_OK;
}

static int32_t partitions_of(kafka_sink *ks, const char *topic)
{
    for (int i = 0; i < ks->ntopics; i++)
        if (strcmp(ks->topics[i], topic) == 0) return ks->npartitions[i];
    return 0;
}

static int produce(writer *w, const char *topic, const void *key, size_t klen, const void *value,
                   size_t vlen, int64_t ts, rd_kafka_headers_t *hdrs, const sl_origin *orig,
                   sl_err *err)
{
    kafka_sink *ks = w->ks;
    int rc = ensure_txn(w, err);
    if (rc) {
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        return rc;
    }
    int32_t part = RD_KAFKA_PARTITION_UA;
    int32_t n = partitions_of(ks, topic);
    if (n > 0) {
        if (ks->partitioner == PART_FIXED) part = w->index % n;
        else if (ks->partitioner == PART_ROUND_ROBIN) part = (int32_t)(w->round_robin++ % (uint32_t)n);
        else if (!key) part = w->sticky % n;
    }
    rd_kafka_resp_err_t e;
    for (;;) {
        e = rd_kafka_producev(w->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(part),
                              RD_KAFKA_V_KEY((void *)key, klen), RD_KAFKA_V_VALUE((void *)value, vlen),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(ts),
                              RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(w), RD_KAFKA_V_END);
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        /* Back-pressure: serve delivery reports until there is room. */
        rd_kafka_poll(w->rk, 100);
        if ((rc = check_async(ks, err))) {
            if (hdrs) rd_kafka_headers_destroy(hdrs);
            return rc;
        }
    }
    if (e) {
        /* Refused before sending (e.g. larger than message.max.bytes): a bad record. */
        sl_kafka_error(err, SL_DATA, e, "cannot write a record to topic '%s'", topic);
        if (orig && orig->topic) {
            char where[256];
            snprintf(where, sizeof where, "topic '%s', partition %d, offset %lld: ", orig->topic,
                     (int)orig->partition, (long long)orig->offset);
            sl_err_prefix(err, "%s", where);
        }
        return sl_kafka_dlq_handle(ks->dlq, orig, hdrs, "producing", err);
    }
    rd_kafka_poll(w->rk, 0);
    return check_async(ks, err);
}

/* ---- rows to records ------------------------------------------------------------------ */

static int encode(kafka_sink *ks, const sl_row *row, int with_value, sl_err *err)
{
    sl_buf_reset(&ks->kb);
    sl_buf_reset(&ks->vb);
    int rc;
    if (ks->kenc) {
        for (int i = 0; i < ks->lay.nkey; i++) ks->kvals[i] = row->col[ks->col_of[ks->lay.key[i]]];
        rc = ks->kfmt->encode(ks->kenc, ks->kvals, &ks->kb, err);
        if (rc && rc != SL_DONE) return rc;
    }
    if (with_value) {
        for (int i = 0; i < ks->lay.nvalue; i++)
            ks->vvals[i] = row->col[ks->col_of[ks->lay.value[i]]];
        rc = ks->vfmt->encode(ks->venc, ks->vvals, &ks->vb, err);
        if (rc == SL_DONE) return SL_DONE; /* the format wrote no payload: a null value */
        if (rc) return rc;
    }
    return SL_OK;
}

static int row_topic(kafka_sink *ks, const sl_row *row, const char **topic, sl_err *err)
{
    if (ks->topic_col < 0) {
        *topic = ks->topics[0];
        return SL_OK;
    }
    const sl_value *v = &row->col[ks->topic_col];
    char name[512];
    snprintf(name, sizeof name, "%.*s", v->tag == SL_V_STRING ? (int)v->n : 0,
             v->tag == SL_V_STRING ? v->u.z : "");
    if (v->tag != SL_V_STRING)
        return sl_err_set(err, SL_DATA,
                          "The topic of the sink record is not valid. Expected a single topic "
                          "but no topic is set.");
    for (int i = 0; i < ks->ntopics; i++)
        if (strcmp(ks->topics[i], name) == 0) {
            *topic = ks->topics[i];
            return SL_OK;
        }
    sl_buf list = SL_BUF_INIT;
    for (int i = 0; i < ks->ntopics; i++) sl_buf_printf(&list, "%s%s", i ? ", " : "", ks->topics[i]);
    sl_err_set(err, SL_DATA,
               "The topic of the sink record is not valid. Expected topic to be in: [%s] but was: "
               "%s",
               list.p ? list.p : "", name);
    sl_buf_free(&list);
    return SL_DATA;
}

static int64_t row_timestamp(kafka_sink *ks, const sl_row *row)
{
    if (ks->ts_col < 0) return 0; /* unset: the producer stamps its clock */
    const sl_value *v = &row->col[ks->ts_col];
    if (v->tag != SL_V_TIMESTAMP) return 0;
    return v->u.i * 1000 + v->n / 1000000;
}

static rd_kafka_headers_t *row_headers(kafka_sink *ks, const sl_row *row)
{
    if (ks->headers_col < 0) return NULL;
    const sl_value *v = &row->col[ks->headers_col];
    if (v->tag != SL_V_MAP || v->n == 0) return NULL;
    rd_kafka_headers_t *h = rd_kafka_headers_new(v->n);
    for (uint32_t i = 0; i < v->n; i++) {
        const sl_value *k = &v->u.list[i], *val = &v->u.list[v->n + i];
        if (k->tag != SL_V_STRING) continue;
        rd_kafka_header_add(h, k->u.z, (ssize_t)k->n, val->tag == SL_V_NULL ? NULL : val->u.z,
                            val->tag == SL_V_NULL ? 0 : (ssize_t)val->n);
    }
    return h;
}

static void pending_free(void *p)
{
    pending *pd = p;
    if (!pd) return;
    if (pd->hdrs) rd_kafka_headers_destroy(pd->hdrs);
    sl_free(pd->value);
    sl_free(pd);
}

/* Write every buffered change (spec 6.7); order within a flush is the table's. */
static int drain_buffer(writer *w, sl_err *err)
{
    size_t pos = 0;
    sl_hentry *e;
    int rc = SL_OK;
    while (!rc && (e = sl_hashmap_next(&w->buf, &pos))) {
        pending *pd = e->value;
        rc = produce(w, pd->topic, e->key, e->klen, pd->is_delete ? NULL : pd->value,
                     pd->is_delete ? 0 : pd->vlen, pd->ts, pd->hdrs, NULL, err);
        pd->hdrs = NULL; /* produce took them */
    }
    sl_hashmap_clear(&w->buf, pending_free);
    w->last_flush_ms = sl_now_ms();
    return rc;
}

static int buffer_row(writer *w, const char *topic, int is_delete, int64_t ts,
                      rd_kafka_headers_t *hdrs, sl_err *err)
{
    kafka_sink *ks = w->ks;
    int created;
    sl_hentry *e = sl_hashmap_upsert(&w->buf, ks->kb.p ? ks->kb.p : "", ks->kb.n, &created);
    pending *pd = e->value;
    if (!pd) pd = e->value = sl_calloc(1, sizeof *pd);
    else {
        if (pd->hdrs) rd_kafka_headers_destroy(pd->hdrs);
        sl_free(pd->value);
    }
    pd->is_delete = (uint8_t)is_delete;
    pd->ts = ts;
    pd->topic = topic;
    pd->hdrs = hdrs;
    pd->vlen = ks->vb.n;
    pd->value = is_delete ? NULL : sl_strndup(ks->vb.p ? ks->vb.p : "", ks->vb.n);
    if ((int64_t)w->buf.count >= ks->buf_rows) return drain_buffer(w, err);
    return SL_OK;
}

static writer *writer_for(kafka_sink *ks, int have_key, uint64_t *rr)
{
    if (ks->nwriters == 1) return &ks->w[0];
    if (have_key) return &ks->w[sl_hash_bytes(ks->kb.p, ks->kb.n) % (uint64_t)ks->nwriters];
    return &ks->w[(*rr)++ % (uint64_t)ks->nwriters];
}

static int write_row(kafka_sink *ks, const sl_row *row, const sl_origin *orig, uint64_t *rr,
                     sl_err *err)
{
    int is_delete = ks->upsert && SL_IS_RETRACT(row->kind);
    int rc = encode(ks, row, !is_delete, err);
    int null_value = rc == SL_DONE;
    if (rc == SL_DONE) rc = SL_OK;
    const char *topic = NULL;
    if (!rc) rc = row_topic(ks, row, &topic, err);
    if (rc) {
        if (orig && orig->topic) {
            char where[256];
            snprintf(where, sizeof where, "topic '%s', partition %d, offset %lld: ", orig->topic,
                     (int)orig->partition, (long long)orig->offset);
            sl_err_prefix(err, "%s", where);
        }
        return sl_kafka_dlq_handle(ks->dlq, orig, NULL, "serialization", err);
    }
    int have_key = ks->kenc != NULL;
    writer *w = writer_for(ks, have_key, rr);
    int64_t ts = row_timestamp(ks, row);
    rd_kafka_headers_t *hdrs = row_headers(ks, row);
    if (ks->upsert && ks->buf_rows > 0) return buffer_row(w, topic, is_delete || null_value, ts, hdrs, err);
    return produce(w, topic, have_key ? (ks->kb.p ? ks->kb.p : "") : NULL, ks->kb.n,
                   is_delete || null_value ? NULL : (ks->vb.p ? ks->vb.p : ""), ks->vb.n, ts, hdrs,
                   orig, err);
}

static int sink_write(sl_sink *sink, const sl_batch *b, sl_err *err)
{
    kafka_sink *ks = (kafka_sink *)sink;
    uint64_t rr = (uint64_t)sl_now_ns();
    /* keyless records stick to one partition per batch, as Java's sticky partitioner */
    for (int i = 0; i < ks->nwriters; i++) ks->w[i].sticky = (int32_t)(rr >> 8 & 0x7fffffff) + i;
    for (int r = 0; r < b->n; r++) {
        int rc = write_row(ks, b->rows[r], b->orig[r], &rr, err);
        if (rc) return rc;
    }
    return SL_OK;
}

static int sink_tick(sl_sink *sink, int64_t now, sl_err *err)
{
    kafka_sink *ks = (kafka_sink *)sink;
    for (int i = 0; i < ks->nwriters; i++) {
        writer *w = &ks->w[i];
        if (ks->buf_rows > 0 && now - w->last_flush_ms >= ks->buf_interval_ms) {
            int rc = w->buf.count ? drain_buffer(w, err) : SL_OK;
            w->last_flush_ms = now;
            if (rc) return rc;
        }
        rd_kafka_poll(w->rk, 0);
    }
    return check_async(ks, err);
}

static int commit_txn(writer *w, sl_err *err)
{
    kafka_sink *ks = w->ks;
    rd_kafka_error_t *e;
    if (!w->txn_open) return SL_OK;
    rd_kafka_topic_partition_list_t *offsets;
    rd_kafka_consumer_group_metadata_t *group;
    /* The first writer commits the source's offsets with its transaction (read-process-write
    ** exactly once); with several writers the others commit only their records. */
    if (w->index == 0 && sl_kafka_source_txn_offsets(ks->source, &offsets, &group)) {
        e = offsets->cnt ? rd_kafka_send_offsets_to_transaction(w->rk, offsets, group, TXN_TIMEOUT_MS)
                         : NULL;
        rd_kafka_topic_partition_list_destroy(offsets);
        rd_kafka_consumer_group_metadata_destroy(group);
        if (e) return txn_error(e, "sending offsets", err);
    }
    for (int attempt = 0;; attempt++) {
        e = rd_kafka_commit_transaction(w->rk, TXN_TIMEOUT_MS);
        if (!e) break;
        if (rd_kafka_error_is_retriable(e) && attempt < 5) {
            rd_kafka_error_destroy(e);
            continue;
        }
        if (rd_kafka_error_txn_requires_abort(e)) {
            rd_kafka_error_t *ae = rd_kafka_abort_transaction(w->rk, TXN_TIMEOUT_MS);
            if (ae) rd_kafka_error_destroy(ae);
        }
        w->txn_open = 0;
        return txn_error(e, "commit", err);
    }
    w->txn_open = 0;
    return SL_OK;
}

static int sink_flush(sl_sink *sink, sl_err *err)
{
    kafka_sink *ks = (kafka_sink *)sink;
    for (int i = 0; i < ks->nwriters; i++) {
        writer *w = &ks->w[i];
        int rc = w->buf.count ? drain_buffer(w, err) : SL_OK;
        if (rc) return rc;
        rd_kafka_resp_err_t e = rd_kafka_flush(w->rk, FLUSH_TIMEOUT_MS);
        if ((rc = check_async(ks, err))) return rc;
        if (e)
            return sl_kafka_error(err, SL_CONNECTOR, e,
                                  "%s: records were not acknowledged within %d s",
                                  ks->table->qualified, FLUSH_TIMEOUT_MS / 1000);
        if (ks->guarantee == GUARANTEE_EO && (rc = commit_txn(w, err))) return rc;
    }
    return sl_kafka_dlq_flush(ks->dlq, err);
}

static void sink_close(sl_sink *sink)
{
    kafka_sink *ks = (kafka_sink *)sink;
    for (int i = 0; i < ks->nwriters; i++) {
        writer *w = &ks->w[i];
        sl_hashmap_free(&w->buf, pending_free);
        if (!w->rk) {
            sl_kafka_events_free(&w->ev); /* observed, but the client was not created */
            continue;
        }
        if (w->txn_open) {
            /* Not committed: the job failed or was stopped without a flush. */
            rd_kafka_error_t *e = rd_kafka_abort_transaction(w->rk, 10000);
            if (e) rd_kafka_error_destroy(e);
        }
        rd_kafka_flush(w->rk, 10000);
        rd_kafka_destroy(w->rk);
        sl_kafka_events_free(&w->ev);
    }
    sl_free(ks->w);
    if (ks->kenc) ks->kfmt->encoder_free(ks->kenc);
    if (ks->venc) ks->vfmt->encoder_free(ks->venc);
    if (ks->has_pattern) regfree(&ks->topic_pattern);
    sl_kafka_dlq_free(ks->dlq);
    sl_buf_free(&ks->kb);
    sl_buf_free(&ks->vb);
    sl_arena_free(&ks->ar);
    sl_free(ks);
}

static const sl_sink_vt kafka_sink_vt = {sink_write, sink_flush, sink_tick, sink_close};

/* ---- opening -------------------------------------------------------------------------- */

static int make_encoder(kafka_sink *ks, const sl_sink_ctx *ctx, const char *slot, const int *idx,
                        int n, const char *strip, const sl_format_desc **fd, sl_encoder **enc,
                        sl_err *err)
{
    *fd = sl_registry_slot_format(ctx->reg, ctx->table, slot);
    if (!*fd) return sl_err_set(err, SL_CONFIG, "no format for '%s'", slot);
    sl_format_ctx *fc = sl_format_ctx_build(&ks->ar, ctx->table, slot, idx, n, strip);
    fc->topic = ks->ntopics == 1 ? ks->topics[0] : NULL;
    return (*fd)->encoder_new(fc, enc, err);
}

static int open_writer(kafka_sink *ks, writer *w, sl_err *err)
{
    const sl_optset *os = &ks->table->opts;
    char txn_id[512];
    snprintf(txn_id, sizeof txn_id, "%s-%d", sl_opt_str(os, "sink.transactional-id-prefix", ""),
             w->index);
    const char *eo[] = {"enable.idempotence", "true", "acks", "all",
                        "partitioner", "murmur2_random", "transactional.id", txn_id, NULL};
    const char *alo[] = {"enable.idempotence", "true", "acks", "all",
                         "partitioner", "murmur2_random", NULL};
    const char *none[] = {"acks", "1", "partitioner", "murmur2_random", NULL};
    const char *const *overrides = ks->guarantee == GUARANTEE_EO    ? eo
                                   : ks->guarantee == GUARANTEE_ALO ? alo
                                                                    : none;
    rd_kafka_conf_t *conf = sl_kafka_conf(ks->table, SL_KAFKA_PRODUCER, overrides, NULL, &w->ev,
                                          err);
    if (!conf) return err->code;
    /* With several writers each producer's queue is its own series. */
    char table[600];
    if (ks->nwriters > 1) snprintf(table, sizeof table, "%s#%d", ks->table->qualified, w->index);
    else snprintf(table, sizeof table, "%s", ks->table->qualified);
    int rc = sl_kafka_observe(&w->ev, conf, SL_KAFKA_PRODUCER, ks->job->name, table, ks->probe,
                              err);
    if (rc) {
        rd_kafka_conf_destroy(conf);
        return rc;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    char errstr[512];
    w->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!w->rk) {
        rd_kafka_conf_destroy(conf);
        return sl_err_set(err, SL_CONNECTOR, "cannot create a Kafka producer: %s", errstr);
    }
    w->last_flush_ms = sl_now_ms();
    if (ks->guarantee == GUARANTEE_EO) {
        rd_kafka_error_t *e = rd_kafka_init_transactions(w->rk, TXN_TIMEOUT_MS);
        if (e) return txn_error(e, "initialization", err);
    }
    return SL_OK;
}

/* Partition counts of the listed topics: needed by the non-default partitioners and the
** keyless sticky choice. A topic that does not exist yet is created on first write by brokers
** that auto-create; librdkafka then picks its partition. */
static int read_partitions(kafka_sink *ks, sl_err *err)
{
    ks->npartitions = sl_arena_calloc(&ks->ar, sizeof(int32_t) * (size_t)(ks->ntopics + 1));
    const struct rd_kafka_metadata *md = NULL;
    int rc = sl_kafka_wait_metadata(ks->w[0].rk, &ks->w[0].ev,
                                    sl_opt_str(&ks->table->opts, "properties.bootstrap.servers", "?"),
                                    &md, err);
    if (rc) return rc;
    for (int i = 0; i < ks->ntopics; i++)
        for (int t = 0; t < md->topic_cnt; t++)
            if (!md->topics[t].err && strcmp(md->topics[t].topic, ks->topics[i]) == 0)
                ks->npartitions[i] = md->topics[t].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return SL_OK;
}

static int open_sink(const sl_sink_ctx *ctx, int upsert, sl_sink **out, sl_err *err)
{
    const sl_tabledef *t = ctx->table;
    const sl_optset *os = &t->opts;
    kafka_sink *ks = sl_calloc(1, sizeof *ks);
    ks->base.vt = &kafka_sink_vt;
    ks->table = t;
    ks->job = ctx->job;
    ks->source = ctx->source;
    ks->probe = ctx->probe;
    ks->upsert = upsert;
    ks->ncol = ctx->ncol;
    sl_err_clear(&ks->async);
    sl_arena_init(&ks->ar, 4096);
    sl_kafka_layout_build(&ks->ar, t, upsert, &ks->lay);
    ks->col_of = sl_arena_alloc(&ks->ar, sizeof(int) * (size_t)(t->schema.ncol + 1));
    for (int i = 0; i < t->schema.ncol; i++) ks->col_of[i] = -1;
    for (int i = 0; i < ctx->ncol; i++) ks->col_of[ctx->tcol[i]] = i;
    ks->topic_col = ks->ts_col = ks->headers_col = -1;
    for (int i = 0; i < ctx->ncol; i++) {
        int meta = ks->lay.meta[ctx->tcol[i]];
        if (meta == SL_KMETA_TOPIC) ks->topic_col = i;
        if (meta == SL_KMETA_TIMESTAMP) ks->ts_col = i;
        if (meta == SL_KMETA_HEADERS) ks->headers_col = i;
    }
    ks->kvals = sl_arena_calloc(&ks->ar, sizeof(sl_value) * (size_t)(ks->lay.nkey + 1));
    ks->vvals = sl_arena_calloc(&ks->ar, sizeof(sl_value) * (size_t)(ks->lay.nvalue + 1));
    ks->topics = sl_kafka_topics(&ks->ar, t, &ks->ntopics);
    const char *p = sl_opt_str(os, "sink.partitioner", "default");
    ks->partitioner = sl_strcaseeq(p, "fixed")         ? PART_FIXED
                      : sl_strcaseeq(p, "round-robin") ? PART_ROUND_ROBIN
                                                       : PART_DEFAULT;
    const char *g = sl_opt_str(os, "sink.delivery-guarantee", "at-least-once");
    ks->guarantee = sl_strcaseeq(g, "exactly-once") ? GUARANTEE_EO
                    : sl_strcaseeq(g, "none")      ? GUARANTEE_NONE
                                                   : GUARANTEE_ALO;
    ks->buf_rows = sl_opt_long(os, "sink.buffer-flush.max-rows", 0);
    ks->buf_interval_ms = sl_opt_duration_ms(os, "sink.buffer-flush.interval", 0);
    if (ks->buf_interval_ms <= 0) ks->buf_rows = 0;
    ks->nwriters = (int)sl_opt_long(os, "sink.parallelism", 1);
    int rc = SL_OK;
    if (!ks->ntopics)
        rc = sl_err_set(err, SL_CONFIG,
                        "table '%s' is written to, so it needs 'topic' (a sink cannot write to a "
                        "'topic-pattern')",
                        t->qualified);
    if (!rc && ks->ntopics > 1 && ks->topic_col < 0)
        rc = sl_err_set(err, SL_CONFIG,
                        "table '%s' lists several topics, so rows must name theirs in a writable "
                        "'topic' metadata column",
                        t->qualified);
    if (!rc && ks->lay.key_slot)
        rc = make_encoder(ks, ctx, ks->lay.key_slot, ks->lay.key, ks->lay.nkey, ks->lay.key_prefix,
                          &ks->kfmt, &ks->kenc, err);
    if (!rc)
        rc = make_encoder(ks, ctx, ks->lay.value_slot, ks->lay.value, ks->lay.nvalue, NULL,
                          &ks->vfmt, &ks->venc, err);
    if (!rc) rc = sl_kafka_dlq_open(t, ctx->job, &ks->dlq, err);
    ks->w = sl_calloc((size_t)ks->nwriters, sizeof(writer));
    for (int i = 0; i < ks->nwriters; i++) {
        ks->w[i].ks = ks;
        ks->w[i].index = i;
    }
    for (int i = 0; i < ks->nwriters && !rc; i++) rc = open_writer(ks, &ks->w[i], err);
    if (!rc) rc = read_partitions(ks, err);
    if (rc) {
        sink_close(&ks->base);
        return rc;
    }
    *out = &ks->base;
    return SL_OK;
}

int sl_kafka_sink_open(const sl_sink_ctx *ctx, sl_sink **out, sl_err *err)
{
    return open_sink(ctx, 0, out, err);
}

int sl_upsert_kafka_sink_open(const sl_sink_ctx *ctx, sl_sink **out, sl_err *err)
{
    return open_sink(ctx, 1, out, err);
}
