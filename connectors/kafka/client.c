/*
** connectors/kafka/client.c — librdkafka clients of the Kafka connectors: configuration,
** logging, and the errors librdkafka reports outside any call.
**
** Configuration: the table's 'properties.*' options are translated from the Java client's names
** and values to librdkafka's (props.c, docs/kafka-properties.md), then the connector's own
** settings are applied on top. A krb5.conf named by the table is made the process's
** KRB5_CONFIG, because the GSSAPI library inside the process reads it from there.
**
** Errors: librdkafka reports some failures only through its error callback while it goes on
** retrying — a failed SASL/Kerberos authentication, a TLS handshake failure, a fatal error.
** The callback records them in an sl_kafka_events the client owns; sources and sinks check it
** after each call that serves callbacks, and sl_kafka_wait_metadata fails at once with the
** recorded reason instead of running into a timeout.
**
** Observation: with sl_kafka_observe, librdkafka's statistics (every second, parsed with
** jansson) feed the metrics registry and the client's readiness probe.
**
** Logging: librdkafka's log lines go through sluice's logger, with librdkafka's facility and
** the client's name as fields (secret values are masked there like everywhere else).
**
** SPDX-License-Identifier: MIT
*/
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "connectors/kafka/kafka.h"
#include "connectors/kafka/props.h"

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    /* syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug */
    sl_loglevel l = level <= 3 ? SL_LOG_ERROR : level == 4 ? SL_LOG_WARN
                                            : level <= 6   ? SL_LOG_INFO
                                                           : SL_LOG_DEBUG;
    if (!SL_LOG_ENABLED(l)) return;
    const char *kv[] = {"facility", fac, "client", rk ? rd_kafka_name(rk) : NULL, NULL};
    sl_log_kv(l, "kafka", kv, "%s", buf);
}

/* Errors that retrying will not cure: the job should stop with their reason. */
static int is_terminal(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR__AUTHENTICATION || e == RD_KAFKA_RESP_ERR__SSL ||
           e == RD_KAFKA_RESP_ERR__FATAL || e == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED;
}

#define STATS_INTERVAL_MS "1000"

typedef struct lag_gauge {
    char *topic;
    int32_t partition;
    sl_metric *m;
} lag_gauge;

struct sl_kafka_obs {
    int role;
    char *job, *table;
    sl_probe *probe;
    lag_gauge *lags;
    int nlags, cap;
    sl_metric *queue; /* producers: messages waiting in the client */
};

static void error_cb(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
    sl_kafka_events *ev = opaque;
    if (e == RD_KAFKA_RESP_ERR__FATAL) {
        char why[512];
        rd_kafka_resp_err_t fe = rd_kafka_fatal_error(rk, why, sizeof why);
        snprintf(ev->last, sizeof ev->last, "%s", why);
        ev->fatal = 1;
        /* The underlying error names the cause; __FATAL itself is always terminal. */
        if (!ev->terminal) ev->terminal = fe ? fe : RD_KAFKA_RESP_ERR__FATAL;
        e = fe ? fe : e;
    } else {
        snprintf(ev->last, sizeof ev->last, "%s", reason);
    }
    ev->last_code = (rd_kafka_resp_err_t)e;
    if (!ev->terminal && is_terminal((rd_kafka_resp_err_t)e)) ev->terminal = (rd_kafka_resp_err_t)e;
    if (e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && ev->obs)
        sl_probe_set(ev->obs->probe, 0, "all Kafka brokers are down");
    sl_log(ev->fatal || is_terminal((rd_kafka_resp_err_t)e) ? SL_LOG_ERROR : SL_LOG_WARN, "kafka",
           "%s (%s)", reason,
           rd_kafka_err2name((rd_kafka_resp_err_t)e));
}

/* ---- statistics: metrics and readiness ------------------------------------------------ */

static sl_metric *lag_metric(sl_kafka_obs *o, const char *topic, int32_t partition)
{
    for (int i = 0; i < o->nlags; i++)
        if (o->lags[i].partition == partition && strcmp(o->lags[i].topic, topic) == 0)
            return o->lags[i].m;
    if (o->nlags == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->lags = sl_realloc(o->lags, sizeof(lag_gauge) * (size_t)o->cap);
    }
    char part[16];
    snprintf(part, sizeof part, "%d", (int)partition);
    const char *labels[] = {"job", o->job, "table", o->table, "topic", topic, "partition", part,
                            NULL};
    lag_gauge *g = &o->lags[o->nlags++];
    g->topic = sl_strdup(topic);
    g->partition = partition;
    g->m = sl_metric_get(SL_METRIC_GAUGE, "sluice_kafka_consumer_lag",
                         "Records in the partition after the last one the job read (librdkafka "
                         "statistics: ls_offset or hi_offset minus app_offset).",
                         labels);
    return g->m;
}

