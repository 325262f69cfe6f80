/*
** connectors/kafka/props.h — Java Kafka client properties ('properties.*') translated for
** librdkafka.
**
** Flink users configure the Kafka client with the Java client's property names and values
** ('properties.sasl.mechanism' = 'PLAIN', 'properties.sasl.jaas.config' = '...LoginModule
** required ...;', 'properties.ssl.truststore.location' = '...jks'). librdkafka has its own
** names, units and file formats. This module translates one table's 'properties.*' options into
** librdkafka settings so that DDL written for Flink runs unchanged, and reports anything without
** a librdkafka equivalent as a clear error naming the option as the user wrote it. The rules,
** one row per Java property, are in props.c's table and in docs/kafka-properties.md.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CONNECTORS_KAFKA_PROPS_H
#define SL_CONNECTORS_KAFKA_PROPS_H

#include <librdkafka/rdkafka.h>

#include "base/err.h"
#include "base/schema.h"

/* The client the settings are for; bit flags, OR them to translate for both. */
#define SL_KAFKA_CONSUMER 0x1
#define SL_KAFKA_PRODUCER 0x2
#define SL_KAFKA_BOTH     (SL_KAFKA_CONSUMER | SL_KAFKA_PRODUCER)

/* One librdkafka setting. key and value are owned by the list. */
typedef struct sl_kafka_setting {
    char *key;   /* librdkafka property name */
    char *value; /* its value, ready for rd_kafka_conf_set */
    int secret;  /* 1: the value must never be shown (messages, logs, SHOW CREATE TABLE) */
    int opt;     /* index in opts->items of the option it came from */
} sl_kafka_setting;

typedef struct sl_kafka_settings {
    sl_kafka_setting *items; /* in the order of the options they came from */
    int n, cap;
    /*
    ** The krb5.conf named by 'properties.connector.kerberos.krb5', or NULL. The generated
    ** sasl.kerberos.kinit.cmd already exports it to kinit; the GSSAPI library inside this
    ** process reads KRB5_CONFIG from the process environment, so the caller must make that
    ** point at the same file before it creates the client (see docs/kafka-properties.md).
    ** Owned by the list.
    */
    char *krb5_conf;
} sl_kafka_settings;

#define SL_KAFKA_SETTINGS_INIT {NULL, 0, 0, NULL}

/*
** Translate every 'properties.*' option of opts (keys and values as written; other options are
** skipped) into librdkafka settings for a client of `role` (SL_KAFKA_CONSUMER, _PRODUCER or
** _BOTH), appended to *out in option order. A property that only the other role's Java client
** knows (acks for a consumer, group.id for a producer) is still checked, then left out, as the
** Java client ignores a configuration it does not know. Names that are not Java properties pass
** through when librdkafka knows them, so librdkafka-native names keep working; where a name
** exists in both with different meanings (request.timeout.ms, metadata.max.age.ms, ...), the
** Java meaning wins. Every setting produced has been accepted by rd_kafka_conf_set.
**
** Reads files only to tell a key or trust store's format (JKS, PKCS#12, PEM) when its type is
** not given or is JKS. Never prints or logs anything.
**
** Returns SL_OK, or SL_CONFIG with err naming the option as written ('properties.xyz'),
** positioned on its key (unknown name) or value (bad value) when the option has a position,
** and *bad (when not NULL) set to the option's index (else -1). Messages never contain secret
** values. On error the settings this call added are removed again; settings *out already held
** are kept. The caller owns *out (sl_kafka_settings_free).
*/
int sl_kafka_translate(const sl_optset *opts, int role, sl_kafka_settings *out, int *bad,
                       sl_err *err);

/*
** Set every setting of s on conf. A failure (not expected: translation checked each setting)
** names the option it came from, positioned with opts, which must be the optset s was
** translated from. Returns SL_OK or SL_CONFIG.
*/
int sl_kafka_settings_apply(const sl_kafka_settings *s, const sl_optset *opts,
                            rd_kafka_conf_t *conf, sl_err *err);

/* Free what s owns and empty it (s itself is the caller's). NULL-safe. */
void sl_kafka_settings_free(sl_kafka_settings *s);

/* ---- the table, for tests and documentation -------------------------------------------- */

typedef enum sl_kafka_prop_kind {
    SL_KPROP_SAME = 0,  /* same name and meaning in librdkafka; the value is checked as Java does */
    SL_KPROP_RENAMED,   /* another librdkafka name, same value */
    SL_KPROP_CONVERTED, /* name and/or value converted, or combined with related options */
    SL_KPROP_DEFAULT_ONLY, /* Java-internal tuning: the Java default value is accepted and
                              needs no setting; any other value is an error */
    SL_KPROP_IGNORED,      /* accepted and ignored: Flink itself overrides or consumes it */
    SL_KPROP_REJECTED      /* an error: no librdkafka equivalent */
} sl_kafka_prop_kind;

typedef struct sl_kafka_prop {
    const char *name;   /* Java (or Flink / DLI) property name, without 'properties.' */
    uint8_t kind;       /* sl_kafka_prop_kind */
    uint8_t roles;      /* SL_KAFKA_CONSUMER | SL_KAFKA_PRODUCER: whose Java client knows it */
    const char *target; /* librdkafka name(s) it becomes, or NULL */
    const char *sample; /* a value the Java client accepts (for tests) */
    const char *doc;    /* the rule, or why it is rejected or ignored */
} sl_kafka_prop;

/* Number of rows of the table; sl_kafka_prop_at(i) for i in [0, n) (static storage). */
int sl_kafka_prop_count(void);
const sl_kafka_prop *sl_kafka_prop_at(int i);
/* The row of a Java property name (without 'properties.'), or NULL. */
const sl_kafka_prop *sl_kafka_prop_find(const char *name);

#endif
