/*
** connectors/kafka/source.c — the upsert-kafka source (librdkafka consumer).
**
** Reads every partition of one topic from the earliest offset (upsert-kafka always does, so
** that the materialized table is complete). Each record becomes one row: the key, decoded with
** key.format, fills the PRIMARY KEY columns; the value, decoded with value.format, fills the
** value columns (overwriting the key's copy under value.fields-include = ALL, spec 5.2); a
** null value is a tombstone and yields a -D row carrying only the key; a null key yields no
** row, as in Flink. Rows keep kind +I for values — ChangelogNormalize treats +I and +U alike.
**
** Bounded reading ('scan.bounded.mode' = 'latest-offset'): the high watermark of every
** partition is read at start-up, and the source ends once each partition has been consumed up
** to it (exclusive), so a job over a finite topic finishes by itself.
**
** Memory: librdkafka messages are kept until the next poll, because decoded strings point
** into their payloads (zero copy); the batch arena holds the rest.
**
** Errors: a record that cannot be decoded fails the job with its topic, partition and offset.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>

#include "base/log.h"
#include "connectors/kafka/kafka.h"

#define METADATA_TIMEOUT_MS 30000

typedef struct kafka_source {
    sl_source base;
    const sl_tabledef *table;
    sl_job_ctx *job;
    rd_kafka_t *rk;
    rd_kafka_queue_t *q;
    const char *topic;
    int npart;
    int64_t *end;  /* bounded: stop offset per partition (exclusive) */
    int64_t *next; /* next offset to read per partition */
    uint8_t *done; /* bounded: partition finished */
    int remaining; /* bounded: partitions not finished */
    int bounded;
    int commit; /* a group.id was given: commit offsets */
    sl_arena ar;
    sl_kafka_layout lay;
    const sl_format_desc *kfmt, *vfmt;
    sl_decoder *kdec, *vdec;
    sl_value *kvals, *vvals;
    rd_kafka_message_t **msgs;
    size_t nmsgs, cap;
    int ncol;
} kafka_source;

static void release_messages(kafka_source *ks)
{
    for (size_t i = 0; i < ks->nmsgs; i++) rd_kafka_message_destroy(ks->msgs[i]);
    ks->nmsgs = 0;
}

static int kafka_error(sl_err *err, int code, rd_kafka_resp_err_t e, const char *fmt, ...)
    SL_PRINTF(4, 5);
static int kafka_error(sl_err *err, int code, rd_kafka_resp_err_t e, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sl_err_set(err, code, "%s: %s (%s)", msg, rd_kafka_err2str(e), rd_kafka_err2name(e));
    err->detail = e;
    err->origin = "kafka";
    return code;
}

static void mark_done(kafka_source *ks, int p)
{
    if (!ks->done[p]) {
        ks->done[p] = 1;
        ks->remaining--;
    }
}

static int record_error(kafka_source *ks, const rd_kafka_message_t *m, const char *what,
                        sl_err *sub, sl_err *err)
{
    sl_err_set(err, SL_DATA, "topic '%s', partition %d, offset %lld: %s%s", ks->topic,
               (int)m->partition, (long long)m->offset, what, sub->msg);
    err->origin = "kafka";
    return SL_DATA;
}

static int decode_message(kafka_source *ks, rd_kafka_message_t *m, sl_batch *out, sl_err *err)
{
    if (!m->key) return SL_OK; /* a null key produces no row (spec 5.4) */
    sl_err sub = SL_ERR_INIT;
    int rc = ks->kfmt->decode(ks->kdec, m->key, m->key_len, ks->kvals, &out->ar, &sub);
    if (rc == SL_DONE) return SL_OK;
    if (rc) return record_error(ks, m, "cannot decode the key: ", &sub, err);
    int kind = SL_INSERT;
    if (!m->payload) {
        kind = SL_DELETE;
    } else {
        rc = ks->vfmt->decode(ks->vdec, m->payload, m->len, ks->vvals, &out->ar, &sub);
        if (rc == SL_DONE) return SL_OK;
        if (rc) return record_error(ks, m, "", &sub, err);
    }
    sl_origin *o = sl_arena_alloc(&out->ar, sizeof *o);
    o->topic = ks->topic;
    o->partition = m->partition;
    o->offset = m->offset;
    rd_kafka_timestamp_type_t tstype;
    o->timestamp = rd_kafka_message_timestamp(m, &tstype);
    o->key = m->key;
    o->klen = m->key_len;
    o->value = m->payload;
    o->vlen = m->len;
    sl_row *row = sl_batch_new_row(out, ks->ncol, o);
    row->kind = (uint8_t)kind;
    for (int i = 0; i < ks->lay.nkey; i++) row->col[ks->lay.key[i]] = ks->kvals[i];
    if (kind == SL_INSERT)
        for (int i = 0; i < ks->lay.nvalue; i++) row->col[ks->lay.value[i]] = ks->vvals[i];
    return SL_OK;
}

