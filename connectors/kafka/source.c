/*
** connectors/kafka/source.c — the Kafka sources of 'kafka' and 'upsert-kafka' (librdkafka).
**
** One consumer reads every partition of the table's topics ('topic' list, or the topics
** matching 'topic-pattern'), with a manual assignment: no group rebalancing, so a job's result
** does not depend on other consumers. A consumer group, when 'properties.group.id' is set,
** only stores progress: offsets are committed after the sinks flushed.
**
** Where each partition starts ('scan.startup.mode'; upsert-kafka always from the earliest
** offset) and where it stops ('scan.bounded.mode') follow spec 5.1. For a bounded source, start
** and end offsets are resolved to absolute numbers at start-up, so a partition with nothing in
** between is finished at once and the job ends by itself. An unbounded source looks for new
** partitions (and new topics of a pattern) every 'scan.topic-partition-discovery.interval' and
** reads them from the earliest offset.
**
** Each record becomes one row (spec 5.2/5.4): key fields from the key (decoded with
** key.format), value fields from the value, metadata columns from the record; with ALL the
** value's copy of a key column wins. upsert-kafka: a null value (tombstone) is a -D carrying the
** key and the tombstone's metadata, a null key produces no row, and values stay +I (the
** planner's ChangelogNormalize treats +I like +U). kafka: a record whose value format returns
** no row (null or empty value) produces no row.
**
** A record that cannot be decoded goes to the bad-record policy (errors.c): by default the job
** fails with the record's topic, partition and offset.
**
** Threads: a reader thread of the source consumes and decodes into a ring of SLOTS batches
** while the task thread works on the batch before (the "fetch" stage of a pipeline, as Flink's
** split fetcher). poll() only hands over the next full slot. The reader owns the consumer's
** position, partition discovery and the decoders; poll() owns the progress it has handed out,
** which is what commit() and a transactional sink see: a slot's offsets count only once its
** rows were handed over. An error met while decoding travels in its slot and is returned by the
** poll that hands the slot over; the reader then stops.
**
** Memory: librdkafka messages live in their slot until the slot is refilled, two polls after it
** was handed over at the earliest, because decoded strings point into their payloads (zero
** copy); the slot's batch arena holds the rest.
**
** SPDX-License-Identifier: MIT
*/
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/cast.h"
#include "base/datetime.h"
#include "base/log.h"
#include "connectors/kafka/kafka.h"

#define METADATA_TIMEOUT_MS 30000
/* Batches in flight between the reader thread and the task thread: one handed over, one
** ready, one being filled. */
#define SLOTS 3
/* How long one consume call of the reader waits for a batch to fill. */
#define READER_WAIT_MS 100

enum { START_EARLIEST, START_LATEST, START_GROUP, START_TIMESTAMP, START_SPECIFIC };
enum { BOUND_NONE, BOUND_LATEST, BOUND_GROUP, BOUND_TIMESTAMP, BOUND_SPECIFIC };

/* A partition, as the reader thread sees it. */
typedef struct kpart {
    const char *topic;
    int32_t part;
    int32_t leader; /* the leader's broker id at discovery */
    int64_t next;  /* next offset to read; -1 before the first record */
    int64_t from;  /* bounded: the resolved start offset, -1 when only reading will tell */
    int64_t end;   /* bounded: stop offset (exclusive) */
    uint8_t done;
    uint64_t adv_fill; /* the fill that last advanced it, and its entry in that slot's adv */
    int adv_idx;
} kpart;

/* A partition's progress: where reading resumes after everything handed out so far. */
typedef struct kpos {
    const char *topic;
    int32_t part;
    int64_t next; /* -1: nothing handed out yet */
} kpos;

/* One batch between the threads: decoded rows, the messages they point into, the progress they
** make, and the error or end that came after them. */
typedef struct kslot {
    sl_batch rows;
    rd_kafka_message_t **msgs;
    size_t nmsgs;
    struct {
        int idx; /* partition index */
        kpos pos;
    } *adv;
    int nadv, advcap;
    int rc; /* SL_OK, an error (in err), or SL_DONE: the bounded source ends here */
    sl_err err;
} kslot;

typedef struct kafka_source {
    sl_source base;
    const sl_tabledef *table;
    sl_job_ctx *job;
    const uint8_t *needed;
    int upsert;
    int ncol;
    sl_arena ar;
    sl_kafka_layout lay;
    rd_kafka_t *rk;
    rd_kafka_queue_t *q;
    sl_kafka_events ev;
    /* topics */
    const char **topics;
    int ntopics;
    int use_pattern;
    regex_t pattern;
    /* partitions */
    kpart *parts;
    int nparts, cap;
    /* the last message's topic handle and partition index: records come in runs */
    const rd_kafka_topic_t *msg_rkt;
    int msg_part;
    int remaining;
    int start, bound;
    int64_t discover_ms, next_discover;
    int commit;
    const char *group;
    /* formats */
    const sl_format_desc *kfmt, *vfmt;
    sl_decoder *kdec, *vdec;
    sl_value *kvals, *vvals;
    sl_kafka_dlq *dlq;
    /* the pipeline between the reader thread and poll() */
    kslot slots[SLOTS];
    size_t batch;          /* messages per consume call: poll's max at the first poll */
    pthread_t reader;
    int reader_started;
    pthread_mutex_t mu;
    pthread_cond_t filled, freed_cv; /* a slot was published / released */
    uint64_t published;    /* slots filled by the reader so far (guarded by mu) */
    uint64_t released;     /* slots the task thread is done with (guarded by mu) */
    atomic_int quit;       /* close() asks the reader to stop */
    uint64_t fills;        /* the reader's fill counter (adv bookkeeping) */
    long long queue_max_bytes, queue_max_msgs; /* the consumer's prefetch limits */
    long long taken_bytes, taken_msgs; /* consumed since the fetchers were last woken */
    int wakes;             /* how often the fetchers were woken */
    /* poll()'s side (task thread only) */
    uint64_t taken;        /* slots completely handed out */
    int given;             /* rows of slot taken % SLOTS handed out so far */
    int ended;             /* the slot with SL_DONE was handed out */
    kpos *pos;             /* progress handed out, by partition index */
    int npos;
    /* where the time went, logged at close (debug): ns spent waiting */
    int64_t wait_consume, wait_slot, wait_poll;
    double cpu_reader, cpu_task; /* thread CPU seconds: the reader's, and poll's thread at the end */
} kafka_source;

