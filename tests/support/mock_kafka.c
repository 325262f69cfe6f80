/*
** tests/support/mock_kafka.c — a standalone Kafka mock cluster for integration tests
**
** Runs librdkafka's in-process mock cluster (rdkafka_mock.h, librdkafka 2.0.2) in its own process
** so that sluice, kcat and python3-kafka can all talk to the same brokers on 127.0.0.1. The
** bootstrap list is the first line on stdout (and optionally written atomically to a file).
** Standard input is a line-oriented control channel for fault injection (down/up/rtt/error/
** leader...); every command line gets exactly one reply line on stdout ("ok ..." or
** "error: ..."). With --stdin-lifetime, EOF on stdin ends the process, so a crashed parent
** never leaves an orphan. SIGTERM/SIGINT/SIGHUP end it too. It uses only librdkafka, libc and
** pthreads. See docs/testing-kafka.md.
**
** SPDX-License-Identifier: MIT
*/
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MK_MAX_BROKERS 32
#define MK_MAX_TOPICS  64
#define MK_LINE_MAX    1024
#define MK_MAX_ERRCNT  100000

/* One --topic NAME[:PARTITIONS[:RF]] argument. */
typedef struct mk_topic {
    char name[256];
    int partitions;
    int rf;
} mk_topic;

typedef struct mk_options {
    int brokers;
    int stdin_lifetime;
    const char *bootstrap_file;
    const char *debug;
    int ntopics;
    mk_topic topics[MK_MAX_TOPICS];
} mk_options;

/* Line assembly buffer for the control channel. */
typedef struct mk_reader {
    char buf[MK_LINE_MAX];
    size_t len;
    int overflow; /* the current line is too long: drop it up to the next newline */
} mk_reader;

/* ApiKeys the 2.0.2 mock implements (rdkafka_protocol.h is not installed). */
static const struct {
    const char *name;
    int key;
} mk_apikeys[] = {
    {"Produce", 0},          {"Fetch", 1},
    {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},     {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},       {"LeaveGroup", 13},
    {"SyncGroup", 14},       {"ApiVersions", 18},
    {"InitProducerId", 22},  {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25}, {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: mock_kafka [--brokers N] [--topic NAME[:PARTITIONS[:RF]]]...\n"
               "                  [--bootstrap-file FILE] [--stdin-lifetime] [--debug CTX]\n"
               "Prints the bootstrap servers as the first stdout line, then one reply line per\n"
               "control command read from stdin. Commands: ping, down B, up B, rtt B MS,\n"
               "error APIKEY COUNT ERR, broker-error B APIKEY COUNT ERR RTT_MS, clear APIKEY,\n"
               "leader TOPIC PART B, topic NAME[:P[:RF]], topic-error TOPIC ERR,\n"
               "coordinator group|transaction KEY B, apiversion APIKEY MIN MAX.\n"
               "B is a broker id or -1 (all); ERR is a number or a name such as\n"
               "NOT_LEADER_FOR_PARTITION or _TRANSPORT; APIKEY is a number or a name (Produce).\n");
}

/* Parses a decimal int in [lo, hi]; returns 0 on success. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;

    if (!s || !*s) return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

/* Parses NAME[:PARTITIONS[:RF]]; defaults: 1 partition, replication factor 1. */
static int parse_topic(const char *spec, int brokers, mk_topic *t)
{
    char tmp[sizeof(t->name) + 32];
    char *p, *r;

    if (strlen(spec) >= sizeof(tmp)) return -1;
    strcpy(tmp, spec);
    t->partitions = 1;
    t->rf = 1;
    p = strchr(tmp, ':');
    if (p) {
        *p++ = '\0';
        r = strchr(p, ':');
        if (r) *r++ = '\0';
        if (parse_int(p, 1, 100000, &t->partitions)) return -1;
        if (r && parse_int(r, 1, brokers, &t->rf)) return -1;
    }
    if (!*tmp || strlen(tmp) >= sizeof(t->name)) return -1;
    strcpy(t->name, tmp);
    return 0;
}

