/*
** bench/raw_consume.c — the baseline Kafka consumer: read a whole topic, count, report.
**
** What sluice's Kafka source costs can only be judged against what librdkafka itself costs
** on the same data, so this program does what the source does minus the decoding: it assigns
** every partition of the topic at BEGINNING (a consumer group object, but no subscribe and
** no commits), reads with rd_kafka_consume_batch_queue (default 4096 messages, 100 ms, as
** sluice's runtime polls), and stops once every partition has been read up to the high
** watermark it queried at start. Per message it does nothing but count, unless --work-us N
** asks it to spin for N microseconds per message to emulate decoding cost.
**
** It measures, besides records/s, how long the consuming thread waits inside
** rd_kafka_consume_batch_queue: with librdkafka 2.0.2's prefetch defaults a consumer that
** works a few microseconds per message can find the local queue empty while the fetcher is
** idle ("stall"). -X key=value sets any librdkafka property, so prefetch settings can be
** compared (queued.min.messages, queued.max.messages.kbytes, fetch.max.bytes, ...).
**
** Output: a summary on stderr and one machine-readable line on stdout:
**   RAW records=N elapsed_s=E cpu_s=C maxrss_kib=R rate=N/E cpu_us_per_rec=C/N
**       wait_frac=W max_wait_ms=M stalls=S stall_s=T max_queue=Q lo_nonzero=Z
** elapsed_s runs from the assignment to the last counted message; cpu_s (user+sys of the whole
** process, librdkafka's threads included) and maxrss_kib come from getrusage at that point.
** A "stall" is one call that waited at least --stall-ms (default 20 ms).
**
** Build: gcc -std=c11 -D_GNU_SOURCE -O2 bench/raw_consume.c -o raw_consume -lrdkafka
**
** SPDX-License-Identifier: MIT
*/
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#define BENCH_PROG "raw_consume"
#include "bench_kafka.h"

#define MAX_PROPS 64

typedef struct raw_opts {
    const char *bootstrap;
    const char *topic;
    int batch;
    int timeout_ms;
    double work_us;
    double stall_ms;
    double max_seconds;
    int64_t expect;
    int require_lo0;
    int from_low;
    int verbose;
    int nprops;
    const char *props[MAX_PROPS][2];
} raw_opts;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Spin for ns nanoseconds: a stand-in for per-message decoding work. */
static void burn(int64_t ns)
{
    int64_t end = now_ns() + ns;
    while (now_ns() < end) {
    }
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: raw_consume -b BOOTSTRAP -t TOPIC [options]\n"
            "  -X key=value      librdkafka consumer property (repeatable)\n"
            "  --batch N         messages per rd_kafka_consume_batch_queue call (4096)\n"
            "  --timeout-ms N    timeout of each call (100)\n"
            "  --work-us N       busy-wait N microseconds per message (0; fractions allowed)\n"
            "  --stall-ms N      a call waiting at least this long counts as a stall (20)\n"
            "  --expect N        fail unless exactly N records are read\n"
            "  --require-lo0     fail if a partition's low watermark is not 0\n"
            "  --from-low        assign the low watermarks as offsets instead of BEGINNING\n"
            "  --max-seconds S   give up after S seconds (300)\n"
            "  -v                print every stall (time since start, length, queue length)\n");
}

