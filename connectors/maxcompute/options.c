/*
** connectors/maxcompute/options.c — the 'maxcompute' connector's option table and its checks at
** CREATE TABLE (see options.h).
**
** Names, types, defaults and ranges are MaxComputeSinkConnectorConfig's (spec/maxcompute-tunnel.md
** 5.1). What the Java connector finds at start-up (a buffer size out of range, STS without its
** role, CSV with mode DEFAULT) sluice reports at CREATE TABLE, pointing at the option, as it
** does for every connector (docs/architecture.md, "Option validation at CREATE TABLE"). Two
** checks are stricter than the Java connector, because what it does is never what a user wants:
** JSON and FLATTEN with mode DEFAULT fail every record there (so skip_error would drop them all),
** and an error topic with only one of its two options is silently disabled there.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/maxcompute/options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static const sl_opt_def mc_opts[] = {
    {"connector", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0, "Must be 'maxcompute'."},
    {"endpoint", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "MaxCompute REST endpoint, an http:// or https:// URL "
     "(http://service.cn-shanghai.maxcompute.aliyun.com/api)."},
    {"tunnel_endpoint", SL_OPT_STRING, 0, "", NULL, 1, 0,
     "Tunnel endpoint URL; empty: asked from the REST service (tunnel endpoint discovery)."},
    {"project", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "Project of the target table (also the default project of requests)."},
    {"schema", SL_OPT_STRING, 0, "", NULL, 1, 0,
     "Schema of the target table in a project with the three-tier model; empty: none."},
    {"table", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0,
     "Target table; it must have the STRING partition column `pt`."},
    {"account_type", SL_OPT_ENUM, 0, "ALIYUN", "ALIYUN|STS", 1, 0,
     "ALIYUN: sign requests with access_id/access_key. STS: assume the role role_name of "
     "account account_id in region region_id with them, and sign with the temporary "
     "credentials (case-insensitive)."},
    {"access_id", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0, "AccessKey ID."},
    {"access_key", SL_OPT_STRING, SL_OPT_REQUIRED | SL_OPT_SECRET, NULL, NULL, 1, 0,
     "AccessKey secret; masked wherever options are shown."},
    {"account_id", SL_OPT_STRING, 0, "", NULL, 1, 0, "STS: the account owning the role."},
    {"sts.endpoint", SL_OPT_STRING, 0, "sts.aliyuncs.com", NULL, 1, 0,
     "STS: host of the STS service (HTTPS)."},
    {"region_id", SL_OPT_STRING, 0, "", NULL, 1, 0, "STS: region id (cn-shanghai)."},
    {"role_name", SL_OPT_STRING, 0, "", NULL, 1, 0, "STS: name of the RAM role to assume."},
    {"client_timeout_ms", SL_OPT_LONG, 0, "39600000", NULL, 0, INT64_MAX,
     "The longest any HTTP exchange with MaxCompute or STS may take; STS credentials and "
     "pooled connections older than this are renewed (the legacy connector's STS client "
     "rebuild interval; 2.1.0 ignores it)."},
    {"format", SL_OPT_ENUM, 0, NULL, "TEXT|BINARY|CSV|JSON|FLATTEN", 1, 0,
     "Record mode: the table's columns are the Kafka record (`topic`, `partition`, `offset`, "
     "`key`, `value`, optional `timestamp`) and key/value are converted as the Java "
     "connector does: TEXT and BINARY copy them to the `key`/`value` columns; CSV parses one "
     "CSV line and FLATTEN one JSON object into the remote data columns; JSON writes the text "
     "to a JSON column. Absent: the table's columns map by name to the remote table's."},
    {"mode", SL_OPT_ENUM, 0, "DEFAULT", "DEFAULT|KEY|VALUE", 1, 0,
     "Record mode: which of key and value is written (DEFAULT: both; only TEXT and BINARY "
     "allow it). Needs 'format'."},
    {"partition_window_type", SL_OPT_ENUM, 0, "HOUR", "DAY|HOUR|MINUTE", 1, 0,
     "Granularity of the `pt` partition value, computed from the processing time."},
    {"use_new_partition_format", SL_OPT_BOOL, 0, "false", NULL, 1, 0,
     "false: pt like 07-13-2023 21 (MM-dd-yyyy HH); true: 2023-07-13 21 (yyyy-MM-dd HH)."},
    {"time_zone", SL_OPT_STRING, 0, NULL, NULL, 1, 0,
     "Time zone of the `pt` value: a region id (Asia/Shanghai), UTC, GMT, Z, or an offset "
     "(+08:00, UTC+8). Default: the process's local time zone, as the JVM default zone."},
    {"use_streaming", SL_OPT_BOOL, 0, "false", NULL, 1, 0,
     "Write through the streaming tunnel instead of batch upload sessions."},
    {"buffer_size_kb", SL_OPT_INT, 0, "65536", NULL, 1024, 1024000,
     "Writer buffer in KiB: a batch block is sent at 90 % of it; streaming: the pack size."},
    {"sink_pool_size", SL_OPT_INT, 0, NULL, NULL, 1, 1024,
     "Number of writer threads; default: the number of CPUs."},
    {"record_batch_size", SL_OPT_INT, 0, "8000", NULL, 1, INT32_MAX,
     "Records queued per topic-partition that trigger an early flush and commit."},
    {"retry_times", SL_OPT_INT, 0, "3", NULL, 1, 0,
     "Retries of a failed commit or pack flush, 10 s apart; a negative value means 3."},
    {"skip_error", SL_OPT_BOOL, 0, "false", NULL, 1, 0,
     "Drop records that cannot be converted (when no error topic is set) instead of failing "
     "the job. Write and commit errors are never skipped."},
    {"runtime.error.topic.name", SL_OPT_STRING, 0, "", NULL, 1, 0,
     "Kafka topic receiving the records that cannot be converted (with their key, value and "
     "timestamp); needs 'runtime.error.topic.bootstrap.servers'."},
    {"runtime.error.topic.bootstrap.servers", SL_OPT_STRING, 0, "", NULL, 1, 0,
     "Brokers of the error topic (host:port,...)."},
};

/* ---- helpers -------------------------------------------------------------------------- */

