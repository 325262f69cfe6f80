/*
** connectors/maxcompute/sink.c — the 'maxcompute' sink: rows into a MaxCompute table through
** the Tunnel service.
**
** At open the sink reads the remote table's schema and builds a converter: Kafka records by the
** connector's `format` and `mode` (record mode, convert.h), or SQL columns by name (column
** mode). A mismatch fails the job before anything is read, naming both sides.
**
** Rows are encoded straight into record streams (wire.h), one per partition the batch touches,
** and leave as:
**   batch mode      blocks of an upload session: a block is cut at 90 % of buffer_size_kb and
**                   PUT by the upload pool (sink_pool_size threads) while encoding goes on; at
**                   flush the last block is PUT and the session committed (client.h: status
**                   check after an unclear answer, never a second commit);
**   use_streaming   packs of a stream session, written when a pack reaches the buffer size and
**                   at flush (at-least-once: a retried pack may be applied twice);
**   primary key     when the remote table is transactional, an upsert session: +I/+U upsert,
**                   -D delete, -U skipped; committed at flush.
** flush() is the checkpoint: when it returns, every row written before is committed in
** MaxCompute, and only then does the source commit its Kafka offsets (at-least-once). A flush
** also happens once record_batch_size rows are buffered, which commits MaxCompute data early
** (never Kafka offsets), as the Java connector's early offset commit does.
**
** The partition comes from processing time (partition_window_type, spec 5.3), fixed when the
** first row after a flush arrives, so one batch never spans two partitions — or from SQL
** columns that name the partition columns. Partitions are created when absent.
**
** A row that cannot be converted or encoded is a bad record: with runtime.error.topic.name and
** runtime.error.topic.bootstrap.servers the original Kafka record goes to that topic verbatim
** and the row is skipped; else with skip_error it is dropped (counted, logged); else the job
** fails with the record's topic, partition and offset. Tunnel and commit errors are never
** skipped.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "connectors/kafka/kafka.h"
#include "connectors/maxcompute/client.h"
#include "connectors/maxcompute/convert.h"
#include "connectors/maxcompute/maxcompute.h"
#include "connectors/maxcompute/options.h"
#include "connectors/maxcompute/wire.h"
#include "runtime/connector.h"

/* Block ids of one upload session are 0..19999 (spec 6). */
#define SL_MC_MAX_BLOCKS 20000

/* One partition's open session and the stream being encoded for it. */
typedef struct mc_part {
    char *spec; /* the Tunnel form ("pt=07-13-2023 21"), "" when unpartitioned */
    sl_mc_upload *up;
    sl_mc_stream *st;
    sl_mc_upsert *us;
    sl_mc_writer w;
    int w_ready;
    sl_buf body;     /* the block or pack being encoded */
    uint32_t *ids;   /* blocks submitted in this session */
    int nids, capids;
    uint64_t rows;   /* rows in this session since the last flush */
} mc_part;

typedef struct mc_sink {
    sl_sink base;
    const sl_tabledef *t;
    sl_job_ctx *job;
    const int *tcol;
    int ncol;
    char name[256]; /* project.table (or project.schema.table) for messages */

    sl_mc_client *client;
    sl_arena ar;     /* lives as long as the sink: remote schema, converters */
    sl_arena row_ar; /* reset per write call */
    sl_mc_table table;
    sl_mc_tz *tz;

    int record_mode;
    int rec[SL_MC_REC_COUNT]; /* record mode: row column of each record field, or -1 */
    sl_mc_record_conv *rconv;
    sl_mc_row_conv *qconv;
    sl_mc_partitioning parting;
    sl_value *row; /* one converted row: table.columns.ncol values */

    int window, new_format, streaming, upsert;
    size_t block_bytes; /* cut a block or pack at this encoded size */
    int64_t batch_rows; /* flush after this many buffered rows */
    sl_mc_writer_opts wopts;
    sl_mc_pool *pool;

    mc_part *parts;
    int nparts, capparts;
    sl_buf pt;          /* PART_TIME: the batch's partition spec; empty until the first row */
    sl_buf spec;        /* scratch */
    int64_t buffered;   /* rows since the last flush */

    sl_kafka_dlq *dlq;
} mc_sink;

/* ---- sessions --------------------------------------------------------------------------- */

