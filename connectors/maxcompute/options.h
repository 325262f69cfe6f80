/*
** connectors/maxcompute/options.h — the 'maxcompute' connector's descriptor: its options,
** their validation at CREATE TABLE, and the two ways a SQL table maps to a MaxCompute table.
**
** The options are those of the MaxCompute Kafka connector (aliyun/maxcompute-kafka-connector
** 2.1.0, spec/maxcompute-tunnel.md 5.1), with its names, defaults and ranges, so a Kafka Connect
** config translates one to one (engine/connect_config.c).
**
**   record mode   'format' is set: the table's columns are a Kafka record — `topic`,
**                 `partition`, `offset`, `key`, `value` and optionally `timestamp` — and the sink
**                 converts it as the Java connector does (spec 5.2);
**   column mode   no 'format': the table's columns map by name to the remote table's columns.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_OPTIONS_H
#define SL_MC_OPTIONS_H

#include "base/registry.h"

extern const sl_connector_desc sl_conn_maxcompute;

/* The record-mode columns, in the order the generated SQL of a Kafka Connect config uses. */
typedef enum sl_mc_reccol {
    SL_MC_REC_TOPIC = 0,
    SL_MC_REC_PARTITION,
    SL_MC_REC_OFFSET,
    SL_MC_REC_TIMESTAMP, /* optional: the record timestamp, written to `insert_time` */
    SL_MC_REC_KEY,
    SL_MC_REC_VALUE,
    SL_MC_REC_COUNT
} sl_mc_reccol;

/* Name of a record-mode column ("topic", ...). */
const char *sl_mc_reccol_name(int col);

/*
** The table columns of a record-mode table: idx[SL_MC_REC_*] = the schema column, or -1 for
** an absent optional `timestamp`. Returns SL_OK, or SL_CONFIG when the table is not a valid
** record-mode table (the error points at the offending column).
*/
int sl_mc_record_columns(const sl_tabledef *t, int idx[SL_MC_REC_COUNT], sl_err *err);

#endif