static void slot_recycle(kslot *s)
{
    for (size_t i = 0; i < s->nmsgs; i++) rd_kafka_message_destroy(s->msgs[i]);
    s->nmsgs = 0;
    s->nadv = 0;
    s->rc = SL_OK;
    sl_err_clear(&s->err);
    sl_batch_reset(&s->rows);
}

static int find_part(const kafka_source *ks, const char *topic, int32_t part)
{
    for (int i = 0; i < ks->nparts; i++)
        if (ks->parts[i].part == part && strcmp(ks->parts[i].topic, topic) == 0) return i;
    return -1;
}

/* The partition of a message: records come in runs of one partition, so first the last one,
** by its topic handle. */
static int part_of(kafka_source *ks, const rd_kafka_message_t *m)
{
    if (!m->rkt) return -1;
    if (m->rkt == ks->msg_rkt && ks->parts[ks->msg_part].part == m->partition)
        return ks->msg_part;
    int pi = find_part(ks, rd_kafka_topic_name(m->rkt), m->partition);
    if (pi >= 0) {
        ks->msg_rkt = m->rkt;
        ks->msg_part = pi;
    }
    return pi;
}

static int add_part(kafka_source *ks, const char *topic, int32_t part, int32_t leader)
{
    if (ks->nparts == ks->cap) {
        ks->cap = ks->cap ? ks->cap * 2 : 16;
        ks->parts = sl_realloc(ks->parts, sizeof(kpart) * (size_t)ks->cap);
    }
    kpart *p = &ks->parts[ks->nparts];
    p->topic = sl_arena_strdup(&ks->ar, topic);
    p->part = part;
    p->leader = leader;
    p->next = -1;
    p->from = -1;
    p->end = INT64_MAX;
    p->done = 0;
    p->adv_fill = 0;
    p->adv_idx = 0;
    ks->remaining++;
    return ks->nparts++;
}

static void mark_done(kafka_source *ks, kpart *p)
{
    if (!p->done) {
        p->done = 1;
        ks->remaining--;
    }
}

static int topic_wanted(kafka_source *ks, const char *name)
{
    if (ks->use_pattern) return regexec(&ks->pattern, name, 0, NULL, 0) == 0;
    for (int i = 0; i < ks->ntopics; i++)
        if (strcmp(ks->topics[i], name) == 0) return 1;
    return 0;
}

/*
** Read the cluster's metadata and add the partitions of wanted topics not seen yet. With
** pattern subscription all topics are listed; otherwise only ours (a missing named topic is
** an error at start-up).
*/
static int discover(kafka_source *ks, int *added, int first, sl_err *err)
{
    const struct rd_kafka_metadata *md = NULL;
    *added = 0;
    int rc = sl_kafka_wait_metadata(
        ks->rk, &ks->ev, sl_opt_str(&ks->table->opts, "properties.bootstrap.servers", "?"), &md,
        err);
    if (rc) return rc;
    for (int i = 0; i < ks->ntopics && !ks->use_pattern && first; i++) {
        int found = 0;
        for (int t = 0; t < md->topic_cnt; t++)
            if (strcmp(md->topics[t].topic, ks->topics[i]) == 0 && !md->topics[t].err) found = 1;
        if (!found) {
            rc = sl_kafka_error(err, SL_CONNECTOR, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
                                "topic '%s' is not available", ks->topics[i]);
            break;
        }
    }
    for (int t = 0; t < md->topic_cnt && !rc; t++) {
        const struct rd_kafka_metadata_topic *mt = &md->topics[t];
        if (mt->err || !topic_wanted(ks, mt->topic)) continue;
        for (int p = 0; p < mt->partition_cnt; p++)
            if (find_part(ks, mt->topic, mt->partitions[p].id) < 0) {
                add_part(ks, mt->topic, mt->partitions[p].id, mt->partitions[p].leader);
                (*added)++;
            }
    }
    rd_kafka_metadata_destroy(md);
    return rc;
}

static int watermarks(kafka_source *ks, const kpart *p, int64_t *lo, int64_t *hi, sl_err *err)
{
    rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(ks->rk, p->topic, p->part, lo, hi, METADATA_TIMEOUT_MS);
    if (e)
        return sl_kafka_error(err, SL_UNAVAILABLE, e,
                              "cannot read the offsets of topic '%s' partition %d", p->topic,
                              (int)p->part);
    return SL_OK;
}

