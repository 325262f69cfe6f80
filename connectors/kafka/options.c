/*
** connectors/kafka/options.c — option tables, metadata keys and validation of the Kafka
** connectors, and the table-to-record layout.
**
** Names, defaults and messages are Flink's (spec/flink-semantics.md sections 5 and 6), so a DDL
** written for Flink validates the same way. The bad-record options are Kafka Connect's. Checks
** that span several options or the schema run in the validate hook at CREATE TABLE, pointing at
** the option concerned.
**
** SPDX-License-Identifier: MIT
*/
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "connectors/kafka/kafka.h"

/* ---- metadata keys -------------------------------------------------------------------- */

static const sl_type t_string_nn = {.id = SL_TYPE_VARCHAR, .not_null = 1, .length = SL_MAX_LENGTH};
static const sl_type t_string = {.id = SL_TYPE_VARCHAR, .length = SL_MAX_LENGTH};
static const sl_type t_bytes = {.id = SL_TYPE_VARBINARY, .length = SL_MAX_LENGTH};
static const sl_type t_int_nn = {.id = SL_TYPE_INT, .not_null = 1};
static const sl_type t_int = {.id = SL_TYPE_INT};
static const sl_type t_bigint_nn = {.id = SL_TYPE_BIGINT, .not_null = 1};
static const sl_type t_ltz_nn = {.id = SL_TYPE_TIMESTAMP_LTZ, .not_null = 1, .precision = 3};
static const sl_type t_headers = {.id = SL_TYPE_MAP, .not_null = 1, .elem = &t_string,
                                  .val = &t_bytes};

/* Order matters: index + 1 is the sl_kafka_meta value. */
static const sl_meta_def kafka_meta[] = {
    {"topic", {.id = SL_TYPE_VARCHAR, .not_null = 1, .length = SL_MAX_LENGTH}, 1, 1},
    {"partition", {.id = SL_TYPE_INT, .not_null = 1}, 1, 0},
    {"headers", {.id = SL_TYPE_MAP, .not_null = 1, .elem = &t_string, .val = &t_bytes}, 1, 1},
    {"leader-epoch", {.id = SL_TYPE_INT}, 1, 0},
    {"offset", {.id = SL_TYPE_BIGINT, .not_null = 1}, 1, 0},
    {"timestamp", {.id = SL_TYPE_TIMESTAMP_LTZ, .not_null = 1, .precision = 3}, 1, 1},
    {"timestamp-type", {.id = SL_TYPE_VARCHAR, .not_null = 1, .length = SL_MAX_LENGTH}, 1, 0},
};

int sl_kafka_meta_of(const char *key)
{
    for (size_t i = 0; i < SL_ARRAY_LEN(kafka_meta); i++)
        if (strcmp(kafka_meta[i].key, key) == 0) return (int)i + 1;
    return SL_KMETA_NONE;
}

const sl_type *sl_kafka_meta_type(int meta)
{
    static const sl_type *const types[] = {NULL,     &t_string_nn, &t_int_nn, &t_headers,
                                           &t_int,   &t_bigint_nn, &t_ltz_nn, &t_string_nn};
    return meta > 0 && meta < (int)SL_ARRAY_LEN(types) ? types[meta] : NULL;
}

/* ---- option tables -------------------------------------------------------------------- */