static int64_t json_int(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

/* The lag of each partition this consumer reads: end of the partition minus its position. */
static void consumer_stats(sl_kafka_obs *o, json_t *root)
{
    const char *tname, *pname;
    json_t *topic, *part;
    json_object_foreach(json_object_get(root, "topics"), tname, topic) {
        json_object_foreach(json_object_get(topic, "partitions"), pname, part) {
            int64_t id = json_int(part, "partition");
            if (id < 0) continue; /* the internal UA partition */
            int64_t end = json_int(part, "ls_offset");
            if (end < 0) end = json_int(part, "hi_offset");
            int64_t pos = json_int(part, "app_offset");
            if (pos < 0) pos = json_int(part, "next_offset");
            if (end < 0 || pos < 0) continue; /* not known yet */
            sl_metric_set(lag_metric(o, tname, (int32_t)id), (double)(end > pos ? end - pos : 0));
        }
    }
}

static int stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    SL_UNUSED(rk);
    sl_kafka_events *ev = opaque;
    sl_kafka_obs *o = ev->obs;
    json_error_t jerr;
    json_t *root = o ? json_loadb(json, len, 0, &jerr) : NULL;
    if (!root) return 0; /* librdkafka frees json */
    int up = 0;
    const char *name;
    json_t *b;
    json_object_foreach(json_object_get(root, "brokers"), name, b) {
        json_t *state = json_object_get(b, "state");
        if (json_int(b, "nodeid") >= 0 && json_is_string(state) &&
            strcmp(json_string_value(state), "UP") == 0)
            up = 1;
    }
    sl_probe_set(o->probe, up, up ? NULL : "no connection to any Kafka broker");
    if (o->role == SL_KAFKA_CONSUMER) consumer_stats(o, root);
    else sl_metric_set(o->queue, (double)SL_MAX(json_int(root, "msg_cnt"), 0));
    json_decref(root);
    return 0;
}

/* jansson seeds its hash function at the first json_object(); stats_cb parses on whatever
** thread polls a client (a source's reader, a task thread), so seed once, before any of them. */
static pthread_once_t json_seeded = PTHREAD_ONCE_INIT;
static void seed_json(void)
{
    json_object_seed(0);
}

int sl_kafka_observe(sl_kafka_events *ev, rd_kafka_conf_t *conf, int role, const char *job,
                     const char *table, sl_probe *probe, sl_err *err)
{
    pthread_once(&json_seeded, seed_json);
    char errstr[256];
    if (rd_kafka_conf_set(conf, "statistics.interval.ms", STATS_INTERVAL_MS, errstr,
                          sizeof errstr) != RD_KAFKA_CONF_OK)
        return sl_err_set(err, SL_INTERNAL, "cannot enable Kafka client statistics: %s", errstr);
    rd_kafka_conf_set_stats_cb(conf, stats_cb);
    sl_kafka_obs *o = sl_calloc(1, sizeof *o);
    o->role = role;
    o->job = sl_strdup(job ? job : "");
    o->table = sl_strdup(table ? table : "");
    o->probe = probe;
    if (role == SL_KAFKA_PRODUCER) {
        const char *labels[] = {"job", o->job, "table", o->table, NULL};
        o->queue = sl_metric_get(SL_METRIC_GAUGE, "sluice_kafka_producer_queue_messages",
                                 "Records waiting in the Kafka producer (librdkafka msg_cnt).",
                                 labels);
    }
    ev->obs = o;
    return SL_OK;
}

void sl_kafka_events_free(sl_kafka_events *ev)
{
    sl_kafka_obs *o = ev ? ev->obs : NULL;
    if (!o) return;
    for (int i = 0; i < o->nlags; i++) {
        sl_metric_release(o->lags[i].m);
        sl_free(o->lags[i].topic);
    }
    sl_free(o->lags);
    sl_metric_release(o->queue);
    sl_free(o->job);
    sl_free(o->table);
    sl_free(o);
    ev->obs = NULL;
}

int sl_kafka_error(sl_err *err, int code, rd_kafka_resp_err_t e, const char *fmt, ...)
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

int sl_kafka_events_check(const sl_kafka_events *ev, const char *what, sl_err *err)
{
    if (!ev->terminal) return SL_OK;
    int code = ev->fatal ? SL_INTERNAL : SL_CONNECTOR;
    sl_err_set(err, code, "%s: %s%s (%s)", what, ev->fatal ? "unrecoverable Kafka client error: " : "",
               ev->last, rd_kafka_err2name(ev->terminal));
    err->detail = ev->terminal;
    err->origin = "kafka";
    err->fatal = ev->fatal != 0;
    return code;
}