/* Offsets of a list for a timestamp (offsets_for_times) or the group (committed). */
static int lookup_offsets(kafka_source *ks, int from, int timestamps, int64_t ts, int64_t *out,
                          sl_err *err)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->nparts - from);
    for (int i = from; i < ks->nparts; i++)
        rd_kafka_topic_partition_list_add(l, ks->parts[i].topic, ks->parts[i].part)->offset = ts;
    rd_kafka_resp_err_t e = timestamps ? rd_kafka_offsets_for_times(ks->rk, l, METADATA_TIMEOUT_MS)
                                       : rd_kafka_committed(ks->rk, l, METADATA_TIMEOUT_MS);
    int rc = SL_OK;
    if (e) {
        rc = sl_kafka_error(err, SL_UNAVAILABLE, e, "cannot look up %s offsets",
                            timestamps ? "timestamp" : "committed");
    } else {
        for (int i = 0; i < l->cnt; i++) {
            if (l->elems[i].err) {
                rc = sl_kafka_error(err, SL_CONNECTOR, l->elems[i].err,
                                    "cannot look up offsets of topic '%s' partition %d",
                                    l->elems[i].topic, (int)l->elems[i].partition);
                break;
            }
            out[i] = l->elems[i].offset;
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* The start position of partitions [from, nparts): absolute or logical offsets. */
static int start_offsets(kafka_source *ks, int from, int64_t *start, sl_err *err)
{
    const sl_optset *os = &ks->table->opts;
    int n = ks->nparts - from;
    int mode = from > 0 ? START_EARLIEST : ks->start; /* discovered later: from the beginning */
    for (int i = 0; i < n; i++) start[i] = RD_KAFKA_OFFSET_BEGINNING;
    switch (mode) {
    case START_LATEST:
        /* The end as of start-up, resolved now: librdkafka would resolve END lazily, after the
        ** assignment, and records produced in between would be skipped. */
        for (int i = 0; i < n; i++) {
            int64_t lo, hi;
            int rc = watermarks(ks, &ks->parts[from + i], &lo, &hi, err);
            if (rc) return rc;
            start[i] = hi;
        }
        return SL_OK;
    case START_GROUP:
        for (int i = 0; i < n; i++) start[i] = RD_KAFKA_OFFSET_STORED;
        return SL_OK;
    case START_TIMESTAMP: {
        int rc = lookup_offsets(ks, from, 1, sl_opt_long(os, "scan.startup.timestamp-millis", 0),
                                start, err);
        if (rc) return rc;
        for (int i = 0; i < n; i++)
            if (start[i] < 0) start[i] = RD_KAFKA_OFFSET_END; /* nothing at or after it yet */
        return SL_OK;
    }
    case START_SPECIFIC: {
        int *parts, cnt;
        int64_t *offs;
        sl_kafka_parse_offsets(&ks->ar, sl_optset_get(os, "scan.startup.specific-offsets"), &parts,
                               &offs, &cnt);
        /* Partitions not listed: the group's committed offset, else the earliest (Flink). */
        for (int i = 0; i < n; i++) start[i] = ks->group ? RD_KAFKA_OFFSET_STORED
                                                         : RD_KAFKA_OFFSET_BEGINNING;
        for (int k = 0; k < cnt; k++)
            for (int i = 0; i < n; i++)
                if (ks->parts[from + i].part == parts[k]) start[i] = offs[k];
        return SL_OK;
    }
    default: return SL_OK;
    }
}

/* Bounded reading: end offsets, absolute starts, and partitions with nothing to read. */
static int resolve_bounds(kafka_source *ks, int64_t *start, sl_err *err)
{
    const sl_optset *os = &ks->table->opts;
    int n = ks->nparts, rc;
    int64_t *end = sl_arena_alloc(&ks->ar, sizeof(int64_t) * (size_t)(n + 1));
    int64_t *committed = NULL;
    if (ks->bound == BOUND_GROUP || ks->start == START_GROUP ||
        (ks->start == START_SPECIFIC && ks->group)) {
        committed = sl_arena_alloc(&ks->ar, sizeof(int64_t) * (size_t)(n + 1));
        if ((rc = lookup_offsets(ks, 0, 0, 0, committed, err))) return rc;
    }
    if (ks->bound == BOUND_TIMESTAMP &&
        (rc = lookup_offsets(ks, 0, 1, sl_opt_long(os, "scan.bounded.timestamp-millis", 0), end,
                             err)))
        return rc;
    int *sparts = NULL, scnt = 0;
    int64_t *soffs = NULL;
    if (ks->bound == BOUND_SPECIFIC)
        sl_kafka_parse_offsets(&ks->ar, sl_optset_get(os, "scan.bounded.specific-offsets"),
                               &sparts, &soffs, &scnt);
    for (int i = 0; i < n; i++) {
        kpart *p = &ks->parts[i];
        int64_t lo, hi;
        if ((rc = watermarks(ks, p, &lo, &hi, err))) return rc;
        switch (ks->bound) {
        case BOUND_LATEST: p->end = hi; break;
        case BOUND_GROUP: p->end = committed[i] >= 0 ? committed[i] : lo; break;
        case BOUND_TIMESTAMP: p->end = end[i] >= 0 ? end[i] : hi; break;
        case BOUND_SPECIFIC:
            p->end = -1; /* partitions not listed are not read */
            for (int k = 0; k < scnt; k++)
                if (soffs && sparts[k] == p->part) p->end = soffs[k];
            break;
        default: break;
        }
        int64_t s = start[i];
        if (s == RD_KAFKA_OFFSET_BEGINNING) s = lo;
        else if (s == RD_KAFKA_OFFSET_END) s = hi;
        else if (s == RD_KAFKA_OFFSET_STORED) {
            if (committed && committed[i] >= 0) s = committed[i];
            else if (ks->start == START_SPECIFIC) s = lo;
            else s = -1; /* no committed offset: auto.offset.reset decides when reading */
        }
        if (s >= 0) {
            start[i] = s;
            p->from = s;
            if (s >= p->end) mark_done(ks, p);
        }
    }
    return SL_OK;
}

static int assign_all(kafka_source *ks, const int64_t *start_new, int from, sl_err *err)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->nparts);
    for (int i = 0; i < ks->nparts; i++) {
        kpart *p = &ks->parts[i];
        if (p->done) continue;
        int64_t off = i >= from ? start_new[i - from] : p->next >= 0 ? p->next
                                                                        : RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_topic_partition_list_add(l, p->topic, p->part)->offset = off;
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(ks->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e) return sl_kafka_error(err, SL_CONNECTOR, e, "cannot assign the partitions to read");
    return SL_OK;
}

/* ---- records to rows ------------------------------------------------------------------ */

static const char *ts_type_name(rd_kafka_timestamp_type_t t)
{
    return t == RD_KAFKA_TIMESTAMP_CREATE_TIME      ? "CreateTime"
           : t == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime"
                                                     : "NoTimestampType";
}

/* The headers of a record as MAP<STRING, BYTES>; duplicate names: the last wins. */
static sl_value headers_value(sl_arena *ar, const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *h = NULL;
    sl_value v = {0};
    v.tag = SL_V_MAP;
    if (rd_kafka_message_headers(m, &h) || !h) {
        v.u.list = sl_arena_alloc(ar, sizeof(sl_value)); /* no headers: an empty map */
        return v;
    }
    size_t cnt = rd_kafka_header_cnt(h);
    sl_value *kv = sl_arena_alloc(ar, sizeof(sl_value) * (2 * cnt + 1));
    size_t n = 0;
    for (size_t i = 0; i < cnt; i++) {
        const char *name;
        const void *val;
        size_t sz;
        if (rd_kafka_header_get_all(h, i, &name, &val, &sz)) break;
        size_t j;
        for (j = 0; j < n; j++)
            if (kv[j].n == strlen(name) && memcmp(kv[j].u.z, name, kv[j].n) == 0) break;
        if (j == n) n++;
        kv[j] = sl_string(name, strlen(name));
        kv[cnt + j] = val ? sl_bytes(val, sz) : sl_null();
    }
    /* keys are kv[0..n), values kv[cnt..cnt+n): make them contiguous */
    memmove(kv + n, kv + cnt, sizeof(sl_value) * n);
    v.n = (uint32_t)n;
    v.u.list = kv;
    return v;
}

static int fill_metadata(kafka_source *ks, const rd_kafka_message_t *m, sl_row *row,
                         sl_arena *ar, sl_err *err)
{
    const sl_schema *s = &ks->table->schema;
    for (int i = 0; i < ks->ncol; i++) {
        int meta = ks->lay.meta[i];
        if (!meta || !ks->needed[i]) continue;
        sl_value v = sl_null();
        rd_kafka_timestamp_type_t tt;
        int64_t ts;
        switch (meta) {
        case SL_KMETA_TOPIC: {
            const char *name = rd_kafka_topic_name(m->rkt);
            v = sl_string(name, strlen(name));
            break;
        }
        case SL_KMETA_PARTITION: v = sl_int(m->partition); break;
        case SL_KMETA_OFFSET: v = sl_int(m->offset); break;
        case SL_KMETA_TIMESTAMP:
            ts = rd_kafka_message_timestamp(m, &tt);
            v = sl_timestamp(sl_floordiv(ts, 1000), (uint32_t)(sl_floormod(ts, 1000) * 1000000));
            break;
        case SL_KMETA_TIMESTAMP_TYPE: {
            rd_kafka_message_timestamp(m, &tt);
            const char *name = ts_type_name(tt);
            v = sl_string(name, strlen(name));
            break;
        }
        case SL_KMETA_HEADERS: v = headers_value(ar, m); break;
        case SL_KMETA_LEADER_EPOCH:
            /* librdkafka 2.0.2 does not report it: unknown, as Java's Optional.empty(). */
            break;
        default: break;
        }
        const sl_type *from = sl_kafka_meta_type(meta);
        if (!sl_type_equal(from, &s->cols[i].type) && v.tag != SL_V_NULL) {
            int rc = sl_cast(&v, from, &s->cols[i].type, 0, ar, &row->col[i], err);
            if (rc) return rc;
        } else {
            row->col[i] = v;
        }
    }
    return SL_OK;
}

static const sl_origin *origin_of(kafka_source *ks, const rd_kafka_message_t *m, sl_arena *ar)
{
    sl_origin *o = sl_arena_alloc(ar, sizeof *o);
    rd_kafka_timestamp_type_t tt;
    o->topic = rd_kafka_topic_name(m->rkt);
    o->partition = m->partition;
    o->offset = m->offset;
    o->timestamp = rd_kafka_message_timestamp(m, &tt);
    o->key = m->key;
    o->klen = m->key_len;
    o->value = m->payload;
    o->vlen = m->len;
    SL_UNUSED(ks);
    return o;
}

/* A record that could not become a row: the policy decides (fail, skip, dead-letter). */
static int bad_record(kafka_source *ks, const rd_kafka_message_t *m, const sl_origin *o,
                      const char *what, sl_err *sub, sl_err *err)
{
    sl_err_set(err, SL_DATA, "topic '%s', partition %d, offset %lld: %s%s",
               rd_kafka_topic_name(m->rkt), (int)m->partition, (long long)m->offset, what,
               sub->msg);
    err->origin = "kafka";
    rd_kafka_headers_t *h = NULL, *copy = NULL;
    if (!rd_kafka_message_headers(m, &h) && h) copy = rd_kafka_headers_copy(h);
    return sl_kafka_dlq_handle(ks->dlq, o, copy, "deserialization", err);
}

static int decode_message(kafka_source *ks, rd_kafka_message_t *m, sl_batch *out, sl_err *err)
{
    sl_err sub = SL_ERR_INIT;
    const sl_origin *o = origin_of(ks, m, &out->ar);
    int rc;
    if (ks->kdec) {
        if (!m->key) {
            if (ks->upsert) return SL_OK; /* a null key produces no row (spec 5.4) */
            for (int i = 0; i < ks->lay.nkey; i++) ks->kvals[i] = sl_null();
        } else {
            rc = ks->kfmt->decode(ks->kdec, m->key, m->key_len, ks->kvals, &out->ar, &sub);
            if (rc == SL_DONE) return SL_OK;
            if (rc) return bad_record(ks, m, o, "cannot decode the key: ", &sub, err);
        }
    }
    int kind = SL_INSERT;
    if (!m->payload && ks->upsert) {
        kind = SL_DELETE;
    } else {
        rc = ks->vfmt->decode(ks->vdec, m->payload, m->len, ks->vvals, &out->ar, &sub);
        if (rc == SL_DONE) return SL_OK;
        if (rc) return bad_record(ks, m, o, "", &sub, err);
    }
    sl_row *row = sl_row_new(&out->ar, ks->ncol);
    row->kind = (uint8_t)kind;
    for (int i = 0; i < ks->lay.nkey; i++) row->col[ks->lay.key[i]] = ks->kvals[i];
    if (kind == SL_INSERT)
        for (int i = 0; i < ks->lay.nvalue; i++) row->col[ks->lay.value[i]] = ks->vvals[i];
    if ((rc = fill_metadata(ks, m, row, &out->ar, &sub)))
        return bad_record(ks, m, o, "metadata: ", &sub, err);
    sl_batch_add(out, row, o);
    return SL_OK;
}

/* ---- the source ----------------------------------------------------------------------- */

static int rediscover(kafka_source *ks, sl_err *err)
{
    int from = ks->nparts, added;
    int rc = discover(ks, &added, 0, err);
    if (rc || !added) return rc;
    int64_t *start = sl_arena_alloc(&ks->ar, sizeof(int64_t) * (size_t)added);
    for (int i = 0; i < added; i++) start[i] = RD_KAFKA_OFFSET_BEGINNING;
    sl_log(SL_LOG_INFO, "kafka", "%s: found %d new partition%s", ks->table->qualified, added,
           added == 1 ? "" : "s");
    return assign_all(ks, start, from, err);
}

/* ---- the reader thread ---------------------------------------------------------------- */

/* Partition p's next offset is now next: remember it in the slot being filled. */
static void advance(kafka_source *ks, kslot *s, int pi, int64_t next)
{
    kpart *p = &ks->parts[pi];
    p->next = next;
    if (p->adv_fill != ks->fills) {
        if (s->nadv == s->advcap) {
            s->advcap = s->advcap ? 2 * s->advcap : 16;
            s->adv = sl_realloc(s->adv, sizeof(*s->adv) * (size_t)s->advcap);
        }
        p->adv_fill = ks->fills;
        p->adv_idx = s->nadv++;
        s->adv[p->adv_idx].idx = pi;
        s->adv[p->adv_idx].pos = (kpos){p->topic, p->part, next};
    }
    s->adv[p->adv_idx].pos.next = next;
}

/*
** Wake the fetchers when they may have stopped. librdkafka 2.0.2 stops fetching while the
** prefetch queue holds queued.min.messages or queued.max.messages.kbytes (the consumer queue's
** totals, as the partition queues forward to it), and its broker thread only looks again when
** something else wakes it, or after a second. So a consumer that has just taken half a queue's
** worth or more since the last wake-up, and finds the queue nearly empty, may be looking at a
** stopped fetcher: it would wait for most of that second every time (a slow consumer after
** each backlog, a fast one after every fetch larger than the queue). Any request through the
** broker thread wakes it, so ask each leader for a partition's watermarks (a cheap ListOffsets).
** Later versions back off for 'fetch.queue.backoff.ms' instead; there this costs one request
** per half queue.
*/
/* The request wakes the broker thread when it is queued; its answer does not matter, and can
** come late when the connection has a long-polling fetch ahead of it, so the reader does not
** wait for it (librdkafka drops a reply that comes after the caller gave up). */
#define WAKE_WAIT_MS 1
static void wake_fetchers(kafka_source *ks)
{
    if (ks->taken_bytes < ks->queue_max_bytes / 2 && ks->taken_msgs < ks->queue_max_msgs / 2)
        return;
    if (rd_kafka_queue_length(ks->q) >= ks->batch) return;
    ks->taken_bytes = ks->taken_msgs = 0;
    ks->wakes++;
    for (int i = 0; i < ks->nparts; i++) {
        const kpart *p = &ks->parts[i];
        int seen = p->done;
        for (int j = 0; j < i && !seen; j++)
            seen = !ks->parts[j].done && ks->parts[j].leader == p->leader;
        if (seen) continue;
        int64_t lo, hi;
        rd_kafka_query_watermark_offsets(ks->rk, p->topic, p->part, &lo, &hi, WAKE_WAIT_MS);
    }
}

/* A numeric setting of the consumer, or dflt. */
static long long conf_number(rd_kafka_t *rk, const char *name, long long dflt)
{
    char buf[64];
    size_t n = sizeof buf;
    if (rd_kafka_conf_get(rd_kafka_conf(rk), name, buf, &n) != RD_KAFKA_CONF_OK) return dflt;
    return atoll(buf);
}

/*
** Bounded: the records left to read, as an upper bound (offsets; compaction and transaction
** markers leave gaps), or 0 when a partition's start is still unknown. A consume call asks for
** no more than that, so the one that gets the last record returns at once instead of waiting
** for a batch that cannot fill.
*/
static size_t records_left(const kafka_source *ks)
{
    uint64_t left = 0;
    for (int i = 0; i < ks->nparts; i++) {
        const kpart *p = &ks->parts[i];
        if (p->done) continue;
        int64_t at = p->next >= 0 ? p->next : p->from;
        if (at < 0 || p->end == INT64_MAX) return 0;
        if (p->end > at) left += (uint64_t)(p->end - at);
    }
    return left ? (size_t)left : 1;
}

/* Consume one batch into s and decode it. Returns 1 when s ends the reading (an error or the
** end of a bounded source, in s->rc). */
static int fill(kafka_source *ks, kslot *s)
{
    sl_err *err = &s->err;
    ks->fills++;
    if (ks->bound && ks->remaining == 0) {
        s->rc = SL_DONE;
        return 1;
    }
    if (ks->discover_ms > 0) {
        int64_t now = sl_now_ms();
        if (now >= ks->next_discover) {
            if ((s->rc = rediscover(ks, err))) return 1;
            ks->next_discover = now + ks->discover_ms;
        }
    }
    rd_kafka_poll(ks->rk, 0); /* serve the error callback */
    if ((s->rc = sl_kafka_events_check(&ks->ev, "reading from Kafka", err))) return 1;
    wake_fetchers(ks);
    size_t want = ks->batch;
    if (ks->bound) {
        size_t left = records_left(ks);
        if (left && left < want) want = left;
    }
    int64_t t0 = sl_now_ns();
    ssize_t n = rd_kafka_consume_batch_queue(ks->q, READER_WAIT_MS, s->msgs, want);
    ks->wait_consume += sl_now_ns() - t0;
    if (n < 0) {
        s->rc = sl_kafka_error(err, SL_CONNECTOR, rd_kafka_last_error(), "consuming from Kafka");
        return 1;
    }
    s->nmsgs = (size_t)n;
    for (ssize_t i = 0; i < n; i++) ks->taken_bytes += (long long)(s->msgs[i]->len + s->msgs[i]->key_len);
    ks->taken_msgs += n;
    for (ssize_t i = 0; i < n; i++) {
        rd_kafka_message_t *m = s->msgs[i];
        int pi = part_of(ks, m);
        kpart *p = pi >= 0 ? &ks->parts[pi] : NULL;
        if (m->err) {
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                /* At the end of what the partition holds: finished if that is past the bound. */
                if (ks->bound && p && m->offset >= p->end) mark_done(ks, p);
                continue;
            }
            char reason[512];
            rd_kafka_resp_err_t fe = rd_kafka_fatal_error(ks->rk, reason, sizeof reason);
            if (fe) {
                s->rc = sl_kafka_error(err, SL_INTERNAL, fe, "fatal consumer error: %s", reason);
                return 1;
            }
            if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
                s->rc = sl_kafka_error(
                    err, SL_CONNECTOR, m->err,
                    "topic '%s' partition %d has no committed offset for group '%s' (or it is "
                    "out of range); set 'properties.auto.offset.reset' to 'earliest' or "
                    "'latest' to choose where to start",
                    p ? p->topic : "?", p ? (int)p->part : -1, ks->group ? ks->group : "");
                return 1;
            }
            if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
                s->rc = sl_kafka_error(err, SL_CONNECTOR, m->err, "reading topic '%s'",
                                       p ? p->topic : "?");
                return 1;
            }
            sl_log(SL_LOG_WARN, "kafka", "%s: %s", ks->table->qualified,
                   rd_kafka_message_errstr(m));
            continue;
        }
        if (!p) continue;
        if (ks->bound && (p->done || m->offset >= p->end)) {
            mark_done(ks, p);
            continue;
        }
        if ((s->rc = decode_message(ks, m, &s->rows, err))) return 1;
        advance(ks, s, pi, m->offset + 1);
        if (ks->bound && p->next >= p->end) mark_done(ks, p);
    }
    if (ks->bound && ks->remaining == 0) {
        s->rc = SL_DONE;
        return 1;
    }
    return 0;
}