static int parse_options(int argc, char **argv, mk_options *o)
{
    const char *topic_specs[MK_MAX_TOPICS];
    int i, nspecs = 0;

    memset(o, 0, sizeof(*o));
    o->brokers = 1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--stdin-lifetime")) {
            o->stdin_lifetime = 1;
            continue;
        } else if (!v) {
            fprintf(stderr, "mock_kafka: %s: missing value or unknown option\n", a);
            return -1;
        } else if (!strcmp(a, "--brokers")) {
            if (parse_int(v, 1, MK_MAX_BROKERS, &o->brokers)) {
                fprintf(stderr, "mock_kafka: --brokers must be 1..%d\n", MK_MAX_BROKERS);
                return -1;
            }
        } else if (!strcmp(a, "--topic")) {
            if (nspecs == MK_MAX_TOPICS) {
                fprintf(stderr, "mock_kafka: too many --topic options\n");
                return -1;
            }
            topic_specs[nspecs++] = v;
        } else if (!strcmp(a, "--bootstrap-file")) {
            o->bootstrap_file = v;
        } else if (!strcmp(a, "--debug")) {
            o->debug = v;
        } else {
            fprintf(stderr, "mock_kafka: unknown option %s\n", a);
            return -1;
        }
        i++;
    }
    /* Topics are parsed last: their RF is checked against the final --brokers. */
    for (i = 0; i < nspecs; i++) {
        if (parse_topic(topic_specs[i], o->brokers, &o->topics[i])) {
            fprintf(stderr, "mock_kafka: bad --topic '%s' (NAME[:PARTITIONS[:RF]], RF <= %d)\n",
                    topic_specs[i], o->brokers);
            return -1;
        }
    }
    o->ntopics = nspecs;
    return 0;
}

/* Error code by number or by name (with or without the RD_KAFKA_RESP_ERR_ prefix). */
static int parse_err(const char *s, rd_kafka_resp_err_t *out)
{
    const struct rd_kafka_err_desc *descs;
    size_t i, cnt;
    int n;

    if (!parse_int(s, INT_MIN, INT_MAX, &n)) {
        *out = (rd_kafka_resp_err_t)n;
        return 0;
    }
    if (!strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18)) s += 18;
    rd_kafka_get_err_descs(&descs, &cnt);
    for (i = 0; i < cnt; i++) {
        if (descs[i].name && !strcasecmp(descs[i].name, s)) {
            *out = descs[i].code;
            return 0;
        }
    }
    return -1;
}

static int parse_apikey(const char *s, int16_t *out)
{
    size_t i;
    int n;

    if (!parse_int(s, 0, INT16_MAX, &n)) {
        *out = (int16_t)n;
        return 0;
    }
    for (i = 0; i < sizeof(mk_apikeys) / sizeof(mk_apikeys[0]); i++) {
        if (!strcasecmp(mk_apikeys[i].name, s)) {
            *out = (int16_t)mk_apikeys[i].key;
            return 0;
        }
    }
    return -1;
}

/* Broker id: -1 (or "all") for every broker. */
static int parse_broker(const char *s, int32_t *out)
{
    int n;

    if (s && !strcasecmp(s, "all")) {
        *out = -1;
        return 0;
    }
    if (parse_int(s, -1, INT32_MAX, &n)) return -1;
    *out = n;
    return 0;
}

