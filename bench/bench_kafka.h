/*
** bench/bench_kafka.h — librdkafka helpers shared by the benchmark programs (gen_orders.c,
** raw_consume.c), which are built standalone by bench/run_kafka.sh and bench/run_prefetch.sh.
** Messages start with BENCH_PROG, which each program defines before including this file.
**
** SPDX-License-Identifier: MIT
*/
#ifndef BENCH_KAFKA_H
#define BENCH_KAFKA_H

#include <stdio.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

/* Set one client property; 0, or -1 after printing librdkafka's reason. */
static int conf_set(rd_kafka_conf_t *c, const char *k, const char *v)
{
    char errstr[512];
    if (rd_kafka_conf_set(c, k, v, errstr, sizeof errstr) == RD_KAFKA_CONF_OK) return 0;
    fprintf(stderr, BENCH_PROG ": %s=%s: %s\n", k, v, errstr);
    return -1;
}

/* Partition count from all-topics metadata, which never auto-creates a topic in the mock;
** -1 (reason printed) when the topic does not exist. */
static int partition_count(rd_kafka_t *rk, const char *topic)
{
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, 10000);
    if (e) {
        fprintf(stderr, BENCH_PROG ": metadata: %s\n", rd_kafka_err2str(e));
        return -1;
    }
    int n = -1;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, topic) == 0 && !md->topics[i].err)
            n = md->topics[i].partition_cnt;
    rd_kafka_metadata_destroy(md);
    if (n < 0) fprintf(stderr, BENCH_PROG ": topic '%s' does not exist (create it first)\n", topic);
    return n;
}

#endif