static double thread_cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *reader_main(void *arg)
{
    kafka_source *ks = arg;
    pthread_mutex_lock(&ks->mu);
    for (;;) {
        int64_t t0 = sl_now_ns();
        while (!atomic_load(&ks->quit) && ks->published - ks->released >= SLOTS)
            pthread_cond_wait(&ks->freed_cv, &ks->mu);
        ks->wait_slot += sl_now_ns() - t0;
        if (atomic_load(&ks->quit)) break;
        kslot *s = &ks->slots[ks->published % SLOTS];
        pthread_mutex_unlock(&ks->mu);
        int last;
        do { /* a fill that brought nothing keeps the slot */
            slot_recycle(s);
            last = fill(ks, s);
        } while (!last && !s->rows.n && !s->nadv && !atomic_load(&ks->quit));
        pthread_mutex_lock(&ks->mu);
        ks->published++;
        pthread_cond_signal(&ks->filled);
        if (last) break;
    }
    pthread_mutex_unlock(&ks->mu);
    ks->cpu_reader = thread_cpu();
    return NULL;
}

static int reader_start(kafka_source *ks, int max, sl_err *err)
{
    ks->batch = (size_t)(max > 0 ? max : 1);
    ks->queue_max_bytes = conf_number(ks->rk, "queued.max.messages.kbytes", 65536) * 1024;
    ks->queue_max_msgs = conf_number(ks->rk, "queued.min.messages", 100000);
    for (int i = 0; i < SLOTS; i++) {
        sl_batch_init(&ks->slots[i].rows);
        ks->slots[i].msgs = sl_malloc(sizeof(rd_kafka_message_t *) * ks->batch);
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&ks->mu, NULL);
    pthread_cond_init(&ks->filled, &ca);
    pthread_cond_init(&ks->freed_cv, NULL);
    pthread_condattr_destroy(&ca);
    int e = pthread_create(&ks->reader, NULL, reader_main, ks);
    if (e) return sl_err_set(err, SL_INTERNAL, "cannot start the Kafka reader thread: %s",
                             strerror(e));
    ks->reader_started = 1;
    return SL_OK;
}

