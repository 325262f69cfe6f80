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
** Logging: librdkafka's log lines go through sluice's logger.
**
** SPDX-License-Identifier: MIT
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "connectors/kafka/kafka.h"
#include "connectors/kafka/props.h"

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    SL_UNUSED(rk);
    /* syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug */
    sl_loglevel l = level <= 3 ? SL_LOG_ERROR : level == 4 ? SL_LOG_WARN
                                            : level <= 6   ? SL_LOG_INFO
                                                           : SL_LOG_DEBUG;
    if (SL_LOG_ENABLED(l)) sl_log(l, "kafka", "%s: %s", fac, buf);
}

/* Errors that retrying will not cure: the job should stop with their reason. */
static int is_terminal(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR__AUTHENTICATION || e == RD_KAFKA_RESP_ERR__SSL ||
           e == RD_KAFKA_RESP_ERR__FATAL || e == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED;
}

static void error_cb(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
    sl_kafka_events *ev = opaque;
    if (e == RD_KAFKA_RESP_ERR__FATAL) {
        char why[512];
        e = rd_kafka_fatal_error(rk, why, sizeof why);
        snprintf(ev->last, sizeof ev->last, "%s", why);
    } else {
        snprintf(ev->last, sizeof ev->last, "%s", reason);
    }
    ev->last_code = (rd_kafka_resp_err_t)e;
    if (!ev->terminal && is_terminal((rd_kafka_resp_err_t)e)) ev->terminal = (rd_kafka_resp_err_t)e;
    sl_log(is_terminal((rd_kafka_resp_err_t)e) ? SL_LOG_ERROR : SL_LOG_WARN, "kafka", "%s (%s)",
           reason, rd_kafka_err2name((rd_kafka_resp_err_t)e));
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
    sl_err_set(err, SL_CONNECTOR, "%s: %s (%s)", what, ev->last, rd_kafka_err2name(ev->terminal));
    err->detail = ev->terminal;
    err->origin = "kafka";
    return SL_CONNECTOR;
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
** stays bounded by queued.max.messages.kbytes (measurements: bench/README.md, "Consumer
** prefetch"; the choice: docs/kafka-properties.md).
*/
static const char *const consumer_defaults[] = {
    "queued.min.messages", "1000000",
    "queued.max.messages.kbytes", "65536",
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
