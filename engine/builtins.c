/*
** engine/builtins.c — registration of the built-in connectors and formats.
**
** The one place that names every connector and format: the planner gets their descriptors,
** the runtime their implementations. Adding a connector means one line in each list.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/kafka/kafka.h"
#include "connectors/maxcompute/maxcompute.h"
#include "connectors/maxcompute/options.h"
#include "connectors/print/print.h"
#include "engine/engine_int.h"
#include "formats/avro.h"
#include "formats/csv.h"
#include "formats/json.h"
#include "formats/raw.h"

void sl_engine_register_builtins(sl_registry *reg, sl_rt_registry *rt)
{
    sl_registry_add_format(reg, &sl_format_json);
    sl_registry_add_format(reg, &sl_format_csv);
    sl_registry_add_format(reg, &sl_format_raw);
    sl_registry_add_format(reg, &sl_format_avro);
    sl_registry_add_format(reg, &sl_format_avro_confluent);

    sl_registry_add_connector(reg, &sl_conn_kafka);
    sl_registry_add_connector(reg, &sl_conn_upsert_kafka);
    sl_registry_add_connector(reg, &sl_conn_print);
    sl_registry_add_connector(reg, &sl_conn_maxcompute);
    sl_rt_register(rt, &sl_rt_kafka);
    sl_rt_register(rt, &sl_rt_upsert_kafka);
    sl_rt_register(rt, &sl_rt_print);
    sl_rt_register(rt, &sl_rt_maxcompute);
}