#define OPT_COMMON                                                                             \
    {"topic", SL_OPT_STRING, 0, NULL, NULL, 1, 0,                                              \
     "Topic name, or several separated by ';' (a source reads them all; a sink writes the "   \
     "first unless a writable 'topic' metadata column names one of them)."},                   \
        {"topic-pattern", SL_OPT_STRING, 0, NULL, NULL, 1, 0,                                 \
         "A regular expression (POSIX extended, matched against the whole name) of the "      \
         "topics a source reads; new matching topics are found by partition discovery."},     \
        {"properties.bootstrap.servers", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,    \
         "Comma-separated list of Kafka brokers (host:port)."},                                \
        {"properties.group.id", SL_OPT_STRING, 0, NULL, NULL, 1, 0,                            \
         "Consumer group of a source; when set, offsets are committed to it after the sinks " \
         "flushed (at checkpoints and at the end)."},                                          \
        {"properties.", SL_OPT_PREFIX, 0, NULL, NULL, 1, 0,                                    \
         "A Kafka client property, Java or librdkafka name; see docs/kafka-properties.md."},   \
        {"key.fields-prefix", SL_OPT_STRING, 0, NULL, NULL, 1, 0,                              \
         "Prefix of the key columns' names in the table, removed for the key format; needs "  \
         "'value.fields-include' = 'EXCEPT_KEY'."},                                            \
        {"value.fields-include", SL_OPT_ENUM, 0, "ALL", "ALL|EXCEPT_KEY", 1, 0,                \
         "Whether the value also carries the key columns (ALL) or not (EXCEPT_KEY)."},         \
        {"scan.bounded.mode", SL_OPT_ENUM, 0, "unbounded",                                     \
         "unbounded|latest-offset|group-offsets|timestamp|specific-offsets", 1, 0,             \
         "Where a source stops: never; at the end offsets seen at start-up; at the group's "   \
         "committed offsets; at a timestamp; at given offsets (exclusive)."},                  \
        {"scan.bounded.specific-offsets", SL_OPT_STRING, 0, NULL, NULL, 1, 0,                  \
         "'partition:0,offset:42;partition:1,offset:300' for bounded specific-offsets; "       \
         "partitions not listed are not read."},                                               \
        {"scan.bounded.timestamp-millis", SL_OPT_LONG, 0, NULL, NULL, 0, INT64_MAX,            \
         "Epoch milliseconds for bounded timestamp mode."},                                    \
        {"scan.topic-partition-discovery.interval", SL_OPT_DURATION, 0, "5 min", NULL, 1, 0,   \
         "How often an unbounded source looks for new partitions (and new topics of a "       \
         "pattern); 0 disables."},                                                             \
        {"sink.parallelism", SL_OPT_INT, 0, NULL, NULL, 1, 64,                                 \
         "Number of sink writers, each with its own producer; rows are routed to writers by "  \
         "key hash."},                                                                         \
        {"sink.delivery-guarantee", SL_OPT_ENUM, 0, "at-least-once",                           \
         "none|at-least-once|exactly-once", 1, 0,                                              \
         "none: acks=1, no idempotence; at-least-once: idempotent producer, acks=all, flushed " \
         "at checkpoints and at the end; exactly-once: Kafka transactions committed at "      \
         "checkpoints and at the end."},                                                       \
        {"sink.transactional-id-prefix", SL_OPT_STRING, 0, NULL, NULL, 1, 0,                   \
         "Prefix of the transactional ids of exactly-once writers (<prefix>-<writer>)."},      \
        {"errors.tolerance", SL_OPT_ENUM, 0, "none", "none|all", 1, 0,                         \
         "none: a record that cannot be decoded or written fails the job; all: it is "         \
         "skipped (and sent to the dead-letter topic when one is set)."},                      \
        {"errors.log.enable", SL_OPT_BOOL, 0, "false", NULL, 1, 0,                             \
         "Log each skipped record's topic, partition, offset and error code."},                \
        {"errors.log.include.messages", SL_OPT_BOOL, 0, "false", NULL, 1, 0,                   \
         "Also log the error message, which may quote the record's content."},                 \
        {"errors.deadletterqueue.topic.name", SL_OPT_STRING, 0, NULL, NULL, 1, 0,              \
         "Topic receiving the original key, value and headers of skipped records."},           \
        {"errors.deadletterqueue.bootstrap.servers", SL_OPT_STRING, 0, NULL, NULL, 1, 0,       \
         "Brokers of the dead-letter topic, when not the table's own cluster."},               \
    {                                                                                          \
        "errors.deadletterqueue.context.headers.enable", SL_OPT_BOOL, 0, "false", NULL, 1, 0, \
            "Add __connect.errors.* headers (error, stage, source topic, partition, offset) "   \
            "to dead-letter records."                                                          \
    }