static void part_free(mc_part *p)
{
    if (p->w_ready) sl_mc_writer_free(&p->w);
    if (p->up) sl_mc_upload_close(p->up);
    if (p->st) sl_mc_stream_close(p->st);
    if (p->us) sl_mc_upsert_close(p->us);
    sl_buf_free(&p->body);
    sl_free(p->ids);
    sl_free(p->spec);
    memset(p, 0, sizeof *p);
}

static const sl_mc_schema *part_schema(const mc_part *p)
{
    if (p->up) return sl_mc_upload_schema(p->up);
    return sl_mc_stream_schema(p->st);
}

/* The open session of partition spec (Tunnel form), opening one when needed. */
static int part_get(mc_sink *s, const char *spec, mc_part **out, sl_err *err)
{
    for (int i = 0; i < s->nparts; i++)
        if (strcmp(s->parts[i].spec, spec) == 0) {
            *out = &s->parts[i];
            return SL_OK;
        }
    if (s->nparts == s->capparts) {
        s->capparts = s->capparts ? s->capparts * 2 : 4;
        s->parts = sl_realloc(s->parts, (size_t)s->capparts * sizeof *s->parts);
    }
    mc_part *p = &s->parts[s->nparts];
    memset(p, 0, sizeof *p);
    p->spec = sl_strdup(spec);
    const char *table = s->table.name;
    const char *part = *spec ? spec : NULL;
    int rc = SL_OK;
    /* The stream session creates a missing partition itself; the others need it first. */
    if (part && !s->streaming) rc = sl_mc_partition_ensure(s->client, table, part, err);
    if (!rc && s->upsert) {
        rc = sl_mc_upsert_open(s->client, table, part, NULL, &p->us, err);
    } else if (!rc && s->streaming) {
        rc = sl_mc_stream_open(s->client, table, part, 1, &p->st, err);
    } else if (!rc) {
        sl_mc_upload_opts o = {.keep_blocks = 1};
        rc = sl_mc_upload_open(s->client, table, part, &o, &p->up, err);
    }
    if (!rc && !s->upsert) {
        sl_mc_writer_opts wo = s->wopts;
        if (p->up) wo.max_field_size = sl_mc_upload_max_field_size(p->up);
        rc = sl_mc_writer_init(&p->w, part_schema(p), &wo, &p->body, err);
        p->w_ready = rc == SL_OK;
    }
    if (rc) {
        part_free(p);
        sl_err_prefix(err, "MaxCompute table %s%s%s: ", s->name, part ? ", partition " : "",
                      part ? part : "");
        return err->code;
    }
    s->nparts++;
    *out = p;
    return SL_OK;
}

/* Send the stream encoded so far as one block (batch) or pack (streaming). */
static int part_cut(mc_sink *s, mc_part *p, sl_err *err)
{
    if (!sl_mc_writer_records(&p->w)) return SL_OK;
    int rc = sl_mc_writer_finish(&p->w, err);
    int deflated = s->wopts.compress == SL_MC_COMPRESS_DEFLATE;
    if (!rc && p->up) {
        if (p->nids == SL_MC_MAX_BLOCKS)
            return sl_err_set(err, SL_CONNECTOR,
                              "MaxCompute table %s: an upload session takes at most %d blocks; "
                              "raise buffer_size_kb or lower record_batch_size",
                              s->name, SL_MC_MAX_BLOCKS);
        if (p->nids == p->capids) {
            p->capids = p->capids ? p->capids * 2 : 16;
            p->ids = sl_realloc(p->ids, (size_t)p->capids * sizeof *p->ids);
        }
        uint32_t id = (uint32_t)p->nids;
        p->ids[p->nids++] = id;
        rc = sl_mc_pool_submit(s->pool, p->up, id, &p->body, deflated, err);
    } else if (!rc) {
        rc = sl_mc_stream_write(p->st, p->body.p, p->body.n, sl_mc_writer_records(&p->w),
                                deflated, err);
    }
    sl_buf_reset(&p->body);
    sl_mc_writer_restart(&p->w, &p->body);
    return rc;
}