/* Errors point at the option's value: the values are what is wrong here. */
#define opt_error(t, key, err, ...) sl_table_opt_error(t, key, 1, err, __VA_ARGS__)

static const char *str(const sl_tabledef *t, const char *key)
{
    return sl_opt_str(&t->opts, key, "");
}

static int is_url(const char *s)
{
    return (strncmp(s, "http://", 7) == 0 && s[7]) || (strncmp(s, "https://", 8) == 0 && s[8]);
}

/* [+-]h, hh, hh:mm, hhmm, hh:mm:ss, hhmmss within ±18:00, as java.time.ZoneOffset.of. */
static int valid_offset(const char *s)
{
    if (*s != '+' && *s != '-') return 0;
    s++;
    int d[6] = {0}, n = 0;
    for (; *s && n < 6; s++) {
        if (*s >= '0' && *s <= '9') d[n++] = *s - '0';
        else if (*s != ':' || (n != 2 && n != 4)) return 0;
    }
    if (*s || n == 0 || n == 3 || n == 5) return 0;
    int h = n == 1 ? d[0] : d[0] * 10 + d[1];
    int m = n >= 4 ? d[2] * 10 + d[3] : 0, sec = n == 6 ? d[4] * 10 + d[5] : 0;
    return m < 60 && sec < 60 && h * 3600 + m * 60 + sec <= 18 * 3600;
}

/* A zone id java.time.ZoneId.of accepts, for the ids this system's time zone database knows. */
static int valid_zone(const char *z)
{
    if (!*z) return 0;
    if (strcmp(z, "Z") == 0 || valid_offset(z)) return 1;
    static const char *const prefixes[] = {"UTC", "GMT", "UT"};
    for (size_t i = 0; i < SL_ARRAY_LEN(prefixes); i++) {
        size_t l = strlen(prefixes[i]);
        if (strncmp(z, prefixes[i], l) == 0 && (!z[l] || valid_offset(z + l))) return 1;
    }
    for (const char *p = z; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("/_-+.~", *p)))
            return 0;
    if (z[0] == '/' || z[0] == '.' || strstr(z, "..")) return 0;
    const char *dir = getenv("TZDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", z);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- record mode ---------------------------------------------------------------------- */

static const char *const rec_names[SL_MC_REC_COUNT] = {"topic", "partition", "offset",
                                                       "timestamp", "key", "value"};

const char *sl_mc_reccol_name(int col)
{
    return col >= 0 && col < SL_MC_REC_COUNT ? rec_names[col] : "?";
}

