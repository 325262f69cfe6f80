/*
** connectors/kafka/kafka.h — the Kafka connectors: descriptors for the planner, and their
** runtime implementations (librdkafka).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CONNECTORS_KAFKA_H
#define SL_CONNECTORS_KAFKA_H

#include <librdkafka/rdkafka.h>

#include "runtime/connector.h"

extern const sl_connector_desc sl_conn_upsert_kafka;
extern const sl_rt_connector sl_rt_upsert_kafka;

/* The Kafka record a row is built from: projections of the table schema into the key and
** value formats (spec 5.2). Built once per table in the caller's arena. */
typedef struct sl_kafka_layout {
    int nkey, nvalue;
    int *key;   /* table columns of the key format's fields, in key order */
    int *value; /* table columns of the value format's fields, in table order */
    const char *key_prefix; /* key.fields-prefix, or NULL */
} sl_kafka_layout;

/* Compute the key/value projections of an upsert-kafka table (key = PRIMARY KEY). */
void sl_kafka_layout_upsert(sl_arena *ar, const sl_tabledef *t, sl_kafka_layout *out);

/*
** A librdkafka configuration for table t: properties.bootstrap.servers, every other
** properties.* key passed through, then the connector's own settings (overrides) as key/value
** pairs. Returns owned conf (rd_kafka_conf_destroy) or NULL with err naming the property.
*/
rd_kafka_conf_t *sl_kafka_conf(const sl_tabledef *t, const char *const *overrides, sl_err *err);

#endif