/* ---- poll: hand over what the reader filled ------------------------------------------- */

static void record_progress(kafka_source *ks, const kslot *s)
{
    for (int i = 0; i < s->nadv; i++) {
        int idx = s->adv[i].idx;
        if (idx >= ks->npos) {
            ks->pos = sl_realloc(ks->pos, sizeof(kpos) * (size_t)(idx + 1));
            for (int j = ks->npos; j <= idx; j++) ks->pos[j].next = -1;
            ks->npos = idx + 1;
        }
        ks->pos[idx] = s->adv[i].pos;
    }
}

static int kafka_poll(sl_source *src, sl_batch *out, int max, int timeout_ms, sl_err *err)
{
    kafka_source *ks = (kafka_source *)src;
    if (ks->ended || (!ks->reader_started && ks->bound && ks->remaining == 0)) return SL_DONE;
    if (!ks->reader_started) {
        int rc = reader_start(ks, max, err);
        if (rc) return rc;
    }
    pthread_mutex_lock(&ks->mu);
    /* The rows handed over by the previous poll are no longer in use. */
    if (ks->released != ks->taken) {
        ks->released = ks->taken;
        pthread_cond_signal(&ks->freed_cv);
    }
    if (ks->taken == ks->published) {
        int64_t t0 = sl_now_ns();
        struct timespec dl;
        clock_gettime(CLOCK_MONOTONIC, &dl);
        dl.tv_sec += timeout_ms / 1000;
        dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (dl.tv_nsec >= 1000000000L) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000L;
        }
        while (ks->taken == ks->published)
            if (pthread_cond_timedwait(&ks->filled, &ks->mu, &dl) == ETIMEDOUT) break;
        ks->wait_poll += sl_now_ns() - t0;
    }
    int ready = ks->taken < ks->published;
    pthread_mutex_unlock(&ks->mu);
    if (!ready) return SL_OK;

    kslot *s = &ks->slots[ks->taken % SLOTS];
    int n = s->rows.n - ks->given;
    if (n > max) n = max;
    for (int i = ks->given; i < ks->given + n; i++) sl_batch_add(out, s->rows.rows[i], s->rows.orig[i]);
    ks->given += n;
    if (ks->given < s->rows.n) return SL_OK; /* the rest at the next poll */
    /* The whole slot is handed over: its progress counts, and what ended it is reported. */
    ks->given = 0;
    ks->taken++;
    record_progress(ks, s);
    if (s->rc == SL_DONE) {
        ks->ended = 1;
        ks->cpu_task = thread_cpu();
    }
    else if (s->rc) *err = s->err;
    return s->rc;
}