static int rec_type_ok(int col, const sl_type *ty)
{
    switch (col) {
    case SL_MC_REC_TOPIC: return sl_type_is_string(ty);
    case SL_MC_REC_PARTITION: return ty->id == SL_TYPE_INT || ty->id == SL_TYPE_BIGINT;
    case SL_MC_REC_OFFSET: return ty->id == SL_TYPE_BIGINT;
    case SL_MC_REC_TIMESTAMP: return ty->id == SL_TYPE_TIMESTAMP_LTZ && ty->precision == 3;
    default: return sl_type_is_string(ty) || sl_type_is_binary(ty);
    }
}

static const char *const rec_types[SL_MC_REC_COUNT] = {
    "STRING", "INT or BIGINT", "BIGINT", "TIMESTAMP_LTZ(3)", "BYTES or STRING", "BYTES or STRING"};

static int rec_error(const sl_tabledef *t, const sl_column *c, sl_err *err, const char *fmt, ...)
    SL_PRINTF(4, 5);
static int rec_error(const sl_tabledef *t, const sl_column *c, sl_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c) sl_err_vat(err, SL_CONFIG, c->offset, c->len, fmt, ap);
    else sl_err_vat(err, SL_CONFIG, t->offset, t->len, fmt, ap);
    va_end(ap);
    return SL_CONFIG;
}

int sl_mc_record_columns(const sl_tabledef *t, int idx[SL_MC_REC_COUNT], sl_err *err)
{
    const sl_schema *s = &t->schema;
    const char *fmt = str(t, "format");
    for (int k = 0; k < SL_MC_REC_COUNT; k++) idx[k] = -1;
    for (int i = 0; i < s->ncol; i++) {
        const sl_column *c = &s->cols[i];
        if (c->kind != SL_COL_PHYSICAL) continue; /* computed columns are never written */
        int k = 0;
        while (k < SL_MC_REC_COUNT && strcmp(rec_names[k], c->name) != 0) k++;
        if (k == SL_MC_REC_COUNT) {
            const char *hint = sl_suggest(c->name, rec_names, SL_MC_REC_COUNT);
            return rec_error(t, c, err,
                             "Column '%s' is not a Kafka record column.%s%s%s With 'format' = "
                             "'%s' the table's columns are the Kafka record: `topic` STRING, "
                             "`partition` INT, `offset` BIGINT, `key` BYTES, `value` BYTES and "
                             "optionally `timestamp` TIMESTAMP_LTZ(3); the format fills the "
                             "remote table's columns from the key or value. Without 'format', "
                             "columns map to the remote table's columns by name.",
                             c->name, hint ? " Did you mean '" : "", hint ? hint : "",
                             hint ? "'?" : "", fmt);
        }
        if (idx[k] >= 0)
            return rec_error(t, c, err, "Column '%s' is declared twice.", c->name);
        if (!rec_type_ok(k, &c->type)) {
            sl_buf b = SL_BUF_INIT;
            sl_type_render(&b, &c->type);
            rec_error(t, c, err,
                      "Column '%s' has type %s; with 'format' = '%s' it must be %s (the Kafka "
                      "record's %s).",
                      c->name, b.p, fmt, rec_types[k], rec_names[k]);
            sl_buf_free(&b);
            return SL_CONFIG;
        }
        idx[k] = i;
    }
    char missing[128] = "";
    size_t used = 0;
    for (int k = 0; k < SL_MC_REC_COUNT; k++)
        if (idx[k] < 0 && k != SL_MC_REC_TIMESTAMP)
            used += (size_t)snprintf(missing + used, sizeof missing - used, "%s`%s`",
                                     used ? ", " : "", rec_names[k]);
    if (used) {
        const sl_opt *o = sl_optset_find(&t->opts, "format");
        return sl_err_at(err, SL_CONFIG, o ? o->val_off : t->offset, o ? o->val_len : t->len,
                         "With 'format' = '%s' the table must have the Kafka record's columns "
                         "`topic`, `partition`, `offset`, `key` and `value`; missing: %s.",
                         fmt, missing);
    }
    return SL_OK;
}

/* ---- the validate hook ---------------------------------------------------------------- */