static const sl_opt_def kafka_opts[] = {
    {"connector", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0, "Must be 'kafka'."},
    OPT_COMMON,
    {"format", SL_OPT_STRING, 0, NULL, NULL, 1, 0,
     "Format of the message value (a synonym of 'value.format'): json, csv, raw, avro, "
     "avro-confluent."},
    {"value.format", SL_OPT_STRING, 0, NULL, NULL, 1, 0, "Format of the message value."},
    {"key.format", SL_OPT_STRING, 0, NULL, NULL, 1, 0,
     "Format of the message key; needs 'key.fields'."},
    {"key.fields", SL_OPT_STRING, 0, NULL, NULL, 1, 0,
     "';'-separated physical columns making up the message key, in key order."},
    {"scan.startup.mode", SL_OPT_ENUM, 0, "group-offsets",
     "earliest-offset|latest-offset|group-offsets|timestamp|specific-offsets", 1, 0,
     "Where a source starts. group-offsets: the group's committed offsets, else "
     "'properties.auto.offset.reset'."},
    {"scan.startup.specific-offsets", SL_OPT_STRING, 0, NULL, NULL, 1, 0,
     "'partition:0,offset:42;partition:1,offset:300'; partitions not listed start at the "
     "group's committed offset, else the earliest."},
    {"scan.startup.timestamp-millis", SL_OPT_LONG, 0, NULL, NULL, 0, INT64_MAX,
     "Epoch milliseconds for startup timestamp mode."},
    {"sink.partitioner", SL_OPT_ENUM, 0, "default", "default|fixed|round-robin", 1, 0,
     "default: murmur2 of the key as the Java client (keyless records stick to one partition "
     "per batch); fixed: writer i to partition i % n; round-robin: one partition after the "
     "other (only without 'key.fields')."},
};

static const sl_opt_def upsert_kafka_opts[] = {
    {"connector", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0, "Must be 'upsert-kafka'."},
    OPT_COMMON,
    {"key.format", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "Format of the message key, which holds the PRIMARY KEY columns in PRIMARY KEY order."},
    {"value.format", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "Format of the message value."},
    {"sink.buffer-flush.max-rows", SL_OPT_INT, 0, "0", NULL, 0, INT32_MAX,
     "Buffer the last row of each key; flush when this many distinct keys are buffered "
     "(with 'sink.buffer-flush.interval', both > 0)."},
    {"sink.buffer-flush.interval", SL_OPT_DURATION, 0, "0 ms", NULL, 1, 0,
     "Flush the buffer at this interval (with 'sink.buffer-flush.max-rows', both > 0)."},
};

/* ---- validation helpers --------------------------------------------------------------- */

/* Errors point at the option's key. */
#define opt_error(t, key, err, ...) sl_table_opt_error(t, key, 0, err, __VA_ARGS__)

static int has(const sl_tabledef *t, const char *key)
{
    return sl_optset_get(&t->opts, key) != NULL;
}

static int is(const sl_tabledef *t, const char *key, const char *dflt, const char *val)
{
    return sl_strcaseeq(sl_opt_str(&t->opts, key, dflt), val);
}

int sl_kafka_parse_offsets(sl_arena *ar, const char *text, int **parts, int64_t **offsets,
                           int *n)
{
    int cap = 1;
    for (const char *p = text; *p; p++) cap += *p == ';';
    *parts = sl_arena_alloc(ar, sizeof(int) * (size_t)cap);
    *offsets = sl_arena_alloc(ar, sizeof(int64_t) * (size_t)cap);
    *n = 0;
    const char *p = text;
    while (*p) {
        long part;
        long long off;
        int used = 0;
        if (sscanf(p, " partition : %ld , offset : %lld %n", &part, &off, &used) != 2 || !used ||
            part < 0 || off < 0)
            return -1;
        (*parts)[*n] = (int)part;
        (*offsets)[*n] = off;
        (*n)++;
        p += used;
        if (*p == ';') p++;
        else if (*p) return -1;
    }
    return *n ? 0 : -1;
}