static void reply(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static int push_errors(rd_kafka_mock_cluster_t *mc, char **av, int ac)
{
    rd_kafka_resp_err_t err, *errs;
    int16_t apikey;
    int cnt, i;

    if (ac != 4 || parse_apikey(av[1], &apikey) || parse_int(av[2], 1, MK_MAX_ERRCNT, &cnt) ||
        parse_err(av[3], &err))
        return -1;
    errs = malloc(sizeof(*errs) * (size_t)cnt);
    if (!errs) return -1;
    for (i = 0; i < cnt; i++) errs[i] = err;
    rd_kafka_mock_push_request_errors_array(mc, apikey, (size_t)cnt, errs);
    free(errs);
    return 0;
}

static rd_kafka_resp_err_t push_broker_errors(rd_kafka_mock_cluster_t *mc, char **av, int ac)
{
    rd_kafka_resp_err_t err, rc = RD_KAFKA_RESP_ERR__INVALID_ARG;
    int32_t broker;
    int16_t apikey;
    int cnt, rtt, i;

    if (ac != 6 || parse_broker(av[1], &broker) || broker < 0 || parse_apikey(av[2], &apikey) ||
        parse_int(av[3], 1, MK_MAX_ERRCNT, &cnt) || parse_err(av[4], &err) ||
        parse_int(av[5], 0, INT_MAX, &rtt))
        return rc;
    for (i = 0; i < cnt; i++) {
        rc = rd_kafka_mock_broker_push_request_error_rtts(mc, broker, apikey, 1, err, rtt);
        if (rc) break;
    }
    return rc;
}

/*
** Executes one control command. Returns 0 and fills nothing on success, -1 on a syntax error;
** *errp receives librdkafka's result for commands that return one.
*/
static int run_command(rd_kafka_mock_cluster_t *mc, int brokers, char **av, int ac,
                       rd_kafka_resp_err_t *errp)
{
    const char *c = av[0];
    int32_t b;
    int n, m, p;
    int16_t k;
    rd_kafka_resp_err_t e;
    mk_topic t;

    *errp = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!strcmp(c, "ping") && ac == 1) return 0;
    if (!strcmp(c, "down") && ac == 2 && !parse_broker(av[1], &b)) {
        *errp = rd_kafka_mock_broker_set_down(mc, b);
    } else if (!strcmp(c, "up") && ac == 2 && !parse_broker(av[1], &b)) {
        *errp = rd_kafka_mock_broker_set_up(mc, b);
    } else if (!strcmp(c, "rtt") && ac == 3 && !parse_broker(av[1], &b) &&
               !parse_int(av[2], 0, INT_MAX, &n)) {
        *errp = rd_kafka_mock_broker_set_rtt(mc, b, n);
    } else if (!strcmp(c, "error")) {
        return push_errors(mc, av, ac);
    } else if (!strcmp(c, "broker-error")) {
        *errp = push_broker_errors(mc, av, ac);
    } else if (!strcmp(c, "clear") && ac == 2 && !parse_apikey(av[1], &k)) {
        rd_kafka_mock_clear_request_errors(mc, k);
    } else if (!strcmp(c, "leader") && ac == 4 && !parse_int(av[2], 0, INT32_MAX, &p) &&
               !parse_broker(av[3], &b)) {
        *errp = rd_kafka_mock_partition_set_leader(mc, av[1], p, b);
    } else if (!strcmp(c, "topic") && ac == 2 && !parse_topic(av[1], brokers, &t)) {
        *errp = rd_kafka_mock_topic_create(mc, t.name, t.partitions, t.rf);
    } else if (!strcmp(c, "topic-error") && ac == 3 && !parse_err(av[2], &e)) {
        rd_kafka_mock_topic_set_error(mc, av[1], e);
    } else if (!strcmp(c, "coordinator") && ac == 4 && !parse_broker(av[3], &b)) {
        *errp = rd_kafka_mock_coordinator_set(mc, av[1], av[2], b);
    } else if (!strcmp(c, "apiversion") && ac == 4 && !parse_apikey(av[1], &k) &&
               !parse_int(av[2], -1, INT16_MAX, &n) && !parse_int(av[3], -1, INT16_MAX, &m)) {
        *errp = rd_kafka_mock_set_apiversion(mc, k, (int16_t)n, (int16_t)m);
    } else {
        return -1;
    }
    return 0;
}

/* Splits a line into whitespace-separated words, runs it and prints the reply. */
static void handle_line(rd_kafka_mock_cluster_t *mc, int brokers, char *line)
{
    char *av[8], *save = NULL, *w;
    char echo[MK_LINE_MAX];
    int ac = 0;
    rd_kafka_resp_err_t err;

    line[strcspn(line, "\r")] = '\0';
    w = line + strspn(line, " \t");
    if (!*w || *w == '#') return; /* blank lines and comments get no reply */
    snprintf(echo, sizeof(echo), "%s", w);
    for (w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (ac == (int)(sizeof(av) / sizeof(av[0]))) {
            reply("error: too many words: %s", echo);
            return;
        }
        av[ac++] = w;
    }
    if (run_command(mc, brokers, av, ac, &err)) {
        reply("error: bad command: %s", echo);
    } else if (err) {
        reply("error: %s: %s", echo, rd_kafka_err2name(err));
    } else {
        reply("ok %s", echo);
    }
}