/* Make every buffered row durable: last blocks, commits, packs. Closes the sessions. */
static int flush_all(mc_sink *s, sl_err *err)
{
    int rc = SL_OK;
    for (int i = 0; i < s->nparts && !rc; i++) {
        mc_part *p = &s->parts[i];
        if (p->us) rc = sl_mc_upsert_commit(p->us, err);
        else rc = part_cut(s, p, err);
    }
    /* Every block must be in before any session commits. */
    if (s->pool) {
        int wrc = sl_mc_pool_wait(s->pool, rc ? NULL : err);
        if (!rc) rc = wrc;
    }
    for (int i = 0; i < s->nparts && !rc; i++) {
        mc_part *p = &s->parts[i];
        if (p->up && p->nids) rc = sl_mc_upload_commit(p->up, p->ids, p->nids, err);
        if (!rc && p->rows)
            sl_log(SL_LOG_DEBUG, "maxcompute", "%s: committed %llu rows%s%s", s->name,
                   (unsigned long long)p->rows, *p->spec ? " to " : "", p->spec);
    }
    if (rc) {
        sl_err_prefix(err, "MaxCompute table %s: ", s->name);
        return err->code;
    }
    for (int i = 0; i < s->nparts; i++) part_free(&s->parts[i]);
    s->nparts = 0;
    s->buffered = 0;
    sl_buf_reset(&s->pt);
    return sl_kafka_dlq_flush(s->dlq, err);
}

/* ---- rows ------------------------------------------------------------------------------- */

static const sl_value *col(const sl_row *r, int i)
{
    return i >= 0 ? &r->col[i] : NULL;
}

static void record_of(const mc_sink *s, const sl_row *r, sl_mc_kafka_record *rec)
{
    memset(rec, 0, sizeof *rec);
    const sl_value *v;
    if ((v = col(r, s->rec[SL_MC_REC_TOPIC])) && v->tag == SL_V_STRING) {
        rec->topic = v->u.z;
        rec->topic_len = v->n;
    }
    if ((v = col(r, s->rec[SL_MC_REC_PARTITION])) && v->tag == SL_V_INT)
        rec->partition = (int32_t)v->u.i;
    if ((v = col(r, s->rec[SL_MC_REC_OFFSET])) && v->tag == SL_V_INT) rec->offset = v->u.i;
    if ((v = col(r, s->rec[SL_MC_REC_TIMESTAMP])) && v->tag == SL_V_TIMESTAMP) {
        rec->has_timestamp = 1;
        rec->timestamp_ms = v->u.i;
    }
    if ((v = col(r, s->rec[SL_MC_REC_KEY])) && v->tag != SL_V_NULL) {
        rec->key = v->u.z;
        rec->key_len = v->n;
    }
    if ((v = col(r, s->rec[SL_MC_REC_VALUE])) && v->tag != SL_V_NULL) {
        rec->value = v->u.z;
        rec->value_len = v->n;
    }
}

/* A row that cannot be written: the error topic, skip_error or the end of the job. */
static int bad_row(mc_sink *s, const sl_origin *o, const sl_mc_kafka_record *rec, sl_err *err)
{
    if (o && o->topic)
        sl_err_prefix(err, "record at topic '%s', partition %d, offset %lld: ", o->topic,
                      (int)o->partition, (long long)o->offset);
    else if (rec && rec->topic)
        sl_err_prefix(err, "record at topic '%.*s', partition %d, offset %lld: ",
                      (int)rec->topic_len, rec->topic, (int)rec->partition,
                      (long long)rec->offset);
    sl_origin from_rec;
    if ((!o || !o->topic) && rec) {
        /* Record mode without a source origin: the row itself is the Kafka record. */
        from_rec = (sl_origin){.topic = NULL, .partition = rec->partition, .offset = rec->offset,
                               .timestamp = rec->has_timestamp ? rec->timestamp_ms : -1,
                               .key = rec->key, .value = rec->value, .klen = rec->key_len,
                               .vlen = rec->value_len};
        o = &from_rec;
    }
    sl_err_prefix(err, "MaxCompute table %s: ", s->name);
    return sl_kafka_dlq_handle(s->dlq, o, NULL, "conversion", err);
}