const char **sl_kafka_topics(sl_arena *ar, const sl_tabledef *t, int *n)
{
    const char *topic = sl_optset_get(&t->opts, "topic");
    *n = 0;
    if (!topic) return NULL;
    int cap = 1;
    for (const char *p = topic; *p; p++) cap += *p == ';';
    const char **out = sl_arena_alloc(ar, sizeof(char *) * (size_t)cap);
    const char *p = topic;
    for (;;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && (*p == ' ')) p++, len--;
        while (len && p[len - 1] == ' ') len--;
        if (len) out[(*n)++] = sl_arena_strndup(ar, p, len);
        if (!e) break;
        p = e + 1;
    }
    return out;
}

/* The next name of a 'key.fields' list ("a;b;c") into name, advancing *p; 0 after the last. */
static int next_key_field(const char **p, char *name, size_t cap)
{
    if (!*p) return 0;
    const char *e = strchr(*p, ';');
    size_t len = e ? (size_t)(e - *p) : strlen(*p);
    snprintf(name, cap, "%.*s", (int)len, *p);
    *p = e ? e + 1 : NULL;
    return 1;
}

void sl_kafka_layout_build(sl_arena *ar, const sl_tabledef *t, int upsert, sl_kafka_layout *out)
{
    const sl_schema *s = &t->schema;
    memset(out, 0, sizeof *out);
    out->upsert = upsert;
    out->key = sl_arena_alloc(ar, sizeof(int) * (size_t)(s->ncol + 1));
    out->value = sl_arena_alloc(ar, sizeof(int) * (size_t)(s->ncol + 1));
    out->meta = sl_arena_calloc(ar, sizeof(int) * (size_t)(s->ncol + 1));
    out->key_prefix = sl_optset_get(&t->opts, "key.fields-prefix");
    if (upsert) {
        out->nkey = s->npk;
        memcpy(out->key, s->pk, sizeof(int) * (size_t)s->npk);
        out->key_slot = "key.format";
        out->value_slot = "value.format";
    } else {
        const char *fields = sl_optset_get(&t->opts, "key.fields");
        if (fields && has(t, "key.format")) {
            char name[256];
            for (const char *p = fields; next_key_field(&p, name, sizeof name);) {
                int idx = sl_schema_find(s, name);
                if (idx >= 0) out->key[out->nkey++] = idx;
            }
            out->key_slot = "key.format";
        }
        out->value_slot = has(t, "value.format") ? "value.format" : "format";
    }
    int except_key = is(t, "value.fields-include", "ALL", "EXCEPT_KEY");
    for (int i = 0; i < s->ncol; i++) {
        if (s->cols[i].kind == SL_COL_METADATA) out->meta[i] = sl_kafka_meta_of(s->cols[i].meta_key);
        if (s->cols[i].kind != SL_COL_PHYSICAL) continue;
        int in_key = 0;
        for (int k = 0; k < out->nkey; k++) in_key |= out->key[k] == i;
        if (except_key && in_key) continue;
        out->value[out->nvalue++] = i;
    }
}

static int validate_format(const sl_tabledef *t, const sl_registry *reg, const char *conn,
                           const char *slot, const int *idx, int n, const char *strip,
                           sl_err *err)
{
    const sl_format_desc *fd = sl_registry_slot_format(reg, t, slot);
    if (!fd) return SL_OK; /* absent, or unknown (the registry reported that already) */
    int is_key = strcmp(slot, "key.format") == 0;
    if (fd->mode != SL_CL_INSERT_ONLY) {
        if (is_key)
            return opt_error(t, slot, err,
                             "A key format should only deal with INSERT-only records. But %s has "
                             "a changelog mode of another kind.",
                             fd->name);
        return opt_error(t, slot, err,
                         "'%s' connector doesn't support '%s' as value format, because '%s' is "
                         "not in insert-only mode.",
                         conn, fd->name, fd->name);
    }
    if (!fd->validate) return SL_OK;
    sl_arena ar;
    sl_arena_init(&ar, 2048);
    sl_format_ctx *ctx = sl_format_ctx_build(&ar, t, slot, idx, n, strip);
    int ntopics;
    const char **topics = sl_kafka_topics(&ar, t, &ntopics);
    ctx->topic = ntopics == 1 ? topics[0] : NULL;
    int rc = fd->validate(ctx, err);
    sl_arena_free(&ar);
    if (rc) {
        const sl_opt *o = sl_optset_find(&t->opts, slot);
        if (o) sl_err_locate(err, o->val_off, o->val_len);
    }
    return rc;
}