static int mc_validate(const sl_tabledef *t, const sl_registry *reg, sl_err *err)
{
    SL_UNUSED(reg);
    static const char *const nonempty[] = {"endpoint", "project", "table"};
    for (size_t i = 0; i < SL_ARRAY_LEN(nonempty); i++)
        if (!*str(t, nonempty[i]))
            return opt_error(t, nonempty[i], err, "Option '%s' must not be empty.", nonempty[i]);
    if (!is_url(str(t, "endpoint")))
        return opt_error(t, "endpoint", err,
                         "Invalid value '%s' for option 'endpoint'. Expected an http:// or "
                         "https:// URL such as "
                         "'http://service.cn-shanghai.maxcompute.aliyun.com/api'.",
                         str(t, "endpoint"));
    if (*str(t, "tunnel_endpoint") && !is_url(str(t, "tunnel_endpoint")))
        return opt_error(t, "tunnel_endpoint", err,
                         "Invalid value '%s' for option 'tunnel_endpoint'. Expected an http:// or "
                         "https:// URL, or '' to discover the tunnel endpoint.",
                         str(t, "tunnel_endpoint"));

    if (sl_strcaseeq(sl_opt_str(&t->opts, "account_type", "ALIYUN"), "STS")) {
        static const char *const sts[] = {"account_id", "region_id", "role_name"};
        char missing[128] = "";
        size_t used = 0;
        for (size_t i = 0; i < SL_ARRAY_LEN(sts); i++)
            if (!*str(t, sts[i]))
                used += (size_t)snprintf(missing + used, sizeof missing - used, "%s'%s'",
                                         used ? ", " : "", sts[i]);
        if (used)
            return opt_error(t, "account_type", err,
                             "'account_type' = 'STS' assumes the role 'role_name' of account "
                             "'account_id' in region 'region_id'; missing or empty: %s.",
                             missing);
    }

    const char *topic = str(t, "runtime.error.topic.name");
    const char *servers = str(t, "runtime.error.topic.bootstrap.servers");
    if (!*topic != !*servers)
        return opt_error(t, *topic ? "runtime.error.topic.name"
                                   : "runtime.error.topic.bootstrap.servers",
                         err,
                         "The error topic needs both 'runtime.error.topic.name' and "
                         "'runtime.error.topic.bootstrap.servers'; only '%s' is set.",
                         *topic ? "runtime.error.topic.name"
                                : "runtime.error.topic.bootstrap.servers");

    const char *tz = sl_optset_get(&t->opts, "time_zone");
    if (tz && !valid_zone(tz))
        return opt_error(t, "time_zone", err,
                         "Invalid value '%s' for option 'time_zone'. Expected a region id known "
                         "to the time zone database (Asia/Shanghai), UTC, GMT, Z, or an offset "
                         "(+08:00, UTC+8).",
                         tz);

    const char *fmt = sl_optset_get(&t->opts, "format");
    if (!fmt) {
        if (sl_optset_get(&t->opts, "mode"))
            return opt_error(t, "mode", err,
                             "Option 'mode' applies only with 'format' (record mode): it says "
                             "which of the Kafka record's key and value is written.");
        return SL_OK;
    }
    const char *mode = sl_opt_str(&t->opts, "mode", "DEFAULT");
    if (sl_strcaseeq(mode, "DEFAULT") && !sl_strcaseeq(fmt, "TEXT") &&
        !sl_strcaseeq(fmt, "BINARY"))
        return opt_error(t, sl_optset_get(&t->opts, "mode") ? "mode" : "format", err,
                         "'format' = '%s' converts either the key or the value: set 'mode' to "
                         "'KEY' or 'VALUE' (mode 'DEFAULT' writes both and is allowed only with "
                         "TEXT and BINARY).",
                         fmt);
    int idx[SL_MC_REC_COUNT];
    return sl_mc_record_columns(t, idx, err);
}

const sl_connector_desc sl_conn_maxcompute = {
    .name = "maxcompute",
    .opts = mc_opts,
    .nopts = (int)SL_ARRAY_LEN(mc_opts),
    .flags = SL_CONN_SINK | SL_CONN_UPSERT_SINK,
    .source_mode = 0,
    .sink_mode = SL_CL_UPSERT,
    .doc = "Writes to a MaxCompute (ODPS) table through the Tunnel service, into the partition "
           "`pt` of the processing time, as the MaxCompute Kafka connector does. Append-only, "
           "unless the table declares a PRIMARY KEY: then updates and deletes are written by "
           "key through the upsert session of a transactional table. With 'format' the table "
           "is a Kafka record converted by that format; without, columns map by name.",
    .validate = mc_validate,
};