static int kafka_poll(sl_source *src, sl_batch *out, int max, int timeout_ms, sl_err *err)
{
    kafka_source *ks = (kafka_source *)src;
    release_messages(ks);
    if (ks->bounded && ks->remaining == 0) return SL_DONE;
    if ((size_t)max > ks->cap) {
        ks->cap = (size_t)max;
        ks->msgs = sl_realloc(ks->msgs, sizeof(*ks->msgs) * ks->cap);
    }
    ssize_t n = rd_kafka_consume_batch_queue(ks->q, timeout_ms, ks->msgs, (size_t)max);
    if (n < 0)
        return kafka_error(err, SL_CONNECTOR, rd_kafka_last_error(), "consuming topic '%s'",
                           ks->topic);
    ks->nmsgs = (size_t)n;
    for (ssize_t i = 0; i < n; i++) {
        rd_kafka_message_t *m = ks->msgs[i];
        int p = m->partition;
        if (m->err) {
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                if (ks->bounded && p >= 0 && p < ks->npart && ks->next[p] >= ks->end[p])
                    mark_done(ks, p);
                continue;
            }
            char reason[512];
            rd_kafka_resp_err_t fe = rd_kafka_fatal_error(ks->rk, reason, sizeof reason);
            if (fe) return kafka_error(err, SL_CONNECTOR, fe, "fatal consumer error: %s", reason);
            if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE)
                return kafka_error(err, SL_CONNECTOR, m->err, "reading topic '%s'", ks->topic);
            sl_log(SL_LOG_WARN, "kafka", "topic '%s': %s", ks->topic, rd_kafka_message_errstr(m));
            continue;
        }
        if (p < 0 || p >= ks->npart) continue;
        if (ks->bounded && (ks->done[p] || m->offset >= ks->end[p])) {
            mark_done(ks, p);
            continue;
        }
        int rc = decode_message(ks, m, out, err);
        if (rc) return rc;
        ks->next[p] = m->offset + 1;
        if (ks->bounded && ks->next[p] >= ks->end[p]) mark_done(ks, p);
    }
    return ks->bounded && ks->remaining == 0 ? SL_DONE : SL_OK;
}

static int kafka_commit(sl_source *src, sl_err *err)
{
    kafka_source *ks = (kafka_source *)src;
    if (!ks->commit) return SL_OK;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->npart);
    for (int p = 0; p < ks->npart; p++)
        if (ks->next[p] > 0) rd_kafka_topic_partition_list_add(l, ks->topic, p)->offset = ks->next[p];
    rd_kafka_resp_err_t e = l->cnt ? rd_kafka_commit(ks->rk, l, 0) : RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_topic_partition_list_destroy(l);
    if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET)
        return kafka_error(err, SL_CONNECTOR, e, "committing offsets of topic '%s'", ks->topic);
    return SL_OK;
}

static void kafka_close(sl_source *src)
{
    kafka_source *ks = (kafka_source *)src;
    release_messages(ks);
    sl_free(ks->msgs);
    if (ks->kdec) ks->kfmt->decoder_free(ks->kdec);
    if (ks->vdec) ks->vfmt->decoder_free(ks->vdec);
    if (ks->q) rd_kafka_queue_destroy(ks->q);
    if (ks->rk) {
        rd_kafka_consumer_close(ks->rk);
        rd_kafka_destroy(ks->rk);
    }
    sl_arena_free(&ks->ar);
    sl_free(ks);
}

static const sl_source_vt kafka_source_vt = {kafka_poll, kafka_commit, kafka_close};

static int make_decoder(kafka_source *ks, const sl_source_ctx *ctx, const char *slot,
                        const int *idx, int n, const char *strip, const sl_format_desc **fd,
                        sl_decoder **dec, sl_err *err)
{
    *fd = sl_registry_slot_format(ctx->reg, ctx->table, slot);
    if (!*fd) return sl_err_set(err, SL_CONFIG, "no format for '%s'", slot);
    sl_format_ctx *fc = sl_format_ctx_build(&ks->ar, ctx->table, slot, idx, n, strip);
    fc->topic = ks->topic;
    return (*fd)->decoder_new(fc, dec, err);
}

static int discover(kafka_source *ks, sl_err *err)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(ks->rk, ks->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(ks->rk, 0, rkt, &md, METADATA_TIMEOUT_MS);
    int rc = SL_OK;
    if (e) {
        rc = kafka_error(err, SL_UNAVAILABLE, e,
                         "cannot read the metadata of topic '%s' from the Kafka cluster at %s",
                         ks->topic,
                         sl_opt_str(&ks->table->opts, "properties.bootstrap.servers", "?"));
    } else if (md->topic_cnt < 1 || md->topics[0].err) {
        rd_kafka_resp_err_t te = md->topic_cnt < 1 ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                                                   : md->topics[0].err;
        rc = kafka_error(err, SL_CONNECTOR, te, "topic '%s' is not available", ks->topic);
    } else {
        ks->npart = md->topics[0].partition_cnt;
    }
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    return rc;
}