static int check_offsets_option(const sl_tabledef *t, const char *mode_key, const char *which,
                                sl_err *err)
{
    char key[96];
    const char *mode = sl_optset_get(&t->opts, mode_key);
    if (!mode) return SL_OK;
    if (sl_strcaseeq(mode, "specific-offsets")) {
        snprintf(key, sizeof key, "scan.%s.specific-offsets", which);
        const char *v = sl_optset_get(&t->opts, key);
        if (!v)
            return opt_error(t, mode_key, err,
                             "'%s' is required in 'specific-offsets' %s mode but missing.", key,
                             which);
        sl_arena ar;
        sl_arena_init(&ar, 512);
        int *parts, n;
        int64_t *offs;
        int bad = sl_kafka_parse_offsets(&ar, v, &parts, &offs, &n);
        sl_arena_free(&ar);
        if (bad)
            return opt_error(t, key, err,
                             "Invalid properties '%s' should follow the format "
                             "'partition:0,offset:42;partition:1,offset:300', but is '%s'.",
                             key, v);
        int ntopics;
        sl_arena_init(&ar, 512);
        sl_kafka_topics(&ar, t, &ntopics);
        sl_arena_free(&ar);
        if (ntopics != 1)
            return opt_error(t, key, err,
                             "'%s' needs exactly one topic in 'topic' (the offsets name "
                             "partitions of one topic).",
                             key);
    } else if (sl_strcaseeq(mode, "timestamp")) {
        snprintf(key, sizeof key, "scan.%s.timestamp-millis", which);
        if (!has(t, key))
            return opt_error(t, mode_key, err,
                             "'%s' is required in 'timestamp' %s mode but missing.", key, which);
    } else if (sl_strcaseeq(mode, "group-offsets") && !has(t, "properties.group.id")) {
        return opt_error(t, mode_key, err,
                         "'properties.group.id' is required in 'group-offsets' %s mode.", which);
    }
    return SL_OK;
}

/* Checks shared by both connectors. */
static int validate_common(const sl_tabledef *t, const sl_registry *reg, const char *conn,
                           const sl_kafka_layout *lay, sl_err *err)
{
    int rc;
    if (has(t, "topic") && has(t, "topic-pattern"))
        return opt_error(t, "topic-pattern", err,
                         "Option 'topic' and 'topic-pattern' shouldn't be set together.");
    if (!has(t, "topic") && !has(t, "topic-pattern"))
        return opt_error(t, NULL, err, "Either 'topic' or 'topic-pattern' must be set.");
    if (has(t, "topic")) {
        sl_arena ar;
        sl_arena_init(&ar, 512);
        int n;
        sl_kafka_topics(&ar, t, &n);
        sl_arena_free(&ar);
        if (!n) return opt_error(t, "topic", err, "Option 'topic' names no topic.");
    }
    const char *pattern = sl_optset_get(&t->opts, "topic-pattern");
    if (pattern) {
        regex_t re;
        char anchored[1024];
        snprintf(anchored, sizeof anchored, "^(%s)$", pattern);
        if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB))
            return opt_error(t, "topic-pattern", err,
                             "Option 'topic-pattern' is not a valid regular expression: '%s'.",
                             pattern);
        regfree(&re);
    }
    const char *prefix = sl_optset_get(&t->opts, "key.fields-prefix");
    if (prefix && *prefix) {
        if (!is(t, "value.fields-include", "ALL", "EXCEPT_KEY"))
            return opt_error(t, "key.fields-prefix", err,
                             "A key prefix is not allowed when option 'value.fields-include' is "
                             "set to 'ALL'. Set it to 'EXCEPT_KEY' instead to avoid field "
                             "overlaps.");
        for (int k = 0; k < lay->nkey; k++) {
            const char *name = t->schema.cols[lay->key[k]].name;
            if (strncmp(name, prefix, strlen(prefix)) != 0)
                return opt_error(t, "key.fields-prefix", err,
                                 "All fields in 'key.fields' must be prefixed with '%s' when "
                                 "option 'key.fields-prefix' is set but field '%s' is not "
                                 "prefixed.",
                                 prefix, name);
        }
    }
    if ((rc = check_offsets_option(t, "scan.bounded.mode", "bounded", err))) return rc;
    /* Client properties: a Java name without a librdkafka equivalent, a JKS store, an obs://
    ** keytab ... are errors now, at the option that says so. */
    sl_kafka_settings props = SL_KAFKA_SETTINGS_INIT;
    rc = sl_kafka_translate(&t->opts, SL_KAFKA_BOTH, &props, NULL, err);
    sl_kafka_settings_free(&props);
    if (rc) return rc;
    if (is(t, "sink.delivery-guarantee", "at-least-once", "exactly-once") &&
        !has(t, "sink.transactional-id-prefix"))
        return opt_error(t, "sink.delivery-guarantee", err,
                         "sink.transactional-id-prefix must be specified when using "
                         "DeliveryGuarantee.EXACTLY_ONCE.");
    if (has(t, "errors.deadletterqueue.topic.name") && !is(t, "errors.tolerance", "none", "all"))
        return opt_error(t, "errors.deadletterqueue.topic.name", err,
                         "A dead-letter queue needs 'errors.tolerance' = 'all': with 'none' the "
                         "first bad record fails the job.");
    if (lay->key_slot &&
        (rc = validate_format(t, reg, conn, lay->key_slot, lay->key, lay->nkey, prefix, err)))
        return rc;
    return validate_format(t, reg, conn, lay->value_slot, lay->value, lay->nvalue, NULL, err);
}