/* Reads what stdin has; returns 0 while open, 1 at EOF or on a read error. */
static int read_commands(rd_kafka_mock_cluster_t *mc, int brokers, mk_reader *r)
{
    char chunk[4096];
    ssize_t n, i;

    n = read(STDIN_FILENO, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
    if (n <= 0) return 1;
    for (i = 0; i < n; i++) {
        char ch = chunk[i];
        if (ch == '\n') {
            if (r->overflow) {
                reply("error: line too long");
            } else {
                r->buf[r->len] = '\0';
                handle_line(mc, brokers, r->buf);
            }
            r->len = 0;
            r->overflow = 0;
        } else if (r->len + 1 < sizeof(r->buf)) {
            r->buf[r->len++] = ch;
        } else {
            r->overflow = 1;
        }
    }
    return 0;
}

/* Writes the bootstrap list to path via a temporary file and rename(2). */
static int write_bootstrap_file(const char *path, const char *bootstraps)
{
    char tmp[PATH_MAX];
    FILE *f;
    int ok;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
        return -1;
    f = fopen(tmp, "w");
    if (!f) return -1;
    ok = fprintf(f, "%s\n", bootstraps) > 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static rd_kafka_t *new_handle(const mk_options *o)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;

    /* The handle only hosts the cluster; it never connects anywhere itself, so its notice
    ** about the missing bootstrap.servers is silenced (log_level 4) unless --debug is given. */
    if (!o->debug && rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof(errstr))) {
        fprintf(stderr, "mock_kafka: log_level: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    if (o->debug &&
        rd_kafka_conf_set(conf, "debug", o->debug, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "mock_kafka: debug: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) fprintf(stderr, "mock_kafka: rd_kafka_new: %s\n", errstr);
    return rk;
}

static int create_topics(rd_kafka_mock_cluster_t *mc, const mk_options *o)
{
    int i;

    for (i = 0; i < o->ntopics; i++) {
        const mk_topic *t = &o->topics[i];
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, t->name, t->partitions, t->rf);
        if (err) {
            fprintf(stderr, "mock_kafka: topic %s: %s\n", t->name, rd_kafka_err2str(err));
            return -1;
        }
    }
    return 0;
}

/* Waits for a signal, or for EOF on stdin with --stdin-lifetime, serving commands meanwhile. */
static void serve(rd_kafka_mock_cluster_t *mc, const mk_options *o, int sigfd)
{
    mk_reader reader = {0};
    int stdin_open = 1;

    for (;;) {
        struct pollfd fds[2] = {{sigfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (poll(fds, stdin_open ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            perror("mock_kafka: poll");
            return;
        }
        if (fds[0].revents) return; /* SIGTERM, SIGINT or SIGHUP */
        if (stdin_open && fds[1].revents && read_commands(mc, o->brokers, &reader)) {
            if (o->stdin_lifetime) return;
            stdin_open = 0;
        }
    }
}

int main(int argc, char **argv)
{
    mk_options opts;
    sigset_t sigs;
    int sigfd, rc = 1;
    rd_kafka_t *rk;
    rd_kafka_mock_cluster_t *mc;
    const char *bootstraps;

    if (parse_options(argc, argv, &opts)) {
        usage(stderr);
        return 2;
    }
    /* Block the stop signals before librdkafka starts threads so that they inherit the mask
    ** and the signals are only ever delivered through the signalfd. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0 ||
        (sigfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0) {
        perror("mock_kafka: signalfd");
        return 1;
    }
    rk = new_handle(&opts);
    if (!rk) return 1;
    mc = rd_kafka_mock_cluster_new(rk, opts.brokers);
    if (!mc) {
        fprintf(stderr, "mock_kafka: cannot create the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
    if (create_topics(mc, &opts) == 0) {
        if (opts.bootstrap_file && write_bootstrap_file(opts.bootstrap_file, bootstraps)) {
            fprintf(stderr, "mock_kafka: cannot write %s: %s\n", opts.bootstrap_file,
                    strerror(errno));
        } else {
            printf("%s\n", bootstraps);
            fflush(stdout);
            serve(mc, &opts, sigfd);
            rc = 0;
        }
    }
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    close(sigfd);
    return rc;
}