static int write_row(mc_sink *s, const sl_row *r, const sl_origin *o, sl_err *err)
{
    int ncols = s->table.columns.ncol;
    for (int i = 0; i < ncols; i++) s->row[i] = sl_null();
    sl_mc_kafka_record rec;
    int rc;
    if (s->record_mode) {
        record_of(s, r, &rec);
        rc = sl_mc_record_convert(s->rconv, &rec, &s->row_ar, s->row, err);
    } else {
        rc = sl_mc_row_convert(s->qconv, r->col, &s->row_ar, s->row, err);
    }
    if (rc == SL_DATA) return bad_row(s, o, s->record_mode ? &rec : NULL, err);
    if (rc) return rc;

    /* The partition: fixed per batch (processing time) or per row (SQL columns). */
    const char *spec = "";
    if (s->parting.kind == SL_MC_PART_TIME) {
        if (!s->pt.n) {
            rc = sl_mc_partition_for(&s->parting, NULL, sl_wall_ms(), s->window, s->new_format,
                                     s->tz, 0, &s->pt, err);
            if (rc) return rc;
        }
        spec = s->pt.p;
    } else if (s->parting.kind == SL_MC_PART_ROW) {
        sl_buf_reset(&s->spec);
        rc = sl_mc_partition_for(&s->parting, r->col, 0, s->window, s->new_format, s->tz, 0,
                                 &s->spec, err);
        if (rc == SL_DATA) return bad_row(s, o, NULL, err);
        if (rc) return rc;
        spec = s->spec.p;
    }
    mc_part *p = NULL;
    rc = part_get(s, spec, &p, err);
    if (rc) return rc;

    if (p->us) {
        if (r->kind == SL_UPDATE_BEFORE) return SL_OK; /* the +U that follows replaces it */
        rc = sl_mc_upsert_write(p->us, r->kind == SL_DELETE ? SL_MC_DELETE : SL_MC_UPSERT, s->row,
                                ncols, err);
        if (rc == SL_DATA) return bad_row(s, o, s->record_mode ? &rec : NULL, err);
    } else {
        rc = sl_mc_write_record(&p->w, s->row, ncols, err);
        if (rc == SL_DATA) return bad_row(s, o, s->record_mode ? &rec : NULL, err);
        if (!rc && sl_mc_writer_size(&p->w) >= s->block_bytes) rc = part_cut(s, p, err);
    }
    if (rc) return rc;
    p->rows++;
    s->buffered++;
    atomic_fetch_add(&s->job->rows_out, 1);
    return SL_OK;
}

static int mc_write(sl_sink *sink, const sl_batch *b, sl_err *err)
{
    mc_sink *s = (mc_sink *)sink;
    int rc = SL_OK;
    for (int i = 0; i < b->n && !rc; i++) {
        rc = write_row(s, b->rows[i], b->orig ? b->orig[i] : NULL, err);
        if (!rc && s->buffered >= s->batch_rows) rc = flush_all(s, err);
    }
    sl_arena_reset(&s->row_ar);
    return rc;
}

static int mc_flush(sl_sink *sink, sl_err *err)
{
    return flush_all((mc_sink *)sink, err);
}

static void mc_close(sl_sink *sink)
{
    mc_sink *s = (mc_sink *)sink;
    /* Sessions not flushed are abandoned uncommitted: their rows were never acknowledged. */
    for (int i = 0; i < s->nparts; i++) part_free(&s->parts[i]);
    sl_free(s->parts);
    if (s->pool) sl_mc_pool_close(s->pool);
    if (s->client) sl_mc_client_close(s->client);
    sl_kafka_dlq_free(s->dlq);
    if (s->tz) sl_mc_tz_free(s->tz);
    sl_buf_free(&s->pt);
    sl_buf_free(&s->spec);
    sl_arena_free(&s->row_ar);
    sl_arena_free(&s->ar);
    sl_free(s);
}

static const sl_sink_vt mc_vt = {mc_write, mc_flush, NULL, mc_close};

/* ---- open ------------------------------------------------------------------------------- */

static const char *opt(const mc_sink *s, const char *key)
{
    const char *v = sl_optset_get(&s->t->opts, key);
    return v && *v ? v : NULL;
}

static int open_client(mc_sink *s, sl_err *err)
{
    sl_mc_client_conf c;
    sl_mc_client_conf_init(&c);
    c.endpoint = opt(s, "endpoint");
    c.tunnel_endpoint = opt(s, "tunnel_endpoint");
    c.project = opt(s, "project");
    c.schema = opt(s, "schema");
    c.account_type = sl_strcaseeq(sl_opt_str(&s->t->opts, "account_type", "ALIYUN"), "STS")
                         ? SL_MC_ACCOUNT_STS
                         : SL_MC_ACCOUNT_ALIYUN;
    c.access_id = sl_opt_str(&s->t->opts, "access_id", "");
    c.access_key = sl_opt_str(&s->t->opts, "access_key", "");
    c.sts_endpoint = opt(s, "sts.endpoint");
    c.region_id = opt(s, "region_id");
    c.account_id = opt(s, "account_id");
    c.role_name = opt(s, "role_name");
    c.client_timeout_ms = sl_opt_long(&s->t->opts, "client_timeout_ms", c.client_timeout_ms);
    c.retry_times = (int)sl_opt_long(&s->t->opts, "retry_times", 3);
    return sl_mc_client_open(&c, &s->client, err);
}

