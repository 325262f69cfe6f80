/*
** connectors/kafka/client.c — librdkafka configuration and logging for the Kafka connectors.
**
** properties.* options go to librdkafka with the prefix removed; librdkafka itself tells an
** unknown property from an invalid value, and both become errors naming the option (with
** its value masked when it is a secret). librdkafka's log lines go through sluice's logger.
**
** SPDX-License-Identifier: MIT
*/
#include <stdarg.h>
#include <stdio.h>

#include "base/log.h"
#include "connectors/kafka/kafka.h"

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    SL_UNUSED(rk);
    /* syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug */
    sl_loglevel l = level <= 3 ? SL_LOG_ERROR : level == 4 ? SL_LOG_WARN
                                            : level <= 6   ? SL_LOG_INFO
                                                           : SL_LOG_DEBUG;
    if (SL_LOG_ENABLED(l)) sl_log(l, "kafka", "%s: %s", fac, buf);
}

static int set(rd_kafka_conf_t *conf, const char *key, const char *val, int from_properties,
               sl_err *err)
{
    char errstr[512];
    rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, key, val, errstr, sizeof errstr);
    if (r == RD_KAFKA_CONF_OK) return SL_OK;
    if (r == RD_KAFKA_CONF_UNKNOWN)
        return sl_err_set(err, SL_CONFIG, "Kafka client property '%s' is not known to librdkafka%s",
                          key, from_properties ? " (check the 'properties.' option's name)" : "");
    int secret = sl_opt_is_secret(NULL, key);
    return sl_err_set(err, SL_CONFIG, "Invalid value '%s' for Kafka client property '%s': %s",
                      secret ? "******" : val, key, secret ? "invalid value" : errstr);
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

rd_kafka_conf_t *sl_kafka_conf(const sl_tabledef *t, const char *const *overrides,
                               const char *bootstrap, sl_err *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, log_cb);
    int rc = SL_OK;
    /* librdkafka's own client.id default says "rdkafka"; say who we are. */
    rc = set(conf, "client.id", "sluice", 0, err);
    for (int i = 0; i < t->opts.n && !rc; i++) {
        const sl_opt *o = &t->opts.items[i];
        if (strncmp(o->key, "properties.", 11) != 0) continue;
        if (bootstrap && strcmp(o->key, "properties.bootstrap.servers") == 0) continue;
        rc = set(conf, o->key + 11, o->val, 1, err);
        if (rc) sl_err_locate(err, o->key_off, o->key_len);
    }
    if (!rc && bootstrap) rc = set(conf, "bootstrap.servers", bootstrap, 0, err);
    for (int i = 0; overrides && overrides[i] && !rc; i += 2)
        rc = set(conf, overrides[i], overrides[i + 1], 0, err);
    if (rc) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}