static int kafka_validate(const sl_tabledef *t, const sl_registry *reg, sl_err *err)
{
    const sl_schema *s = &t->schema;
    int rc;
    if (has(t, "format") && has(t, "value.format"))
        return opt_error(t, "format", err,
                         "Option 'format' is a synonym of 'value.format'; set only one of them.");
    if (!has(t, "format") && !has(t, "value.format"))
        return opt_error(t, NULL, err, "Could not find required scan format 'value.format'.");
    if (has(t, "key.format") && !has(t, "key.fields"))
        return opt_error(t, "key.format", err,
                         "A key format 'key.format' requires the declaration of one or more of "
                         "key fields using 'key.fields'.");
    if (has(t, "key.fields") && !has(t, "key.format"))
        return opt_error(t, "key.fields", err,
                         "The option 'key.fields' can only be declared if a key format is "
                         "defined using 'key.format'.");
    const char *fields = sl_optset_get(&t->opts, "key.fields");
    if (fields) {
        char name[256];
        for (const char *p = fields; next_key_field(&p, name, sizeof name);) {
            int idx = sl_schema_find(s, name);
            if (idx < 0 || s->cols[idx].kind != SL_COL_PHYSICAL) {
                sl_buf cols = SL_BUF_INIT;
                for (int i = 0, k = 0; i < s->ncol; i++)
                    if (s->cols[i].kind == SL_COL_PHYSICAL)
                        sl_buf_printf(&cols, "%s%s", k++ ? ", " : "", s->cols[i].name);
                opt_error(t, "key.fields", err,
                          "Could not find the field '%s' in the table schema for usage in the "
                          "key format. A key field must be a regular, physical column. The "
                          "following columns can be selected in the 'key.fields' option:\n[%s]",
                          name, cols.p ? cols.p : "");
                sl_buf_free(&cols);
                return SL_CONFIG;
            }
        }
        if (is(t, "sink.partitioner", "default", "round-robin"))
            return opt_error(t, "sink.partitioner", err,
                             "Currently 'round-robin' partitioner only works when option "
                             "'key.fields' is not specified.");
    }
    if (s->npk) {
        const char *fmt = sl_opt_str(&t->opts, "value.format", sl_opt_str(&t->opts, "format", ""));
        const sl_format_desc *fd = sl_registry_format(reg, fmt);
        if (fd && fd->mode == SL_CL_INSERT_ONLY)
            return sl_err_at(err, SL_CONFIG, s->pk_offset, s->pk_len,
                             "The Kafka table '%s' with '%s' format doesn't support defining "
                             "PRIMARY KEY constraint on the table, because it can't guarantee "
                             "the semantic of primary key.",
                             t->qualified, fmt);
    }
    if ((rc = check_offsets_option(t, "scan.startup.mode", "startup", err))) return rc;
    sl_arena ar;
    sl_arena_init(&ar, 1024);
    sl_kafka_layout lay;
    sl_kafka_layout_build(&ar, t, 0, &lay);
    rc = validate_common(t, reg, "kafka", &lay, err);
    sl_arena_free(&ar);
    return rc;
}