/* Record mode: where each record field is among the rows' columns. */
static int map_record_columns(mc_sink *s, const sl_sink_ctx *ctx, sl_err *err)
{
    int tidx[SL_MC_REC_COUNT];
    int rc = sl_mc_record_columns(s->t, tidx, err);
    if (rc) return rc;
    for (int f = 0; f < SL_MC_REC_COUNT; f++) {
        s->rec[f] = -1;
        for (int i = 0; i < ctx->ncol; i++)
            if (ctx->tcol[i] == tidx[f]) s->rec[f] = i;
    }
    return SL_OK;
}

/* Column mode: the rows' columns as the converter sees them (names and types). */
static int build_row_conv(mc_sink *s, const sl_sink_ctx *ctx, sl_err *err)
{
    const char **names = sl_arena_alloc(&s->ar, (size_t)ctx->ncol * sizeof *names);
    sl_type *types = sl_arena_alloc(&s->ar, (size_t)ctx->ncol * sizeof *types);
    for (int i = 0; i < ctx->ncol; i++) {
        const sl_column *c = &s->t->schema.cols[ctx->tcol[i]];
        names[i] = c->name;
        types[i] = c->type;
    }
    sl_mc_sql_table sql = {ctx->ncol, names, types};
    int rc = sl_mc_row_conv_new(&s->ar, &sql, &s->table.columns, &s->table.partition_keys, s->tz,
                                s->name, &s->qconv, err);
    if (!rc)
        rc = sl_mc_partitioning_new(&s->ar, &s->table.partition_keys, &sql, s->name, &s->parting,
                                    err);
    return rc;
}

/* The SQL table's PRIMARY KEY must be the remote table's, in any order. */
static int check_primary_key(mc_sink *s, const sl_sink_ctx *ctx, sl_err *err)
{
    const sl_schema *sc = &s->t->schema;
    if (!s->table.transactional) {
        if (ctx->upsert)
            return sl_err_set(err, SL_CONFIG,
                              "table '%s' declares a PRIMARY KEY, but MaxCompute table %s is not "
                              "a transactional table with a primary key; an append-only table "
                              "takes inserts only (drop the PRIMARY KEY clause, or create the "
                              "table with a primary key and 'transactional'='true')",
                              s->t->name, s->name);
        return SL_OK;
    }
    if (!sc->npk) return SL_OK;
    int same = sc->npk == s->table.npk;
    for (int i = 0; same && i < sc->npk; i++) {
        int found = 0;
        for (int j = 0; j < s->table.npk; j++)
            found |= sl_strcaseeq(sc->cols[sc->pk[i]].name, s->table.primary_key[j]);
        same = found;
    }
    if (same) return SL_OK;
    sl_buf a = SL_BUF_INIT, b = SL_BUF_INIT;
    for (int i = 0; i < sc->npk; i++) sl_buf_printf(&a, "%s%s", i ? ", " : "", sc->cols[sc->pk[i]].name);
    for (int j = 0; j < s->table.npk; j++)
        sl_buf_printf(&b, "%s%s", j ? ", " : "", s->table.primary_key[j]);
    sl_err_set(err, SL_CONFIG,
               "table '%s' has PRIMARY KEY (%s) in sluice but MaxCompute table %s has primary "
               "key (%s)",
               s->t->name, a.p, s->name, b.p);
    sl_buf_free(&a);
    sl_buf_free(&b);
    return err->code;
}