/* What poll has handed out, as offsets to commit: the next offset of every partition read. */
static rd_kafka_topic_partition_list_t *progress_list(const kafka_source *ks)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->npos ? ks->npos : 1);
    for (int i = 0; i < ks->npos; i++)
        if (ks->pos[i].next >= 0)
            rd_kafka_topic_partition_list_add(l, ks->pos[i].topic, ks->pos[i].part)->offset =
                ks->pos[i].next;
    return l;
}

static int kafka_commit(sl_source *src, sl_err *err)
{
    kafka_source *ks = (kafka_source *)src;
    int rc = sl_kafka_dlq_flush(ks->dlq, err);
    if (rc || !ks->commit) return rc;
    rd_kafka_topic_partition_list_t *l = progress_list(ks);
    rd_kafka_resp_err_t e = l->cnt ? rd_kafka_commit(ks->rk, l, 0) : RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_topic_partition_list_destroy(l);
    if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET)
        return sl_kafka_error(err, SL_CONNECTOR, e, "committing offsets of group '%s'", ks->group);
    return SL_OK;
}

static void kafka_close(sl_source *src)
{
    kafka_source *ks = (kafka_source *)src;
    if (ks->reader_started) {
        pthread_mutex_lock(&ks->mu);
        atomic_store(&ks->quit, 1);
        pthread_cond_signal(&ks->freed_cv);
        pthread_mutex_unlock(&ks->mu);
        rd_kafka_queue_yield(ks->q); /* out of a consume call that waits */
        pthread_join(ks->reader, NULL);
        sl_log(SL_LOG_DEBUG, "kafka",
               "%s: the reader waited %.3f s for records and %.3f s for a free slot; poll "
               "waited %.3f s for the reader; CPU: reader %.3f s, task %.3f s; fetchers woken %d "
               "times (queue limits %lld KiB, %lld messages)",
               ks->table->qualified, (double)ks->wait_consume / 1e9,
               (double)ks->wait_slot / 1e9, (double)ks->wait_poll / 1e9, ks->cpu_reader,
               ks->cpu_task, ks->wakes, ks->queue_max_bytes / 1024, ks->queue_max_msgs);
        for (int i = 0; i < SLOTS; i++) {
            slot_recycle(&ks->slots[i]);
            sl_batch_free(&ks->slots[i].rows);
            sl_free(ks->slots[i].msgs);
            sl_free(ks->slots[i].adv);
        }
        pthread_cond_destroy(&ks->filled);
        pthread_cond_destroy(&ks->freed_cv);
        pthread_mutex_destroy(&ks->mu);
    }
    sl_free(ks->pos);
    if (ks->kdec) ks->kfmt->decoder_free(ks->kdec);
    if (ks->vdec) ks->vfmt->decoder_free(ks->vdec);
    if (ks->q) rd_kafka_queue_destroy(ks->q);
    if (ks->rk) {
        rd_kafka_consumer_close(ks->rk);
        rd_kafka_destroy(ks->rk);
    }
    sl_kafka_events_free(&ks->ev);
    sl_kafka_dlq_free(ks->dlq);
    if (ks->use_pattern) regfree(&ks->pattern);
    sl_free(ks->parts);
    sl_arena_free(&ks->ar);
    sl_free(ks);
}

