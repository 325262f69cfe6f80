/*
** bench/gen_orders.c — produce N deterministic JSON order records into a Kafka topic.
**
** The records have the shape of Example 1 of the upsert-kafka connector page (nine string
** fields, about 230 bytes); the key is the bare order_id, which is also its CSV text form
** ('key.format' = 'csv' with one STRING column). There are K distinct keys: record i < K
** inserts key i, every later record updates a pseudo-random key with new amounts and a new
** pay time, so an upsert reader sees inserts first and real updates after. Record i depends
** only on (seed, i, K): two runs with the same arguments produce the same topic content.
**
** Records go to the partitions with librdkafka's murmur2_random partitioner (the Java
** client's default for keyed records), in large batches (linger.ms, batch.size), and the
** program waits for every delivery report. Afterwards it checks the topic with
** rd_kafka_query_watermark_offsets: every partition must start at offset 0 (the mock broker
** drops old batches beyond about 5 MiB per partition) and hold exactly what was delivered to
** it. It prints a summary on stderr and one machine-readable line on stdout:
**   GEN records=N keys=K partitions=P bytes=B max_partition_bytes=M expected_w1_lines=L
**       expected_w2_records=F
** expected_w1_lines is the number of changelog rows an upsert-kafka -> print job prints for
** this data (+I for a new key, -U and +U for a changed value, nothing for an identical one);
** expected_w2_records is how many records pass bench/workloads/w2.sql's filter (order_channel
** one of the three app channels and real_pay >= 10): keep the two in step.
**
** Build: gcc -std=c11 -D_GNU_SOURCE -O2 bench/gen_orders.c -o gen_orders -lrdkafka
**
** SPDX-License-Identifier: MIT
*/
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#define BENCH_PROG "gen_orders"
#include "bench_kafka.h"

#define MAX_PROPS      64
#define MOCK_LOG_BYTES (5 * 1024 * 1024) /* the 2.0.2 mock keeps about this much per partition */

typedef struct gen_opts {
    const char *bootstrap;
    const char *topic;
    uint64_t records;
    uint32_t keys;
    uint64_t seed;
    int nprops;
    const char *props[MAX_PROPS][2];
    int quiet;
} gen_opts;

typedef struct part_stat {
    int64_t delivered;
    int64_t bytes;
} part_stat;

typedef struct gen_state {
    int64_t delivered;
    int64_t failed;
    rd_kafka_resp_err_t first_err;
    part_stat *parts;
    int nparts;
} gen_state;

static const char *const channels[] = {"miniAppShop", "appshop", "webShop", "pcShop",
                                       "wechatShop"};
static const char *const names[] = {"Alice", "Bob",   "Cindy", "David", "Emma",  "Frank",
                                    "Grace", "Henry", "Irene", "Jack",  "Kevin", "Linda",
                                    "Mike",  "Nancy", "Oscar", "Peggy"};