int sl_kafka_wait_metadata(rd_kafka_t *rk, sl_kafka_events *ev, const char *servers,
                           const struct rd_kafka_metadata **md, sl_err *err)
{
    int64_t deadline = sl_now_ms() + SL_KAFKA_CONNECT_TIMEOUT_MS;
    rd_kafka_resp_err_t e;
    for (;;) {
        e = rd_kafka_metadata(rk, 1, NULL, md, 1000);
        if (!e) return SL_OK;
        rd_kafka_poll(rk, 0); /* serve the error callback */
        char what[600];
        snprintf(what, sizeof what, "cannot connect to the Kafka cluster at %s", servers);
        if (sl_kafka_events_check(ev, what, err)) return err->code;
        if (sl_now_ms() >= deadline) break;
    }
    if (ev->last_code)
        return sl_err_set(err, SL_UNAVAILABLE,
                          "cannot read the metadata of the Kafka cluster at %s within %d s: %s "
                          "(last error: %s, %s)",
                          servers, SL_KAFKA_CONNECT_TIMEOUT_MS / 1000, rd_kafka_err2str(e),
                          ev->last, rd_kafka_err2name(ev->last_code));
    return sl_kafka_error(err, SL_UNAVAILABLE, e, "cannot read the metadata of the Kafka cluster "
                                                  "at %s",
                          servers);
}

/* Point the process's KRB5_CONFIG at the table's krb5.conf (the in-process GSSAPI library
** reads it from the environment); a different file already in use is an error. */
static int use_krb5_conf(const char *path, sl_err *err)
{
    const char *cur = getenv("KRB5_CONFIG");
    if (cur && strcmp(cur, path) != 0)
        return sl_err_set(err, SL_CONFIG,
                          "'properties.connector.kerberos.krb5' names %s, but this process "
                          "already uses KRB5_CONFIG=%s; all Kerberos clients of one process "
                          "share one krb5.conf",
                          path, cur);
    if (!cur && setenv("KRB5_CONFIG", path, 1) != 0)
        return sl_err_set(err, SL_CONFIG, "cannot set KRB5_CONFIG");
    return SL_OK;
}

static int set(rd_kafka_conf_t *conf, const char *key, const char *val, sl_err *err)
{
    char errstr[512];
    rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, key, val, errstr, sizeof errstr);
    if (r == RD_KAFKA_CONF_OK) return SL_OK;
    return sl_err_set(err, SL_CONFIG, "Kafka client setting '%s' was refused: %s", key, errstr);
}

/*
** Consumer prefetch defaults, set before the table's properties so that those win. With
** librdkafka 2.0.2's own defaults a consumer that works a few microseconds per message waits
** for the fetcher about 45% of the time; these remove the stall while the prefetched payload
** stays bounded by queued.max.messages.kbytes. 16 MiB is enough because the source's reader
** wakes the fetchers whenever they may have stopped (source.c, wake_fetchers); without that,
** 64 MiB was needed (measurements: bench/README.md; the choice: docs/kafka-properties.md).
*/
static const char *const consumer_defaults[] = {
    "queued.min.messages", "1000000",
    "queued.max.messages.kbytes", "16384",
    "fetch.max.bytes", "8388608",
    NULL};

rd_kafka_conf_t *sl_kafka_conf(const sl_tabledef *t, int role, const char *const *overrides,
                               const char *bootstrap, sl_kafka_events *ev, sl_err *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, log_cb);
    if (ev) {
        memset(ev, 0, sizeof *ev);
        rd_kafka_conf_set_opaque(conf, ev);
        rd_kafka_conf_set_error_cb(conf, error_cb);
    }
    /* librdkafka's own client.id default says "rdkafka"; say who we are. */
    int rc = set(conf, "client.id", "sluice", err);
    for (int i = 0; role == SL_KAFKA_CONSUMER && consumer_defaults[i] && !rc; i += 2) {
        /* fetch.max.bytes must not be below a larger message.max.bytes the user chose. */
        if (!strcmp(consumer_defaults[i], "fetch.max.bytes") &&
            sl_optset_get(&t->opts, "properties.message.max.bytes"))
            continue;
        rc = set(conf, consumer_defaults[i], consumer_defaults[i + 1], err);
    }
    sl_kafka_settings ks = SL_KAFKA_SETTINGS_INIT;
    if (!rc) rc = sl_kafka_translate(&t->opts, role, &ks, NULL, err);
    if (!rc) rc = sl_kafka_settings_apply(&ks, &t->opts, conf, err);
    if (!rc && ks.krb5_conf) rc = use_krb5_conf(ks.krb5_conf, err);
    sl_kafka_settings_free(&ks);
    for (int i = 0; overrides && overrides[i] && !rc; i += 2)
        rc = set(conf, overrides[i], overrides[i + 1], err);
    if (!rc && bootstrap) rc = set(conf, "bootstrap.servers", bootstrap, err);
    if (rc) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}