static const sl_source_vt kafka_source_vt = {kafka_poll, kafka_commit, kafka_close};

int sl_kafka_source_txn_offsets(sl_source *src, rd_kafka_topic_partition_list_t **offsets,
                                rd_kafka_consumer_group_metadata_t **group)
{
    if (!src || src->vt != &kafka_source_vt) return 0;
    kafka_source *ks = (kafka_source *)src;
    if (!ks->commit) return 0;
    rd_kafka_topic_partition_list_t *l = progress_list(ks);
    *offsets = l;
    *group = rd_kafka_consumer_group_metadata(ks->rk);
    return 1;
}

static int make_decoder(kafka_source *ks, const sl_source_ctx *ctx, const char *slot,
                        const int *idx, int n, const char *strip, const sl_format_desc **fd,
                        sl_decoder **dec, sl_err *err)
{
    *fd = sl_registry_slot_format(ctx->reg, ctx->table, slot);
    if (!*fd) return sl_err_set(err, SL_CONFIG, "no format for '%s'", slot);
    sl_format_ctx *fc = sl_format_ctx_build(&ks->ar, ctx->table, slot, idx, n, strip);
    fc->topic = ks->ntopics == 1 ? ks->topics[0] : NULL;
    return (*fd)->decoder_new(fc, dec, err);
}