static int upsert_kafka_open(const sl_source_ctx *ctx, sl_source **out, sl_err *err)
{
    const sl_tabledef *t = ctx->table;
    kafka_source *ks = sl_calloc(1, sizeof *ks);
    ks->base.vt = &kafka_source_vt;
    ks->table = t;
    ks->job = ctx->job;
    ks->ncol = t->schema.ncol;
    sl_arena_init(&ks->ar, 4096);
    ks->topic = sl_optset_get(&t->opts, "topic");
    ks->bounded = sl_strcaseeq(sl_opt_str(&t->opts, "scan.bounded.mode", "unbounded"),
                               "latest-offset");
    sl_kafka_layout_upsert(&ks->ar, t, &ks->lay);
    ks->kvals = sl_arena_calloc(&ks->ar, sizeof(sl_value) * (size_t)(ks->lay.nkey + 1));
    ks->vvals = sl_arena_calloc(&ks->ar, sizeof(sl_value) * (size_t)(ks->lay.nvalue + 1));

    const char *group = sl_optset_get(&t->opts, "properties.group.id");
    ks->commit = group != NULL;
    /* assign() needs a consumer group object; without a user group.id no offsets are
    ** committed, so the generated id only names the client. */
    char gid[256];
    snprintf(gid, sizeof gid, "sluice-%s", t->qualified);
    const char *overrides[] = {"enable.auto.commit", "false",
                               "enable.auto.offset.store", "false",
                               "enable.partition.eof", "true",
                               "auto.offset.reset", "earliest",
                               group ? NULL : "group.id", gid,
                               NULL};
    char errstr[512];
    int rc = make_decoder(ks, ctx, "key.format", ks->lay.key, ks->lay.nkey, ks->lay.key_prefix,
                          &ks->kfmt, &ks->kdec, err);
    if (!rc)
        rc = make_decoder(ks, ctx, "value.format", ks->lay.value, ks->lay.nvalue, NULL,
                          &ks->vfmt, &ks->vdec, err);
    rd_kafka_conf_t *conf = rc ? NULL : sl_kafka_conf(t, overrides, err);
    if (!rc && !conf) rc = err->code;
    if (!rc) {
        ks->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
        if (!ks->rk) {
            rd_kafka_conf_destroy(conf);
            rc = sl_err_set(err, SL_CONNECTOR, "cannot create a Kafka consumer: %s", errstr);
        }
    }
    if (!rc) rc = discover(ks, err);
    if (!rc) {
        ks->end = sl_arena_calloc(&ks->ar, sizeof(int64_t) * (size_t)(ks->npart + 1));
        ks->next = sl_arena_calloc(&ks->ar, sizeof(int64_t) * (size_t)(ks->npart + 1));
        ks->done = sl_arena_calloc(&ks->ar, (size_t)ks->npart + 1);
        ks->remaining = ks->npart;
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->npart);
        for (int p = 0; p < ks->npart && !rc; p++) {
            if (ks->bounded) {
                int64_t lo, hi;
                rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
                    ks->rk, ks->topic, p, &lo, &hi, METADATA_TIMEOUT_MS);
                if (e) {
                    rc = kafka_error(err, SL_UNAVAILABLE, e,
                                     "cannot read the end offset of topic '%s' partition %d",
                                     ks->topic, p);
                    break;
                }
                ks->end[p] = hi;
                if (lo >= hi) {
                    mark_done(ks, p);
                    continue;
                }
            }
            rd_kafka_topic_partition_list_add(l, ks->topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        }
        if (!rc && l->cnt) {
            rd_kafka_resp_err_t e = rd_kafka_assign(ks->rk, l);
            if (e) rc = kafka_error(err, SL_CONNECTOR, e, "cannot assign topic '%s'", ks->topic);
        }
        rd_kafka_topic_partition_list_destroy(l);
    }
    if (!rc) ks->q = rd_kafka_queue_get_consumer(ks->rk);
    if (rc) {
        kafka_close(&ks->base);
        return rc;
    }
    sl_log(SL_LOG_INFO, "kafka", "reading topic '%s' (%d partitions)%s", ks->topic, ks->npart,
           ks->bounded ? " up to its current end" : "");
    *out = &ks->base;
    return SL_OK;
}

const sl_rt_connector sl_rt_upsert_kafka = {"upsert-kafka", upsert_kafka_open, NULL};
