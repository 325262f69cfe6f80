/*
** connectors/kafka/options.c — option tables and validation of the Kafka connectors.
**
** The names, defaults and messages are Flink's (spec/flink-semantics.md sections 5 and 6), so
** a DDL written for Flink validates the same way here. Checks that span several options or
** the schema (primary key, key prefix, formats' own rules) run in the validate hook, at
** CREATE TABLE, pointing at the option concerned.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>

#include "connectors/kafka/kafka.h"

static const sl_opt_def upsert_kafka_opts[] = {
    {"connector", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0, "Must be 'upsert-kafka'."},
    {"topic", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "The topic to read from; a single name."},
    {"properties.bootstrap.servers", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "Comma-separated list of Kafka brokers (host:port)."},
    {"properties.", SL_OPT_PREFIX, 0, NULL, NULL, 1, 0,
     "Any librdkafka client property, passed through with the 'properties.' prefix removed."},
    {"key.format", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "Format of the message key: json, csv or raw. The key holds the PRIMARY KEY columns, in PRIMARY KEY order."},
    {"value.format", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "Format of the message value: json, csv or raw."},
    {"key.fields-prefix", SL_OPT_STRING, 0, NULL, NULL, 1, 0,
     "Prefix of the key columns' names in the table, removed for the key format. Needs "
     "'value.fields-include' = 'EXCEPT_KEY'."},
    {"value.fields-include", SL_OPT_ENUM, 0, "ALL", "ALL|EXCEPT_KEY", 1, 0,
     "Whether the value also carries the key columns (ALL) or not (EXCEPT_KEY)."},
    {"scan.bounded.mode", SL_OPT_ENUM, 0, "unbounded", "unbounded|latest-offset", 1, 0,
     "unbounded: read forever. latest-offset: stop at the end offsets seen at start-up, so the "
     "job finishes by itself."},
};

static int option_error(const sl_tabledef *t, const char *key, sl_err *err, const char *fmt,
                        const char *a, const char *b)
{
    const sl_opt *o = sl_optset_find(&t->opts, key);
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, a, b);
    if (o) return sl_err_at(err, SL_CONFIG, o->key_off, o->key_len, "%s", msg);
    return sl_err_at(err, SL_CONFIG, t->opts.offset, t->opts.len, "%s", msg);
}

void sl_kafka_layout_upsert(sl_arena *ar, const sl_tabledef *t, sl_kafka_layout *out)
{
    const sl_schema *s = &t->schema;
    int except_key = sl_strcaseeq(sl_opt_str(&t->opts, "value.fields-include", "ALL"),
                                  "EXCEPT_KEY");
    out->nkey = s->npk;
    out->key = sl_arena_alloc(ar, sizeof(int) * (size_t)(s->npk + 1));
    memcpy(out->key, s->pk, sizeof(int) * (size_t)s->npk);
    out->value = sl_arena_alloc(ar, sizeof(int) * (size_t)(s->ncol + 1));
    out->nvalue = 0;
    for (int i = 0; i < s->ncol; i++) {
        if (s->cols[i].kind != SL_COL_PHYSICAL) continue;
        if (except_key && sl_schema_in_pk(s, i)) continue;
        out->value[out->nvalue++] = i;
    }
    out->key_prefix = sl_optset_get(&t->opts, "key.fields-prefix");
}

static int validate_format(const sl_tabledef *t, const sl_registry *reg, const char *slot,
                           const int *idx, int n, const char *strip, sl_err *err)
{
    const sl_format_desc *fd = sl_registry_slot_format(reg, t, slot);
    if (!fd) return SL_OK; /* the registry already reported an unknown format */
    if (fd->mode != SL_CL_INSERT_ONLY)
        return option_error(t, slot, err,
                            "'upsert-kafka' connector doesn't support '%s' as %s format, because "
                            "it is not in insert-only mode.",
                            fd->name, strcmp(slot, "key.format") == 0 ? "key" : "value");
    if (!fd->validate) return SL_OK;
    sl_arena ar;
    sl_arena_init(&ar, 2048);
    sl_format_ctx *ctx = sl_format_ctx_build(&ar, t, slot, idx, n, strip);
    ctx->topic = sl_optset_get(&t->opts, "topic");
    int rc = fd->validate(ctx, err);
    sl_arena_free(&ar);
    if (rc) {
        const sl_opt *o = sl_optset_find(&t->opts, slot);
        if (o) sl_err_locate(err, o->val_off, o->val_len);
    }
    return rc;
}

static int upsert_kafka_validate(const sl_tabledef *t, const sl_registry *reg, sl_err *err)
{
    const sl_schema *s = &t->schema;
    if (s->npk == 0)
        return sl_err_at(err, SL_CONFIG, t->opts.offset, t->opts.len,
                         "'upsert-kafka' tables require to define a PRIMARY KEY constraint. The "
                         "PRIMARY KEY specifies which columns should be read from or write to "
                         "the Kafka message key. The PRIMARY KEY also defines records in the "
                         "'upsert-kafka' table should update or delete on which keys.");
    const char *topic = sl_optset_get(&t->opts, "topic");
    if (topic && (strchr(topic, ';') || !*topic))
        return option_error(t, "topic", err,
                            "Option 'topic' must name exactly one topic, but was '%s'%s.", topic,
                            "");
    const char *prefix = sl_optset_get(&t->opts, "key.fields-prefix");
    if (prefix && *prefix) {
        if (!sl_strcaseeq(sl_opt_str(&t->opts, "value.fields-include", "ALL"), "EXCEPT_KEY"))
            return option_error(t, "key.fields-prefix", err,
                                "A key prefix is not allowed when option 'value.fields-include' "
                                "is set to 'ALL'. Set it to 'EXCEPT_KEY' instead to avoid field "
                                "overlaps.%s%s",
                                "", "");
        for (int k = 0; k < s->npk; k++) {
            const char *name = s->cols[s->pk[k]].name;
            if (strncmp(name, prefix, strlen(prefix)) != 0)
                return option_error(t, "key.fields-prefix", err,
                                    "All fields in 'key.fields' must be prefixed with '%s' when "
                                    "option 'key.fields-prefix' is set but field '%s' is not "
                                    "prefixed.",
                                    prefix, name);
        }
    }
    sl_arena ar;
    sl_arena_init(&ar, 1024);
    sl_kafka_layout lay;
    sl_kafka_layout_upsert(&ar, t, &lay);
    int rc = validate_format(t, reg, "key.format", lay.key, lay.nkey, prefix, err);
    if (!rc) rc = validate_format(t, reg, "value.format", lay.value, lay.nvalue, NULL, err);
    sl_arena_free(&ar);
    return rc;
}

static const char *const upsert_slots[] = {"key.format", "value.format", NULL};

const sl_connector_desc sl_conn_upsert_kafka = {
    .name = "upsert-kafka",
    .opts = upsert_kafka_opts,
    .nopts = (int)SL_ARRAY_LEN(upsert_kafka_opts),
    .flags = SL_CONN_SOURCE | SL_CONN_REQUIRES_PK,
    .source_mode = SL_CL_BIT(SL_INSERT) | SL_CL_BIT(SL_UPDATE_AFTER) | SL_CL_BIT(SL_DELETE),
    .sink_mode = SL_CL_UPSERT,
    .format_slots = upsert_slots,
    .meta = NULL,
    .nmeta = 0,
    .doc = "Reads a Kafka topic as a changelog keyed by the message key: a value upserts the "
           "row of its key, a null value (tombstone) deletes it.",
    .validate = upsert_kafka_validate,
};