static int upsert_kafka_validate(const sl_tabledef *t, const sl_registry *reg, sl_err *err)
{
    if (t->schema.npk == 0)
        return sl_err_at(err, SL_CONFIG, t->opts.offset, t->opts.len,
                         "'upsert-kafka' tables require to define a PRIMARY KEY constraint. The "
                         "PRIMARY KEY specifies which columns should be read from or write to "
                         "the Kafka message key. The PRIMARY KEY also defines records in the "
                         "'upsert-kafka' table should update or delete on which keys.");
    int64_t rows = sl_opt_long(&t->opts, "sink.buffer-flush.max-rows", 0);
    int64_t interval = sl_opt_duration_ms(&t->opts, "sink.buffer-flush.interval", 0);
    if ((rows > 0) != (interval > 0))
        return opt_error(t, rows > 0 ? "sink.buffer-flush.max-rows" : "sink.buffer-flush.interval",
                         err,
                         "'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' must be "
                         "set to be greater than zero together to enable sink buffer flushing.");
    sl_arena ar;
    sl_arena_init(&ar, 1024);
    sl_kafka_layout lay;
    sl_kafka_layout_build(&ar, t, 1, &lay);
    int rc = validate_common(t, reg, "upsert-kafka", &lay, err);
    sl_arena_free(&ar);
    return rc;
}

static const char *const kafka_slots[] = {"key.format", "value.format", "format", NULL};
static const char *const upsert_slots[] = {"key.format", "value.format", NULL};

const sl_connector_desc sl_conn_kafka = {
    .name = "kafka",
    .opts = kafka_opts,
    .nopts = (int)SL_ARRAY_LEN(kafka_opts),
    .flags = SL_CONN_SOURCE | SL_CONN_SINK,
    .source_mode = SL_CL_INSERT_ONLY,
    .sink_mode = SL_CL_INSERT_ONLY,
    .format_slots = kafka_slots,
    .meta = kafka_meta,
    .nmeta = (int)SL_ARRAY_LEN(kafka_meta),
    .doc = "Reads and writes Kafka topics as append-only streams: every record is a new row "
           "(+I). An updating query cannot be written here; use upsert-kafka for that.",
    .validate = kafka_validate,
};

const sl_connector_desc sl_conn_upsert_kafka = {
    .name = "upsert-kafka",
    .opts = upsert_kafka_opts,
    .nopts = (int)SL_ARRAY_LEN(upsert_kafka_opts),
    .flags = SL_CONN_SOURCE | SL_CONN_SINK | SL_CONN_REQUIRES_PK | SL_CONN_UPSERT_SINK,
    .source_mode = SL_CL_BIT(SL_INSERT) | SL_CL_BIT(SL_UPDATE_AFTER) | SL_CL_BIT(SL_DELETE),
    .sink_mode = SL_CL_UPSERT,
    .format_slots = upsert_slots,
    .meta = kafka_meta,
    .nmeta = (int)SL_ARRAY_LEN(kafka_meta),
    .doc = "A Kafka topic as a table keyed by the message key. Read: a value upserts the row of "
           "its key, a null value (tombstone) deletes it, from the earliest offset. Written: "
           "+I/+U as values, -U/-D as tombstones, partitioned by the key as Java clients do.",
    .validate = upsert_kafka_validate,
};