static int parse_opts(int argc, char **argv, raw_opts *o)
{
    static const struct option longopts[] = {
        {"batch", required_argument, NULL, 'B'},    {"timeout-ms", required_argument, NULL, 'T'},
        {"work-us", required_argument, NULL, 'W'},  {"stall-ms", required_argument, NULL, 'S'},
        {"expect", required_argument, NULL, 'E'},   {"require-lo0", no_argument, NULL, 'L'},
        {"max-seconds", required_argument, NULL, 'M'}, {"from-low", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "b:t:X:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'b': o->bootstrap = optarg; break;
        case 't': o->topic = optarg; break;
        case 'B': o->batch = atoi(optarg); break;
        case 'T': o->timeout_ms = atoi(optarg); break;
        case 'W': o->work_us = atof(optarg); break;
        case 'S': o->stall_ms = atof(optarg); break;
        case 'E': o->expect = strtoll(optarg, NULL, 10); break;
        case 'L': o->require_lo0 = 1; break;
        case 'F': o->from_low = 1; break;
        case 'M': o->max_seconds = atof(optarg); break;
        case 'v': o->verbose = 1; break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq || o->nprops == MAX_PROPS) {
                fprintf(stderr, "raw_consume: -X wants key=value (at most %d)\n", MAX_PROPS);
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
    if (!o->bootstrap || !o->topic || o->batch < 1 || o->timeout_ms < 0 || o->work_us < 0 ||
        optind != argc) {
        usage(stderr);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    raw_opts o = {.batch = 4096, .timeout_ms = 100, .stall_ms = 20, .max_seconds = 300,
                  .expect = -1};
    int rc = parse_opts(argc, argv, &o);
    if (rc) return rc;

    /* The same consumer settings sluice's upsert-kafka source uses, minus partition EOF
    ** events (the end is known from the watermarks). -X comes last and overrides. */
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *defaults[][2] = {{"bootstrap.servers", o.bootstrap},
                                 {"group.id", "raw-consume-bench"},
                                 {"client.id", "raw_consume"},
                                 {"enable.auto.commit", "false"},
                                 {"enable.auto.offset.store", "false"},
                                 {"auto.offset.reset", "earliest"}};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (conf_set(conf, defaults[i][0], defaults[i][1])) return 2;
    for (int i = 0; i < o.nprops; i++)
        if (conf_set(conf, o.props[i][0], o.props[i][1])) return 2;

    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "raw_consume: %s\n", errstr);
        return 1;
    }
    int np = partition_count(rk, o.topic);
    if (np <= 0) {
        rd_kafka_destroy(rk);
        return 1;
    }

    int64_t *end = calloc((size_t)np, sizeof *end);
    int64_t *next = calloc((size_t)np, sizeof *next);
    rd_kafka_message_t **msgs = calloc((size_t)o.batch, sizeof *msgs);
    if (!end || !next || !msgs) {
        fprintf(stderr, "raw_consume: out of memory\n");
        return 1;
    }
    int64_t total = 0;
    int remaining_parts = 0, lo_nonzero = 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(np);
    for (int p = 0; p < np; p++) {
        int64_t lo, hi;
        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk, o.topic, p, &lo, &hi, 10000);
        if (e) {
            fprintf(stderr, "raw_consume: watermarks of partition %d: %s\n", p,
                    rd_kafka_err2str(e));
            return 1;
        }
        if (lo != 0) lo_nonzero++;
        end[p] = hi;
        next[p] = lo;
        if (lo >= hi) continue;
        total += hi - lo;
        remaining_parts++;
        rd_kafka_topic_partition_list_add(l, o.topic, p)->offset =
            o.from_low ? lo : RD_KAFKA_OFFSET_BEGINNING;
    }
    if (lo_nonzero) {
        fprintf(stderr, "raw_consume: %d partition(s) of '%s' do not start at offset 0 "
                        "(the broker dropped old records)\n", lo_nonzero, o.topic);
        if (o.require_lo0) return 1;
    }

    int64_t t0 = now_ns();
    rd_kafka_resp_err_t e = rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e) {
        fprintf(stderr, "raw_consume: assign: %s\n", rd_kafka_err2str(e));
        return 1;
    }
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);

    int64_t count = 0, wait_ns = 0, max_wait = 0, stall_ns = 0, stalls = 0, errors = 0;
    int64_t stall_limit = (int64_t)(o.stall_ms * 1e6), work_ns = (int64_t)(o.work_us * 1e3);
    int64_t deadline = t0 + (int64_t)(o.max_seconds * 1e9), t_last = t0;
    int max_queue = 0, timed_out = 0;
    while (remaining_parts > 0) {
        /* Ask for no more than what is left, so the last call returns with the last record
        ** instead of waiting out its timeout for a batch that cannot fill. */
        int64_t left = total - count;
        size_t want = (size_t)(left > 0 && left < o.batch ? left : o.batch);
        int qlen = rd_kafka_queue_length(q);
        if (qlen > max_queue) max_queue = qlen;
        int64_t a = now_ns();
        ssize_t n = rd_kafka_consume_batch_queue(q, o.timeout_ms, msgs, want);
        int64_t b = now_ns();
        int64_t w = b - a;
        wait_ns += w;
        if (w > max_wait) max_wait = w;
        if (w >= stall_limit) {
            stalls++;
            stall_ns += w;
            if (o.verbose)
                fprintf(stderr, "stall at %.3f s: %.1f ms (queue %d before, %zd returned)\n",
                        (double)(a - t0) / 1e9, (double)w / 1e6, qlen, n);
        }
        if (n < 0) {
            fprintf(stderr, "raw_consume: consume: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
            return 1;
        }
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            int p = m->partition;
            if (m->err) {
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ < 10)
                    fprintf(stderr, "raw_consume: %s\n", rd_kafka_message_errstr(m));
            } else if (p >= 0 && p < np && m->offset < end[p] && next[p] < end[p]) {
                count++;
                if (work_ns) burn(work_ns);
                next[p] = m->offset + 1;
                if (next[p] >= end[p]) remaining_parts--;
            }
            rd_kafka_message_destroy(m);
        }
        if (n > 0) t_last = now_ns();
        if (b > deadline) {
            timed_out = 1;
            break;
        }
    }
    double elapsed = (double)(t_last - t0) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;

    double wait_frac = elapsed > 0 ? (double)wait_ns / 1e9 / elapsed : 0;
    fprintf(stderr,
            "raw_consume: %" PRId64 " of %" PRId64 " records from %d partitions in %.3f s "
            "(%.0f records/s), CPU %.3f s (%.2f us/record), max RSS %ld KiB; waited %.1f%% of "
            "the time in consume_batch_queue (longest %.1f ms, %" PRId64 " stalls >= %.0f ms "
            "totalling %.3f s); queue peaked at %d messages\n",
            count, total, np, elapsed, elapsed > 0 ? (double)count / elapsed : 0, cpu,
            count ? cpu * 1e6 / (double)count : 0, ru.ru_maxrss, 100 * wait_frac,
            (double)max_wait / 1e6, stalls, o.stall_ms, (double)stall_ns / 1e9, max_queue);
    printf("RAW records=%" PRId64 " elapsed_s=%.6f cpu_s=%.6f maxrss_kib=%ld rate=%.1f "
           "cpu_us_per_rec=%.4f wait_frac=%.4f max_wait_ms=%.1f stalls=%" PRId64
           " stall_s=%.4f max_queue=%d lo_nonzero=%d\n",
           count, elapsed, cpu, ru.ru_maxrss, elapsed > 0 ? (double)count / elapsed : 0,
           count ? cpu * 1e6 / (double)count : 0, wait_frac, (double)max_wait / 1e6, stalls,
           (double)stall_ns / 1e9, max_queue, lo_nonzero);
    fflush(stdout);

    rd_kafka_queue_destroy(q);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    free(msgs);
    free(next);
    free(end);
    if (timed_out) {
        fprintf(stderr, "raw_consume: gave up after %.0f s\n", o.max_seconds);
        return 1;
    }
    if (o.expect >= 0 && count != o.expect) {
        fprintf(stderr, "raw_consume: read %" PRId64 " records, expected %" PRId64 "\n", count,
                o.expect);
        return 1;
    }
    return 0;
}