static int error_policy(mc_sink *s, sl_err *err)
{
    const char *topic = opt(s, "runtime.error.topic.name");
    const char *servers = opt(s, "runtime.error.topic.bootstrap.servers");
    int to_topic = topic && servers; /* spec 5.1: both must be set to enable it */
    sl_kafka_dlq_conf c = {
        .tolerate = to_topic || sl_opt_bool(&s->t->opts, "skip_error", 0),
        .log = 1,
        .log_messages = 1, /* conversion errors name the column, not the record */
        .context = 0, /* the record goes to the error topic verbatim, as the connector does */
        .topic = to_topic ? topic : NULL,
        .bootstrap = servers,
    };
    return sl_kafka_dlq_new(&c, s->t, s->job, &s->dlq, err);
}

static int mc_open(const sl_sink_ctx *ctx, sl_sink **out, sl_err *err)
{
    mc_sink *s = sl_calloc(1, sizeof *s);
    s->base.vt = &mc_vt;
    s->t = ctx->table;
    s->job = ctx->job;
    s->tcol = ctx->tcol;
    s->ncol = ctx->ncol;
    sl_arena_init(&s->ar, 4096);
    sl_arena_init(&s->row_ar, 65536);
    const char *schema = opt(s, "schema");
    snprintf(s->name, sizeof s->name, "%s.%s%s%s", opt(s, "project"), schema ? schema : "",
             schema ? "." : "", opt(s, "table"));

    int rc = sl_mc_window_parse(sl_opt_str(&s->t->opts, "partition_window_type", "HOUR"),
                                &s->window, err);
    s->new_format = sl_opt_bool(&s->t->opts, "use_new_partition_format", 0);
    s->streaming = sl_opt_bool(&s->t->opts, "use_streaming", 0);
    s->block_bytes = (size_t)sl_opt_long(&s->t->opts, "buffer_size_kb", 65536) * 1024 / 10 * 9;
    s->batch_rows = sl_opt_long(&s->t->opts, "record_batch_size", 8000);
    if (s->batch_rows <= 0) s->batch_rows = 8000;
    s->wopts.compress = SL_MC_COMPRESS_DEFLATE;
    s->wopts.level = 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int pool = (int)sl_opt_long(&s->t->opts, "sink_pool_size", cpus > 0 ? cpus : 1);
    if (!rc) rc = sl_mc_tz_load(sl_opt_str(&s->t->opts, "time_zone", "UTC"), &s->tz, err);
    if (!rc) rc = error_policy(s, err);
    if (!rc) rc = open_client(s, err);
    if (!rc) rc = sl_mc_table_get(s->client, opt(s, "table"), &s->ar, &s->table, err);
    if (!rc) {
        s->upsert = s->table.transactional;
        rc = check_primary_key(s, ctx, err);
    }
    if (!rc && s->upsert && s->streaming)
        rc = sl_err_set(err, SL_CONFIG,
                        "MaxCompute table %s has a primary key: it is written through upsert "
                        "sessions, so 'use_streaming' = 'true' cannot be used",
                        s->name);
    const char *format = opt(s, "format");
    s->record_mode = format != NULL;
    if (!rc && s->record_mode) {
        int f, m;
        rc = sl_mc_format_parse(format, &f, err);
        if (!rc) rc = sl_mc_mode_parse(sl_opt_str(&s->t->opts, "mode", "DEFAULT"), &m, err);
        if (!rc) rc = map_record_columns(s, ctx, err);
        if (!rc)
            rc = sl_mc_record_conv_new(&s->ar, f, m, &s->table.columns, s->tz, s->name, &s->rconv,
                                       err);
        if (!rc)
            rc = sl_mc_partitioning_new(&s->ar, &s->table.partition_keys, NULL, s->name,
                                        &s->parting, err);
    } else if (!rc) {
        rc = build_row_conv(s, ctx, err);
    }
    if (!rc && !s->upsert && !s->streaming) rc = sl_mc_pool_open(pool > 0 ? pool : 1, &s->pool, err);
    if (rc == SL_DATA) {
        /* At open, a table that cannot be written (a missing column, an incompatible type, a
        ** format the table does not fit) is a configuration error, not a bad record. */
        rc = err->code = SL_CONFIG;
    }
    if (rc) {
        mc_close(&s->base);
        sl_err_prefix(err, "sink '%s': ", ctx->table->name);
        return err->code;
    }
    s->row = sl_arena_alloc(&s->ar, (size_t)(s->table.columns.ncol ? s->table.columns.ncol : 1) *
                                        sizeof *s->row);
    *out = &s->base;
    return SL_OK;
}

const sl_rt_connector sl_rt_maxcompute = {"maxcompute", NULL, mc_open};