/* splitmix64: a small, well-mixed hash of one 64-bit word; the generator's only randomness. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return h;
}

/* "YYYY-MM-DD hh:mm:ss" of a UTC epoch second. */
static void fmt_time(char *out, size_t n, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/*
** Writes record i's key (the bare order_id) and JSON value. Per-key fields (id, channel,
** order time, user, area) come from the key number; amounts and pay time from the record.
*/
static void make_record(const gen_opts *o, uint64_t i, char *key, size_t *klen, char *val,
                        size_t *vlen, uint32_t *keyno, int *w2_pass)
{
    static const time_t base = 1679702400; /* 2023-03-25 00:00:00 UTC */
    uint64_t r = mix64(o->seed * 0x2545f4914f6cdd1dULL ^ i);
    uint32_t k = i < o->keys ? (uint32_t)i : (uint32_t)(r % o->keys);
    uint64_t kh = mix64(o->seed ^ (0xa0761d6478bd642fULL + k));
    time_t ot = base + (time_t)k; /* one second apart: order_id is unique per key */
    char otime[32], ptime[32], idtime[16];
    struct tm tm;
    gmtime_r(&ot, &tm);
    strftime(idtime, sizeof idtime, "%Y%m%d%H%M%S", &tm);
    fmt_time(otime, sizeof otime, ot);
    uint64_t r2 = mix64(r);
    fmt_time(ptime, sizeof ptime, ot + 30 + (time_t)(r2 % 3600));
    unsigned pay = 100 + (unsigned)(r % 99900);               /* cents: 1.00 .. 999.99 */
    unsigned real = pay - (unsigned)((r2 >> 20) % (pay / 5 + 1)); /* up to 20% off */
    const char *ch = channels[kh % 5];
    *klen = (size_t)sprintf(key, "%s%04u", idtime, (unsigned)(k % 10000));
    *vlen = (size_t)sprintf(
        val,
        "{\"order_id\":\"%s\", \"order_channel\":\"%s\", \"order_time\":\"%s\", "
        "\"pay_amount\":\"%u.%02u\", \"real_pay\":\"%u.%02u\", \"pay_time\":\"%s\", "
        "\"user_id\":\"%04u\", \"user_name\":\"%s\", \"area_id\":\"3301%02u\"}",
        key, ch, otime, pay / 100, pay % 100, real / 100, real % 100, ptime,
        (unsigned)((kh >> 8) % 10000), names[(kh >> 24) % 16], (unsigned)((kh >> 32) % 100));
    *keyno = k;
    *w2_pass = (strcmp(ch, "miniAppShop") == 0 || strcmp(ch, "appshop") == 0 ||
                strcmp(ch, "wechatShop") == 0) &&
               real >= 1000;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    gen_state *st = opaque;
    if (m->err) {
        if (!st->failed) st->first_err = m->err;
        st->failed++;
        return;
    }
    st->delivered++;
    if (m->partition >= 0 && m->partition < st->nparts) {
        st->parts[m->partition].delivered++;
        st->parts[m->partition].bytes += (int64_t)(m->len + m->key_len);
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: gen_orders -b BOOTSTRAP -t TOPIC [-n RECORDS] [-k KEYS] [-s SEED]\n"
               "                  [-X key=value]... [-q]\n"
               "  -n  records to produce (default 1000000)\n"
               "  -k  distinct keys (default 100000)\n"
               "  -s  seed (default 1)\n"
               "  -X  librdkafka producer property, e.g. -X compression.codec=lz4\n");
}

static int parse_opts(int argc, char **argv, gen_opts *o)
{
    int c;
    while ((c = getopt(argc, argv, "b:t:n:k:s:X:qh")) != -1) {
        switch (c) {
        case 'b': o->bootstrap = optarg; break;
        case 't': o->topic = optarg; break;
        case 'n': o->records = strtoull(optarg, NULL, 10); break;
        case 'k': o->keys = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 's': o->seed = strtoull(optarg, NULL, 10); break;
        case 'q': o->quiet = 1; break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq || o->nprops == MAX_PROPS) {
                fprintf(stderr, "gen_orders: -X wants key=value (at most %d)\n", MAX_PROPS);
                return 2;
            }
            *eq = '\0';
            o->props[o->nprops][0] = optarg;
            o->props[o->nprops][1] = eq + 1;
            o->nprops++;
            break;
        }
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return 2;
        }
    }
    if (!o->bootstrap || !o->topic || o->records == 0 || o->keys == 0 || optind != argc) {
        usage(stderr);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    gen_opts o = {.records = 1000000, .keys = 100000, .seed = 1};
    int rc = parse_opts(argc, argv, &o);
    if (rc) return rc;

    gen_state st = {0};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* Throughput defaults: ~1 MB batches (one batch is what the mock serves per partition and
    ** fetch, like a real broker's max.partition.fetch.bytes), a deep local queue. */
    const char *defaults[][2] = {{"bootstrap.servers", o.bootstrap},
                                 {"partitioner", "murmur2_random"},
                                 {"linger.ms", "1000"},
                                 {"batch.size", "1000000"},
                                 {"batch.num.messages", "100000"},
                                 {"queue.buffering.max.messages", "1000000"},
                                 {"queue.buffering.max.kbytes", "1048576"},
                                 {"acks", "1"},
                                 {"message.timeout.ms", "60000"}};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (conf_set(conf, defaults[i][0], defaults[i][1])) return 2;
    for (int i = 0; i < o.nprops; i++)
        if (conf_set(conf, o.props[i][0], o.props[i][1])) return 2;
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_opaque(conf, &st);

    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "gen_orders: %s\n", errstr);
        return 1;
    }
    st.nparts = partition_count(rk, o.topic);
    if (st.nparts <= 0) {
        rd_kafka_destroy(rk);
        return 1;
    }
    st.parts = calloc((size_t)st.nparts, sizeof *st.parts);
    uint64_t *last = calloc(o.keys, sizeof *last); /* hash of each key's last value, 0 = none */
    if (!st.parts || !last) {
        fprintf(stderr, "gen_orders: out of memory\n");
        return 1;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t expected_lines = 0, expected_w2 = 0;
    char key[64], val[512];
    for (uint64_t i = 0; i < o.records; i++) {
        size_t klen, vlen;
        uint32_t k;
        int w2_pass;
        make_record(&o, i, key, &klen, val, &vlen, &k, &w2_pass);
        expected_w2 += (uint64_t)w2_pass;
        uint64_t h = fnv1a(val, vlen) | 1;
        expected_lines += last[k] == 0 ? 1 : last[k] != h ? 2 : 0;
        last[k] = h;
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(o.topic), RD_KAFKA_V_KEY(key, klen),
                RD_KAFKA_V_VALUE(val, vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_END);
            if (!e) break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "gen_orders: produce: %s\n", rd_kafka_err2str(e));
                return 1;
            }
            rd_kafka_poll(rk, 10);
        }
        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    while (rd_kafka_outq_len(rk) > 0) {
        if (rd_kafka_flush(rk, 60000) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            fprintf(stderr, "gen_orders: %d messages not delivered after 60 s\n",
                    rd_kafka_outq_len(rk));
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (st.failed) {
        fprintf(stderr, "gen_orders: %" PRId64 " records failed: %s\n", st.failed,
                rd_kafka_err2str(st.first_err));
        return 1;
    }

    /* Check that the broker kept everything: low watermark 0, high = delivered. */
    int bad = 0;
    int64_t bytes = 0, maxbytes = 0, minrec = INT64_MAX, maxrec = 0;
    for (int p = 0; p < st.nparts; p++) {
        int64_t lo = -1, hi = -1;
        rd_kafka_resp_err_t e =
            rd_kafka_query_watermark_offsets(rk, o.topic, p, &lo, &hi, 10000);
        if (e) {
            fprintf(stderr, "gen_orders: watermarks of partition %d: %s\n", p,
                    rd_kafka_err2str(e));
            bad = 1;
            continue;
        }
        if (lo != 0 || hi != st.parts[p].delivered) {
            fprintf(stderr,
                    "gen_orders: partition %d holds offsets %" PRId64 "..%" PRId64
                    " but %" PRId64 " records were delivered to it%s\n",
                    p, lo, hi, st.parts[p].delivered,
                    lo > 0 ? " (the mock dropped old batches: use more partitions)" : "");
            bad = 1;
        }
        bytes += st.parts[p].bytes;
        if (st.parts[p].bytes > maxbytes) maxbytes = st.parts[p].bytes;
        if (st.parts[p].delivered < minrec) minrec = st.parts[p].delivered;
        if (st.parts[p].delivered > maxrec) maxrec = st.parts[p].delivered;
    }
    if (!o.quiet)
        fprintf(stderr,
                "gen_orders: %" PRIu64 " records (%u keys) to '%s' in %.2f s (%.0f records/s); "
                "%d partitions, %" PRId64 "..%" PRId64 " records and at most %.2f MiB of "
                "keys+values each; low watermarks %s\n",
                o.records, o.keys, o.topic, secs, (double)o.records / secs, st.nparts, minrec,
                maxrec, (double)maxbytes / 1048576.0, bad ? "NOT all 0" : "all 0");
    if (maxbytes > MOCK_LOG_BYTES * 9 / 10)
        fprintf(stderr, "gen_orders: warning: %.2f MiB in one partition is close to the mock's "
                        "~5 MiB log limit\n", (double)maxbytes / 1048576.0);
    printf("GEN records=%" PRIu64 " keys=%u partitions=%d bytes=%" PRId64
           " max_partition_bytes=%" PRId64 " expected_w1_lines=%" PRIu64
           " expected_w2_records=%" PRIu64 "\n",
           o.records, o.keys, st.nparts, bytes, maxbytes, expected_lines, expected_w2);
    free(last);
    free(st.parts);
    rd_kafka_destroy(rk);
    return bad ? 1 : 0;
}