static int parse_modes(kafka_source *ks, const sl_optset *os)
{
    static const char *const starts[] = {"earliest-offset", "latest-offset", "group-offsets",
                                         "timestamp", "specific-offsets"};
    static const char *const bounds[] = {"unbounded", "latest-offset", "group-offsets",
                                         "timestamp", "specific-offsets"};
    const char *s = ks->upsert ? "earliest-offset" : sl_opt_str(os, "scan.startup.mode",
                                                                "group-offsets");
    const char *b = sl_opt_str(os, "scan.bounded.mode", "unbounded");
    for (int i = 0; i < 5; i++) {
        if (sl_strcaseeq(s, starts[i])) ks->start = i;
        if (sl_strcaseeq(b, bounds[i])) ks->bound = i;
    }
    return SL_OK;
}

static int open_source(const sl_source_ctx *ctx, int upsert, sl_source **out, sl_err *err)
{
    const sl_tabledef *t = ctx->table;
    const sl_optset *os = &t->opts;
    kafka_source *ks = sl_calloc(1, sizeof *ks);
    ks->base.vt = &kafka_source_vt;
    ks->table = t;
    ks->job = ctx->job;
    ks->needed = ctx->needed;
    ks->upsert = upsert;
    ks->ncol = t->schema.ncol;
    sl_arena_init(&ks->ar, 4096);
    sl_kafka_layout_build(&ks->ar, t, upsert, &ks->lay);
    ks->kvals = sl_arena_calloc(&ks->ar, sizeof(sl_value) * (size_t)(ks->lay.nkey + 1));
    ks->vvals = sl_arena_calloc(&ks->ar, sizeof(sl_value) * (size_t)(ks->lay.nvalue + 1));
    ks->topics = sl_kafka_topics(&ks->ar, t, &ks->ntopics);
    const char *pattern = sl_optset_get(os, "topic-pattern");
    int rc = SL_OK;
    if (pattern) {
        char anchored[1024];
        snprintf(anchored, sizeof anchored, "^(%s)$", pattern);
        if (regcomp(&ks->pattern, anchored, REG_EXTENDED | REG_NOSUB))
            rc = sl_err_set(err, SL_CONFIG, "invalid 'topic-pattern'");
        else ks->use_pattern = 1;
    }
    parse_modes(ks, os);
    ks->group = sl_optset_get(os, "properties.group.id");
    ks->commit = ks->group != NULL;
    ks->discover_ms = ks->bound ? 0 : sl_opt_duration_ms(os, "scan.topic-partition-discovery.interval",
                                                         300000);
    ks->next_discover = sl_now_ms() + ks->discover_ms;

    /* assign() needs a group object; without the user's group.id nothing is committed, so a
    ** generated id only names the client. */
    char gid[512];
    snprintf(gid, sizeof gid, "sluice-%s", t->qualified);
    const char *reset = sl_optset_get(os, "properties.auto.offset.reset");
    const char *overrides[] = {"enable.auto.commit", "false",
                               "enable.auto.offset.store", "false",
                               "enable.partition.eof", "true",
                               "auto.offset.reset", reset ? reset : "error",
                               ks->group ? NULL : "group.id", gid,
                               NULL};
    char errstr[512];
    if (!rc && ks->lay.key_slot)
        rc = make_decoder(ks, ctx, ks->lay.key_slot, ks->lay.key, ks->lay.nkey, ks->lay.key_prefix,
                          &ks->kfmt, &ks->kdec, err);
    if (!rc)
        rc = make_decoder(ks, ctx, ks->lay.value_slot, ks->lay.value, ks->lay.nvalue, NULL,
                          &ks->vfmt, &ks->vdec, err);
    if (!rc) rc = sl_kafka_dlq_open(t, ctx->job, &ks->dlq, err);
    rd_kafka_conf_t *conf = rc ? NULL : sl_kafka_conf(t, SL_KAFKA_CONSUMER, overrides, NULL,
                                                      &ks->ev, err);
    if (!rc && !conf) rc = err->code;
    if (!rc && (rc = sl_kafka_observe(&ks->ev, conf, SL_KAFKA_CONSUMER, ctx->job->name,
                                      t->qualified, ctx->probe, err)))
        rd_kafka_conf_destroy(conf);
    if (!rc) {
        ks->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
        if (!ks->rk) {
            rd_kafka_conf_destroy(conf);
            rc = sl_err_set(err, SL_CONNECTOR, "cannot create a Kafka consumer: %s", errstr);
        }
    }
    int added = 0;
    if (!rc) rc = discover(ks, &added, 1, err);
    if (!rc) {
        int64_t *start = sl_arena_alloc(&ks->ar, sizeof(int64_t) * (size_t)(ks->nparts + 1));
        rc = start_offsets(ks, 0, start, err);
        if (!rc && ks->bound) rc = resolve_bounds(ks, start, err);
        if (!rc) rc = assign_all(ks, start, 0, err);
    }
    if (!rc) ks->q = rd_kafka_queue_get_consumer(ks->rk);
    if (rc) {
        kafka_close(&ks->base);
        return rc;
    }
    sl_log(SL_LOG_INFO, "kafka", "%s: reading %d partition%s%s", t->qualified, ks->nparts,
           ks->nparts == 1 ? "" : "s", ks->bound ? " up to the bound" : "");
    *out = &ks->base;
    return SL_OK;
}

static int kafka_source_open(const sl_source_ctx *ctx, sl_source **out, sl_err *err)
{
    return open_source(ctx, 0, out, err);
}

static int upsert_kafka_source_open(const sl_source_ctx *ctx, sl_source **out, sl_err *err)
{
    return open_source(ctx, 1, out, err);
}

const sl_rt_connector sl_rt_kafka = {"kafka", kafka_source_open, sl_kafka_sink_open};
const sl_rt_connector sl_rt_upsert_kafka = {"upsert-kafka", upsert_kafka_source_open,
                                            sl_upsert_kafka_sink_open};
