/*
** tests/unit/test_kafka_props.c — Java Kafka client properties translated for librdkafka:
** every row of the table, value conversions, JAAS parsing, key and trust stores, DLI's
** Kerberos properties, errors (names, positions, no secrets), and that librdkafka 2.0.2
** accepts every setting produced.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "connectors/kafka/props.h"

/* ---- helpers ------------------------------------------------------------------------------ */

#define MAXOPT 32

static sl_opt items[MAXOPT];
static sl_optset os;
static sl_kafka_settings S = SL_KAFKA_SETTINGS_INIT;
static sl_err E;
static int bad;

/* Options "k1", "v1", "k2", "v2", ..., NULL. Option i has its key at 1000*i, value at +500. */
static void mk(const char *const *kv)
{
    int n = 0;
    for (; kv[2 * n]; n++) {
        items[n].key = kv[2 * n];
        items[n].val = kv[2 * n + 1];
        items[n].key_off = 1000 * n;
        items[n].key_len = (int)strlen(kv[2 * n]);
        items[n].val_off = 1000 * n + 500;
        items[n].val_len = (int)strlen(kv[2 * n + 1]);
    }
    os.n = n;
    os.items = items;
}

static int tr_role(int role, const char *const *kv)
{
    mk(kv);
    sl_kafka_settings_free(&S);
    sl_err_clear(&E);
    return sl_kafka_translate(&os, role, &S, &bad, &E);
}

#define TR(role, ...) tr_role(role, (const char *const[]){__VA_ARGS__, NULL})
#define OK(role, ...)                                                                              \
    do {                                                                                           \
        int rc_ = TR(role, __VA_ARGS__);                                                           \
        cr_assert_eq(rc_, SL_OK, "unexpected error: %s", E.msg);                                   \
        accepted();                                                                                \
    } while (0)
#define FAILS(role, ...) cr_assert_eq(TR(role, __VA_ARGS__), SL_CONFIG, "expected an error")

/* The last value produced for key, or NULL. */
static const char *get(const char *key)
{
    for (int i = S.n - 1; i >= 0; i--)
        if (!strcmp(S.items[i].key, key)) return S.items[i].value;
    return NULL;
}

static int is_secret(const char *key)
{
    for (int i = S.n - 1; i >= 0; i--)
        if (!strcmp(S.items[i].key, key)) return S.items[i].secret;
    return -1;
}

/* Every setting produced is accepted by librdkafka on a fresh configuration. */
static void accepted(void)
{
    for (int i = 0; i < S.n; i++) {
        char errstr[512];
        rd_kafka_conf_t *c = rd_kafka_conf_new();
        rd_kafka_conf_res_t r =
            rd_kafka_conf_set(c, S.items[i].key, S.items[i].value, errstr, sizeof errstr);
        rd_kafka_conf_destroy(c);
        cr_assert_eq(r, RD_KAFKA_CONF_OK, "librdkafka refused %s=%s: %s", S.items[i].key,
                     S.items[i].value, errstr);
    }
}

/* Debian 12's librdkafka 2.0.2 is built without OAUTHBEARER OIDC (it refuses
** sasl.oauthbearer.method=oidc: "depends on libcurl and OpenSSL which were not available"). */
static int oidc_supported(void)
{
    char errstr[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    int ok = rd_kafka_conf_set(c, "sasl.oauthbearer.method", "oidc", errstr, sizeof errstr) ==
             RD_KAFKA_CONF_OK;
    rd_kafka_conf_destroy(c);
    return ok;
}

static void msg_has(const char *needle)
{
    cr_assert(strstr(E.msg, needle), "message lacks \"%s\": %s", needle, E.msg);
}

static void msg_lacks(const char *needle)
{
    cr_assert(!strstr(E.msg, needle), "message shows \"%s\": %s", needle, E.msg);
}

static char tmpdir[64];

/* A file in a temporary directory with the given bytes; returns its path (static storage). */
static const char *file_with(const char *name, const void *data, size_t n)
{
    static char paths[8][128];
    static int next;
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/sl_kprops_XXXXXX");
        cr_assert_not_null(mkdtemp(tmpdir));
    }
    char *p = paths[next++ % 8];
    snprintf(p, 128, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fwrite(data, 1, n, f);
    fclose(f);
    return p;
}

static const char PEM[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
static const unsigned char JKS[] = {0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0, 0, 1};
static const unsigned char P12[] = {0x30, 0x82, 0x0A, 0x1B, 0x02, 0x01, 0x03};

static void fini(void)
{
    sl_kafka_settings_free(&S);
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        cr_assert_eq(system(cmd), 0);
        tmpdir[0] = 0;
    }
}

TestSuite(kafka_props, .fini = fini);

#define C    SL_KAFKA_CONSUMER
#define P    SL_KAFKA_PRODUCER
#define BOTH SL_KAFKA_BOTH

/* ---- every row of the table ------------------------------------------------------------ */

Test(kafka_props, every_row_with_its_sample_value)
{
    int n = sl_kafka_prop_count(), counts[6] = {0};
    cr_assert_gt(n, 80);
    for (int i = 0; i < n; i++) {
        const sl_kafka_prop *p = sl_kafka_prop_at(i);
        counts[p->kind]++;
        cr_assert_eq(sl_kafka_prop_find(p->name), p, "%s is not found", p->name);
        if (!p->sample) continue;
        int oidc = !strcmp(p->name, "sasl.login.callback.handler.class") ||
                   !strcmp(p->name, "sasl.oauthbearer.token.endpoint.url");
        char key[128];
        snprintf(key, sizeof key, "properties.%s", p->name);
        int rc = TR(BOTH, key, p->sample);
        if (oidc && !oidc_supported()) {
            cr_assert_eq(rc, SL_CONFIG);
            msg_has("has no equivalent in this librdkafka");
            msg_has("not supported in this build");
            continue;
        }
        switch (p->kind) {
        case SL_KPROP_REJECTED:
            cr_assert_eq(rc, SL_CONFIG, "%s should be rejected", p->name);
            msg_has(key);
            msg_has("has no librdkafka equivalent");
            cr_assert_eq(bad, 0);
            cr_assert_eq(E.offset, 0, "%s: the error is on the key", p->name);
            break;
        case SL_KPROP_IGNORED:
        case SL_KPROP_DEFAULT_ONLY:
            cr_assert_eq(rc, SL_OK, "%s: %s", p->name, E.msg);
            cr_assert_eq(S.n, 0, "%s is accepted without a setting", p->name);
            break;
        case SL_KPROP_SAME:
            cr_assert_eq(rc, SL_OK, "%s: %s", p->name, E.msg);
            cr_assert_not_null(get(p->name), "%s passes under its own name", p->name);
            cr_assert_str_eq(p->target, p->name);
            break;
        case SL_KPROP_RENAMED:
            cr_assert_eq(rc, SL_OK, "%s: %s", p->name, E.msg);
            cr_assert_not_null(get(p->target), "%s becomes %s", p->name, p->target);
            cr_assert_null(get(p->name), "%s is not passed under its Java name", p->name);
            break;
        default: cr_assert_eq(rc, SL_OK, "%s: %s", p->name, E.msg); break;
        }
        if (rc == SL_OK) accepted();
        for (int k = 0; k < S.n; k++)
            cr_assert_eq(S.items[k].opt, 0, "settings remember their option");
    }
    for (int k = 0; k < 6; k++) cr_assert_gt(counts[k], 0, "kind %d has rows", k);
}

Test(kafka_props, default_only_rows_refuse_other_values)
{
    for (int i = 0; i < sl_kafka_prop_count(); i++) {
        const sl_kafka_prop *p = sl_kafka_prop_at(i);
        if (p->kind != SL_KPROP_DEFAULT_ONLY) continue;
        char key[128];
        snprintf(key, sizeof key, "properties.%s", p->name);
        const char *other = !strcmp(p->sample, "true")                   ? "false"
                            : !strcmp(p->sample, "false")                ? "true"
                            : p->sample[0] >= '0' && p->sample[0] <= '9' ? "7"
                                                                         : "Other";
        cr_assert_eq(TR(BOTH, key, other), SL_CONFIG, "%s = %s", p->name, other);
        msg_has(key);
        msg_has("Only the Java default");
        cr_assert_eq(E.offset, 500, "%s: the error is on the value", p->name);
    }
    /* The default in another spelling is the default. */
    OK(BOTH, "properties.sasl.kerberos.ticket.renew.window.factor", "0.80");
    OK(BOTH, "properties.ssl.keymanager.algorithm", "sunx509");
    OK(C, "properties.exclude.internal.topics", " TRUE ");
}

Test(kafka_props, same_names_check_values_like_java)
{
    OK(BOTH, "properties.client.id", "  my-app ");
    cr_assert_str_eq(get("client.id"), "my-app");
    OK(C, "properties.enable.auto.commit", "TRUE");
    cr_assert_str_eq(get("enable.auto.commit"), "true");
    FAILS(C, "properties.enable.auto.commit", "yes");
    msg_has("Invalid value 'yes' for Kafka client property 'properties.enable.auto.commit'");
    cr_assert_eq(E.offset, 500);
    OK(P, "properties.linger.ms", "+5");
    cr_assert_str_eq(get("linger.ms"), "5");
    FAILS(P, "properties.linger.ms", "5ms");
    FAILS(C, "properties.fetch.min.bytes", "99999999999");
    msg_has("32-bit");
    FAILS(BOTH, "properties.connections.max.idle.ms", "4294967296000");
    msg_has("32-bit");
    /* librdkafka's own range checks surface with the Java name. */
    FAILS(C, "properties.session.timeout.ms", "0");
    msg_has("'properties.session.timeout.ms'");
    msg_has("outside allowed range");
    OK(BOTH, "properties.security.protocol", "sasl_ssl");
    cr_assert_str_eq(get("security.protocol"), "SASL_SSL");
    FAILS(BOTH, "properties.security.protocol", "TLS");
    OK(C, "properties.isolation.level", "READ_UNCOMMITTED");
    cr_assert_str_eq(get("isolation.level"), "read_uncommitted");
    FAILS(C, "properties.isolation.level", "dirty");
    OK(P, "properties.acks", "ALL");
    cr_assert_str_eq(get("acks"), "all");
    OK(P, "properties.acks", "-1");
    cr_assert_str_eq(get("acks"), "-1");
    FAILS(P, "properties.acks", "2");
    OK(P, "properties.compression.type", "LZ4");
    cr_assert_str_eq(get("compression.type"), "lz4");
    FAILS(P, "properties.compression.type", "brotli");
    OK(BOTH, "properties.bootstrap.servers", " a:9092 , ,b:9093,");
    cr_assert_str_eq(get("bootstrap.servers"), "a:9092,b:9093");
    FAILS(BOTH, "properties.bootstrap.servers", " , ");
    msg_has("names no broker");
}

Test(kafka_props, renamed)
{
    OK(BOTH, "properties.sasl.mechanism", "plain");
    cr_assert_str_eq(get("sasl.mechanisms"), "PLAIN");
    FAILS(BOTH, "properties.sasl.mechanism", "NTLM");
    msg_has("GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER");
    OK(C, "properties.fetch.max.wait.ms", "250");
    cr_assert_str_eq(get("fetch.wait.max.ms"), "250");
    OK(P, "properties.max.request.size", "2097152");
    cr_assert_str_eq(get("message.max.bytes"), "2097152");
    OK(P, "properties.delivery.timeout.ms", "120000");
    cr_assert_str_eq(get("message.timeout.ms"), "120000");
    OK(BOTH, "properties.metadata.max.age.ms", "60000");
    cr_assert_str_eq(get("topic.metadata.refresh.interval.ms"), "60000");
    cr_assert_null(get("metadata.max.age.ms"));
}

Test(kafka_props, unit_and_value_conversions)
{
    OK(P, "properties.buffer.memory", "33554432");
    cr_assert_str_eq(get("queue.buffering.max.kbytes"), "32768");
    OK(P, "properties.buffer.memory", "1025");
    cr_assert_str_eq(get("queue.buffering.max.kbytes"), "2");
    OK(P, "properties.buffer.memory", "0");
    cr_assert_str_eq(get("queue.buffering.max.kbytes"), "1");
    FAILS(P, "properties.buffer.memory", "-1");
    OK(P, "properties.batch.size", "0");
    cr_assert_str_eq(get("batch.size"), "1");
    OK(P, "properties.batch.size", "16384");
    cr_assert_str_eq(get("batch.size"), "16384");
    OK(BOTH, "properties.receive.buffer.bytes", "-1");
    cr_assert_str_eq(get("socket.receive.buffer.bytes"), "0");
    OK(BOTH, "properties.send.buffer.bytes", "131072");
    cr_assert_str_eq(get("socket.send.buffer.bytes"), "131072");
    FAILS(BOTH, "properties.send.buffer.bytes", "-2");

    OK(C, "properties.request.timeout.ms", "40000");
    cr_assert_str_eq(get("socket.timeout.ms"), "40000");
    cr_assert_null(get("request.timeout.ms"));
    OK(P, "properties.request.timeout.ms", "40000");
    cr_assert_str_eq(get("socket.timeout.ms"), "40000");
    cr_assert_str_eq(get("request.timeout.ms"), "40000");
    FAILS(P, "properties.request.timeout.ms", "600000");
    msg_has("socket.timeout.ms");

    OK(C, "properties.retry.backoff.ms", "200");
    cr_assert_str_eq(get("fetch.error.backoff.ms"), "200");
    cr_assert_null(get("retry.backoff.ms"));
    OK(P, "properties.retry.backoff.ms", "200");
    cr_assert_str_eq(get("retry.backoff.ms"), "200");
    cr_assert_null(get("fetch.error.backoff.ms"));

    OK(C, "properties.auto.offset.reset", "EARLIEST");
    cr_assert_str_eq(get("auto.offset.reset"), "earliest");
    OK(C, "properties.auto.offset.reset", "latest");
    cr_assert_str_eq(get("auto.offset.reset"), "latest");
    OK(C, "properties.auto.offset.reset", "none");
    cr_assert_str_eq(get("auto.offset.reset"), "error");
    FAILS(C, "properties.auto.offset.reset", "by_duration:PT1H");

    OK(BOTH, "properties.ssl.endpoint.identification.algorithm", "");
    cr_assert_str_eq(get("ssl.endpoint.identification.algorithm"), "none");
    OK(BOTH, "properties.ssl.endpoint.identification.algorithm", "HTTPS");
    cr_assert_str_eq(get("ssl.endpoint.identification.algorithm"), "https");
    FAILS(BOTH, "properties.ssl.endpoint.identification.algorithm", "ldaps");

    OK(BOTH, "properties.client.dns.lookup", "use_all_dns_ips");
    cr_assert_eq(S.n, 0);
    FAILS(BOTH, "properties.client.dns.lookup", "resolve_canonical_bootstrap_servers_only");
    msg_has("has no librdkafka equivalent");

    OK(BOTH, "properties.ssl.cipher.suites", "ECDHE-RSA-AES256-GCM-SHA384, AES128-SHA");
    cr_assert_str_eq(get("ssl.cipher.suites"), "ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA");
    FAILS(BOTH, "properties.ssl.cipher.suites", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    msg_has("openssl ciphers -stdname");

    OK(BOTH, "properties.ssl.protocol", "TLSv1.2");
    cr_assert_eq(S.n, 0);
    FAILS(BOTH, "properties.ssl.protocol", "TLSv1.1");
    OK(BOTH, "properties.ssl.enabled.protocols", "TLSv1.3, TLSv1.2");
    FAILS(BOTH, "properties.ssl.enabled.protocols", "TLSv1.3");

    OK(P, "properties.partitioner.class",
       "org.apache.kafka.clients.producer.internals.DefaultPartitioner");
    cr_assert_str_eq(get("partitioner"), "murmur2_random");
    FAILS(P, "properties.partitioner.class",
          "org.apache.kafka.clients.producer.RoundRobinPartitioner");
    msg_has("RoundRobinPartitioner");

    OK(P, "properties.compression.type", "zstd", "properties.compression.zstd.level", "5",
       "properties.compression.gzip.level", "9");
    cr_assert_str_eq(get("compression.level"), "5");
    OK(P, "properties.compression.gzip.level", "6");
    cr_assert_null(get("compression.level"));

    OK(C, "properties.client.id.prefix", "orders");
    cr_assert_str_eq(get("client.id"), "orders-0");
    OK(C, "properties.client.id", "mine", "properties.client.id.prefix", "orders");
    cr_assert_str_eq(get("client.id"), "mine");

    OK(BOTH, "properties.enable.metrics.push", "false");
    cr_assert_eq(S.n, 0);
    FAILS(BOTH, "properties.enable.metrics.push", "true");
}

Test(kafka_props, assignment_strategy)
{
    const char *range = "org.apache.kafka.clients.consumer.RangeAssignor";
    const char *rr = "org.apache.kafka.clients.consumer.RoundRobinAssignor";
    const char *coop = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
    char v[512];
    snprintf(v, sizeof v, "%s, %s", range, coop); /* Kafka 3.x's default */
    OK(C, "properties.partition.assignment.strategy", v);
    cr_assert_str_eq(get("partition.assignment.strategy"), "range");
    snprintf(v, sizeof v, "%s,%s", coop, range);
    OK(C, "properties.partition.assignment.strategy", v);
    cr_assert_str_eq(get("partition.assignment.strategy"), "cooperative-sticky");
    snprintf(v, sizeof v, "%s,%s", rr, range);
    OK(C, "properties.partition.assignment.strategy", v);
    cr_assert_str_eq(get("partition.assignment.strategy"), "roundrobin,range");
    OK(C, "properties.partition.assignment.strategy",
       "org.apache.flink.kafka.shaded.org.apache.kafka.clients.consumer.RoundRobinAssignor");
    cr_assert_str_eq(get("partition.assignment.strategy"), "roundrobin");
    OK(C, "properties.partition.assignment.strategy", "cooperative-sticky");
    cr_assert_str_eq(get("partition.assignment.strategy"), "cooperative-sticky");
    FAILS(C, "properties.partition.assignment.strategy",
          "org.apache.kafka.clients.consumer.StickyAssignor");
    msg_has("CooperativeStickyAssignor");
    FAILS(C, "properties.partition.assignment.strategy", "com.example.MyAssignor");
    msg_has("com.example.MyAssignor");
}

Test(kafka_props, roles)
{
    OK(C, "properties.acks", "all", "properties.group.id", "g");
    cr_assert_null(get("acks"));
    cr_assert_str_eq(get("group.id"), "g");
    OK(P, "properties.acks", "all", "properties.group.id", "g");
    cr_assert_str_eq(get("acks"), "all");
    cr_assert_null(get("group.id"));
    OK(BOTH, "properties.acks", "all", "properties.group.id", "g");
    cr_assert_str_eq(get("acks"), "all");
    cr_assert_str_eq(get("group.id"), "g");
    /* Checked for the other role all the same. */
    FAILS(C, "properties.acks", "2");
    FAILS(P, "properties.max.poll.records", "10");
    /* Flink overrides these. */
    OK(C, "properties.key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
       "properties.value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    cr_assert_eq(S.n, 0);
}

Test(kafka_props, librdkafka_names_pass_through)
{
    OK(P, "properties.queue.buffering.max.messages", "5000", "properties.debug", "broker,topic",
       "properties.sasl.username", "u", "properties.sasl.password", "pw");
    cr_assert_str_eq(get("queue.buffering.max.messages"), "5000");
    cr_assert_str_eq(get("debug"), "broker,topic");
    cr_assert_eq(is_secret("sasl.password"), 1);
    cr_assert_eq(is_secret("sasl.username"), 0);
    cr_assert_eq(S.items[2].opt, 2);
    FAILS(P, "properties.queue.buffering.max.messages", "lots");
    msg_has("Invalid value 'lots'");
    cr_assert_eq(E.offset, 500);
    FAILS(BOTH, "properties.group.id", "g", "properties.foo.bar", "1");
    cr_assert_str_eq(E.msg, "Kafka client property 'properties.foo.bar' has no librdkafka "
                            "equivalent.");
    cr_assert_eq(bad, 1);
    cr_assert_eq(E.offset, 1000);
    cr_assert_eq(E.len, (int)strlen("properties.foo.bar"));
    cr_assert_eq(S.n, 0, "nothing is left after an error");
    FAILS(BOTH, "properties.sasl.mechanizm", "PLAIN");
    msg_has("Did you mean 'properties.sasl.mechanism");
    FAILS(C, "properties.max.partition.fetch.byte", "1");
    msg_has("Did you mean 'properties.max.partition.fetch.bytes'?");
    FAILS(BOTH, "properties.", "x");
    msg_has("names no Kafka client property");
    /* Options outside properties.* are not this module's. */
    OK(BOTH, "topic", "t", "value.format", "json");
    cr_assert_eq(S.n, 0);
}

Test(kafka_props, rejected_and_plugin_paths)
{
    FAILS(C, "properties.max.poll.records", "500");
    cr_assert_str_eq(E.msg, "Kafka client property 'properties.max.poll.records' has no librdkafka "
                            "equivalent: librdkafka has no poll batch limit (sluice reads up to "
                            "4096 records per batch).");
    FAILS(BOTH, "properties.interceptor.classes", "a.B");
    FAILS(BOTH, "properties.plugin.library.paths", "/tmp/evil.so");
    FAILS(P, "properties.transactional.id", "tx");
    msg_has("sink.transactional-id-prefix");
    FAILS(C, "properties.partition.discovery.interval.ms", "1000");
    msg_has("scan.topic-partition-discovery.interval");
}

Test(kafka_props, earlier_settings_are_kept_on_error)
{
    mk((const char *const[]){"properties.group.id", "g", NULL});
    sl_kafka_settings_free(&S);
    cr_assert_eq(sl_kafka_translate(&os, C, &S, NULL, &E), SL_OK);
    cr_assert_eq(S.n, 1);
    mk((const char *const[]){"properties.client.id", "c", "properties.nope", "x", NULL});
    sl_err_clear(&E);
    cr_assert_eq(sl_kafka_translate(&os, C, &S, NULL, &E), SL_CONFIG);
    cr_assert_eq(S.n, 1);
    cr_assert_str_eq(S.items[0].key, "group.id");
}

Test(kafka_props, apply)
{
    OK(P, "properties.bootstrap.servers", "h:1", "properties.delivery.timeout.ms", "5000",
       "properties.sasl.mechanism", "SCRAM-SHA-256");
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cr_assert_eq(sl_kafka_settings_apply(&S, &os, conf, &E), SL_OK);
    char buf[256];
    size_t n = sizeof buf;
    cr_assert_eq(rd_kafka_conf_get(conf, "message.timeout.ms", buf, &n), RD_KAFKA_CONF_OK);
    cr_assert_str_eq(buf, "5000");
    n = sizeof buf;
    cr_assert_eq(rd_kafka_conf_get(conf, "sasl.mechanisms", buf, &n), RD_KAFKA_CONF_OK);
    cr_assert_str_eq(buf, "SCRAM-SHA-256");
    rd_kafka_conf_destroy(conf);
}

/* ---- JAAS ----------------------------------------------------------------------------------- */

#define PLAIN "org.apache.kafka.common.security.plain.PlainLoginModule"
#define SCRAM "org.apache.kafka.common.security.scram.ScramLoginModule"
#define KRB5  "com.sun.security.auth.module.Krb5LoginModule"
#define OAUTH "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
#define OIDC  "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler"

static int jaas(const char *mech, const char *text)
{
    return TR(BOTH, "properties.sasl.mechanism", mech, "properties.sasl.jaas.config", text);
}

Test(kafka_props, jaas_plain)
{
    cr_assert_eq(jaas("PLAIN", PLAIN " required username=\"alice\" password=\"s3cr#t;=x\";"), SL_OK,
                 "%s", E.msg);
    accepted();
    cr_assert_str_eq(get("sasl.username"), "alice");
    cr_assert_str_eq(get("sasl.password"), "s3cr#t;=x");
    cr_assert_eq(is_secret("sasl.password"), 1);
    /* Flink's shaded class name, unquoted words, any flag case, newlines, comments. */
    cr_assert_eq(jaas("PLAIN", "org.apache.flink.kafka.shaded." PLAIN " REQUIRED\n"
                               "  /* the app user */ username=app // line comment\n"
                               "  password=pa$$w0rd\n;"),
                 SL_OK, "%s", E.msg);
    cr_assert_str_eq(get("sasl.username"), "app");
    cr_assert_str_eq(get("sasl.password"), "pa$$w0rd");
    /* Single quotes and StreamTokenizer escapes. */
    cr_assert_eq(
        jaas("PLAIN", PLAIN " required username='it\\'s' password=\"a\\\"b\\\\c\\t\\101\";"), SL_OK,
        "%s", E.msg);
    cr_assert_str_eq(get("sasl.username"), "it's");
    cr_assert_str_eq(get("sasl.password"), "a\"b\\c\tA");
    /* A quote of the other kind inside a quoted value is just a character. */
    cr_assert_eq(jaas("PLAIN", PLAIN " required username=\"o'neil\" password='say \"hi\"';"), SL_OK,
                 "%s", E.msg);
    cr_assert_str_eq(get("sasl.username"), "o'neil");
    cr_assert_str_eq(get("sasl.password"), "say \"hi\"");
}

Test(kafka_props, jaas_syntax_errors_show_no_secrets)
{
    static const char *const bad_configs[] = {
        PLAIN " required username=\"alice\" password=\"TOPSECRET\"",    /* no ';' */
        PLAIN " username=\"alice\" password=\"TOPSECRET\";",            /* no flag */
        PLAIN " mandatory username=\"alice\" password=\"TOPSECRET\";",  /* bad flag */
        PLAIN " required username=\"alice\" password=\"TOPSECRET;",     /* open quote */
        PLAIN " required username=\"alice\" password=\"TOPSECRET\"\n;", /* ok, control */
        PLAIN " required username=\"alice\" password \"TOPSECRET\";",   /* no '=' */
        PLAIN " required username=\"alice\" password=;",                /* no value */
        PLAIN " required username=\"alice\" password=\"TOPSECRET\"; " PLAIN " required;",
        PLAIN " required password=\"TOPSECRET\";",                   /* no username */
        PLAIN " required username=\"alice\" passwd=\"TOPSECRET\";",  /* unknown option */
        PLAIN " required username=\"alice\" password=\"TOPSECRET\\", /* ends in '\' */
        "",
        "  ; ",
    };
    for (size_t i = 0; i < sizeof bad_configs / sizeof *bad_configs; i++) {
        int rc = jaas("PLAIN", bad_configs[i]);
        if (i == 4) {
            cr_assert_eq(rc, SL_OK, "%s", E.msg);
            continue;
        }
        cr_assert_eq(rc, SL_CONFIG, "config %zu should fail", i);
        msg_has("'properties.sasl.jaas.config'");
        msg_lacks("TOPSECRET");
        if (*bad_configs[i])
            cr_assert_eq(E.offset, 1500, "config %zu: error on the value", i);
        else
            cr_assert_eq(E.offset, 1000, "an empty value: the error is on the key");
    }
    jaas("PLAIN", bad_configs[0]);
    msg_has("not terminated by ';'");
    jaas("PLAIN", bad_configs[3]);
    msg_has("not closed");
    jaas("PLAIN", bad_configs[7]);
    msg_has("2 login modules");
    jaas("PLAIN", bad_configs[8]);
    msg_has("needs 'username' and 'password'");
    jaas("PLAIN", bad_configs[9]);
    msg_has("no option 'passwd'; did you mean 'password'?");
    jaas("PLAIN", bad_configs[11]);
    msg_has("names no login module");
}

Test(kafka_props, jaas_mechanism_must_match_module)
{
    cr_assert_eq(TR(BOTH, "properties.sasl.jaas.config",
                    PLAIN " required username=\"a\" password=\"TOPSECRET\";"),
                 SL_CONFIG);
    msg_has("PlainLoginModule");
    msg_has("GSSAPI (the default: set 'properties.sasl.mechanism')");
    msg_lacks("TOPSECRET");
    cr_assert_eq(jaas("SCRAM-SHA-256", PLAIN " required username=a password=b;"), SL_CONFIG);
    /* librdkafka's own name for the mechanism counts too. */
    cr_assert_eq(TR(BOTH, "properties.sasl.mechanisms", "PLAIN", "properties.sasl.jaas.config",
                    PLAIN " required username=a password=b;"),
                 SL_OK, "%s", E.msg);
}

Test(kafka_props, jaas_scram)
{
    cr_assert_eq(jaas("SCRAM-SHA-512", SCRAM " required username=\"bob\" password=\"pw\";"), SL_OK,
                 "%s", E.msg);
    accepted();
    cr_assert_str_eq(get("sasl.mechanisms"), "SCRAM-SHA-512");
    cr_assert_str_eq(get("sasl.username"), "bob");
    cr_assert_str_eq(get("sasl.password"), "pw");
    cr_assert_eq(jaas("SCRAM-SHA-256",
                      SCRAM " required username=\"bob\" password=\"TOPSECRET\" tokenauth=true;"),
                 SL_CONFIG);
    msg_has("delegation token");
    msg_lacks("TOPSECRET");
}

Test(kafka_props, jaas_kerberos)
{
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useKeyTab=true storeKey=true debug=true "
                                     "keyTab=\"/etc/security/kafka.keytab\" "
                                     "principal=\"kafka-client/host.example.com@EXAMPLE.COM\" "
                                     "serviceName=\"kafka\";"),
                 SL_OK, "%s", E.msg);
    accepted();
    cr_assert_str_eq(get("sasl.kerberos.keytab"), "/etc/security/kafka.keytab");
    cr_assert_str_eq(get("sasl.kerberos.principal"), "kafka-client/host.example.com@EXAMPLE.COM");
    cr_assert_str_eq(get("sasl.kerberos.service.name"), "kafka");
    cr_assert_null(get("sasl.kerberos.min.time.before.relogin"));
    /* The property wins over the JAAS serviceName. */
    cr_assert_eq(TR(BOTH, "properties.sasl.jaas.config",
                    KRB5 " required useKeyTab=TRUE keyTab=\"/k\" principal=\"u@R\" "
                         "serviceName=\"other\";",
                    "properties.sasl.kerberos.service.name", "kafka"),
                 SL_OK, "%s", E.msg);
    cr_assert_str_eq(get("sasl.kerberos.service.name"), "kafka");
    /* Ticket cache only: no kinit. */
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useTicketCache=true;"), SL_OK, "%s", E.msg);
    accepted();
    cr_assert_str_eq(get("sasl.kerberos.min.time.before.relogin"), "0");
    cr_assert_null(get("sasl.kerberos.keytab"));
    cr_assert_eq(jaas("GSSAPI", KRB5 " required principal=\"u@R\";"), SL_CONFIG);
    msg_has("useKeyTab=true");
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useKeyTab=true principal=\"u@R\";"), SL_CONFIG);
    msg_has("needs 'keyTab' and 'principal'");
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useTicketCache=true ticketCache=\"/tmp/cc\";"),
                 SL_CONFIG);
    msg_has("KRB5CCNAME");
    /* An unquoted path: the '/' starts a comment in JAAS syntax. */
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useKeyTab=true keyTab=/etc/k.keytab "
                                     "principal=\"u@R\";"),
                 SL_CONFIG);
    msg_has("value not specified for option 'keyTab'");
    msg_has("quote the value");
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useKeyTab=true keytab=\"/k\" principal=\"u@R\";"),
                 SL_CONFIG);
    msg_has("did you mean 'keyTab'?");
    /* What librdkafka's kinit command line cannot carry. */
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useKeyTab=true keyTab=\"/k\" "
                                     "principal=\"u@R; rm -rf /\";"),
                 SL_CONFIG);
    msg_has("cannot carry safely");
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useKeyTab=true keyTab=\"/k/$(id)\" "
                                     "principal=\"u@R\";"),
                 SL_CONFIG);
    cr_assert_eq(jaas("GSSAPI", KRB5 " required useKeyTab=true keyTab=\"obs://b/u.keytab\" "
                                     "principal=\"u@R\";"),
                 SL_CONFIG);
    msg_has("OBS");
    cr_assert_eq(jaas("GSSAPI", "com.ibm.security.auth.module.Krb5LoginModule required;"),
                 SL_CONFIG);
    msg_has("'com.ibm.security.auth.module.Krb5LoginModule' is Java code");
}

Test(kafka_props, jaas_oauthbearer_unsecured)
{
    cr_assert_eq(jaas("OAUTHBEARER", OAUTH " required unsecuredLoginStringClaim_sub=\"alice\" "
                                           "unsecuredLoginListClaim_scope=\",read,write\" "
                                           "unsecuredLoginLifetimeSeconds=\"600\" "
                                           "unsecuredLoginExtension_traceId=\"t1\";"),
                 SL_OK, "%s", E.msg);
    accepted();
    cr_assert_str_eq(get("enable.sasl.oauthbearer.unsecure.jwt"), "true");
    cr_assert_str_eq(get("sasl.oauthbearer.config"),
                     "principal=alice scope=read,write lifeSeconds=600 extension_traceId=t1");
    cr_assert_eq(jaas("OAUTHBEARER", OAUTH " required unsecuredLoginPrincipalClaimName=azp "
                                           "unsecuredLoginStringClaim_azp=svc "
                                           "unsecuredLoginListClaim_scope=\"|a|b\";"),
                 SL_OK, "%s", E.msg);
    cr_assert_str_eq(get("sasl.oauthbearer.config"),
                     "principal=svc principalClaimName=azp scope=a,b");
    cr_assert_eq(jaas("OAUTHBEARER", OAUTH " required;"), SL_CONFIG);
    msg_has("unsecuredLoginStringClaim_sub");
    cr_assert_eq(jaas("OAUTHBEARER", OAUTH " required unsecuredLoginStringClaim_sub=a "
                                           "unsecuredLoginNumberClaim_n=1;"),
                 SL_CONFIG);
    msg_has("only the principal and scope");
    cr_assert_eq(jaas("OAUTHBEARER", OAUTH " required clientId=a clientSecret=TOPSECRET;"),
                 SL_CONFIG);
    msg_has("sasl.login.callback.handler.class");
    msg_lacks("TOPSECRET");
}

Test(kafka_props, jaas_oauthbearer_oidc)
{
    if (!oidc_supported()) {
        cr_assert_eq(TR(BOTH, "properties.sasl.mechanism", "OAUTHBEARER",
                        "properties.sasl.login.callback.handler.class", OIDC,
                        "properties.sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                        "properties.sasl.jaas.config",
                        OAUTH " required clientId=\"app\" clientSecret=\"TOPSECRET\";"),
                     SL_CONFIG);
        msg_has("'properties.sasl.login.callback.handler.class' has no equivalent in this "
                "librdkafka (2.0.2)");
        msg_has("not supported in this build");
        msg_lacks("TOPSECRET");
        cr_assert_eq(bad, 1);
        return;
    }
    cr_assert_eq(TR(BOTH, "properties.sasl.mechanism", "OAUTHBEARER",
                    "properties.sasl.login.callback.handler.class", OIDC,
                    "properties.sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                    "properties.sasl.jaas.config",
                    OAUTH " required clientId=\"app\" clientSecret=\"TOPSECRET\" scope=\"kafka\" "
                          "extension_logicalCluster=\"lkc-1\" extension_identityPoolId=\"p-2\";"),
                 SL_OK, "%s", E.msg);
    accepted();
    cr_assert_str_eq(get("sasl.oauthbearer.method"), "oidc");
    cr_assert_str_eq(get("sasl.oauthbearer.client.id"), "app");
    cr_assert_str_eq(get("sasl.oauthbearer.client.secret"), "TOPSECRET");
    cr_assert_eq(is_secret("sasl.oauthbearer.client.secret"), 1);
    cr_assert_str_eq(get("sasl.oauthbearer.scope"), "kafka");
    cr_assert_str_eq(get("sasl.oauthbearer.extensions"), "logicalCluster=lkc-1,identityPoolId=p-2");
    cr_assert_str_eq(get("sasl.oauthbearer.token.endpoint.url"), "https://idp/token");
    /* The Kafka 3.1-3.3 package of the handler. */
    cr_assert_eq(TR(BOTH, "properties.sasl.mechanism", "OAUTHBEARER",
                    "properties.sasl.login.callback.handler.class",
                    "org.apache.kafka.common.security.oauthbearer.secured."
                    "OAuthBearerLoginCallbackHandler",
                    "properties.sasl.jaas.config",
                    OAUTH " required clientId=\"app\" clientSecret=\"TOPSECRET\";"),
                 SL_CONFIG);
    msg_has("sasl.oauthbearer.token.endpoint.url");
    msg_lacks("TOPSECRET");
    FAILS(BOTH, "properties.sasl.login.callback.handler.class", "com.example.Handler");
}

/* ---- TLS ------------------------------------------------------------------------------------ */

Test(kafka_props, truststore)
{
    const char *pem = file_with("ca.pem", PEM, sizeof PEM - 1);
    const char *jks = file_with("trust.jks", JKS, sizeof JKS);
    const char *p12 = file_with("trust.p12", P12, sizeof P12);
    const char *junk = file_with("trust.bin", "\x01\x02\x03\x04", 4);

    OK(BOTH, "properties.ssl.truststore.location", pem);
    cr_assert_str_eq(get("ssl.ca.location"), pem);
    /* Java's default type JKS opens what the file is; a PEM file's password is not needed. */
    OK(BOTH, "properties.ssl.truststore.location", pem, "properties.ssl.truststore.type", "JKS",
       "properties.ssl.truststore.password", "TOPSECRET");
    cr_assert_str_eq(get("ssl.ca.location"), pem);
    cr_assert_eq(S.n, 1);
    FAILS(BOTH, "properties.ssl.truststore.location", pem, "properties.ssl.truststore.type", "PEM",
          "properties.ssl.truststore.password", "TOPSECRET");
    msg_has("'properties.ssl.truststore.password'");
    msg_lacks("TOPSECRET");
    cr_assert_eq(bad, 2);

    FAILS(BOTH, "properties.ssl.truststore.location", jks, "properties.ssl.truststore.password",
          "TOPSECRET");
    msg_has("Java KeyStore (JKS)");
    msg_has("keytool -importkeystore");
    msg_has("openssl pkcs12");
    msg_lacks("TOPSECRET");
    cr_assert_eq(E.offset, 500);
    FAILS(BOTH, "properties.ssl.truststore.location", "/nonexistent/t.jks",
          "properties.ssl.truststore.type", "jks");
    msg_has("JKS");
    FAILS(BOTH, "properties.ssl.truststore.location", p12);
    msg_has("PKCS#12");
    msg_has("-nokeys -out ca.pem");
    FAILS(BOTH, "properties.ssl.truststore.location", junk);
    msg_has("Cannot tell the format");
    FAILS(BOTH, "properties.ssl.truststore.location", pem, "properties.ssl.truststore.type",
          "BCFKS");
    cr_assert_eq(bad, 1);
    /* Unreadable and untyped: PEM is assumed; librdkafka reports a missing file at connect. */
    OK(BOTH, "properties.ssl.truststore.location", "/nonexistent/ca.pem");
    cr_assert_str_eq(get("ssl.ca.location"), "/nonexistent/ca.pem");

    OK(BOTH, "properties.ssl.truststore.type", "PEM", "properties.ssl.truststore.certificates",
       PEM);
    cr_assert_str_eq(get("ssl.ca.pem"),
                     "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
    FAILS(BOTH, "properties.ssl.truststore.type", "JKS", "properties.ssl.truststore.certificates",
          PEM);
    FAILS(BOTH, "properties.ssl.truststore.location", pem, "properties.ssl.truststore.certificates",
          PEM);
    msg_has("give one of them");
}

Test(kafka_props, keystore)
{
    const char *pem = file_with("client.pem", PEM, sizeof PEM - 1);
    const char *jks = file_with("client.jks", JKS, sizeof JKS);
    const char *p12 = file_with("client.p12", P12, sizeof P12);

    OK(BOTH, "properties.ssl.keystore.location", p12, "properties.ssl.keystore.password", "kspw",
       "properties.ssl.key.password", "kspw");
    cr_assert_str_eq(get("ssl.keystore.location"), p12);
    cr_assert_str_eq(get("ssl.keystore.password"), "kspw");
    cr_assert_eq(is_secret("ssl.keystore.password"), 1);
    cr_assert_null(get("ssl.key.password"));
    FAILS(BOTH, "properties.ssl.keystore.location", p12, "properties.ssl.keystore.password",
          "TOPSECRET", "properties.ssl.key.password", "OTHERSECRET");
    msg_has("one password");
    msg_lacks("TOPSECRET");
    msg_lacks("OTHERSECRET");
    cr_assert_eq(bad, 2);
    /* Java's JKS type opens PKCS#12 files too. */
    OK(BOTH, "properties.ssl.keystore.location", p12, "properties.ssl.keystore.type", "JKS");
    cr_assert_str_eq(get("ssl.keystore.location"), p12);

    OK(BOTH, "properties.ssl.keystore.type", "PEM", "properties.ssl.keystore.location", pem,
       "properties.ssl.key.password", "keypw");
    cr_assert_str_eq(get("ssl.key.location"), pem);
    cr_assert_str_eq(get("ssl.certificate.location"), pem);
    cr_assert_str_eq(get("ssl.key.password"), "keypw");
    cr_assert_eq(is_secret("ssl.key.password"), 1);
    FAILS(BOTH, "properties.ssl.keystore.location", pem, "properties.ssl.keystore.password",
          "TOPSECRET");
    msg_has("no store password");
    msg_lacks("TOPSECRET");

    FAILS(BOTH, "properties.ssl.keystore.location", jks, "properties.ssl.keystore.password",
          "TOPSECRET");
    msg_has("keytool -importkeystore");
    msg_has("-deststoretype PKCS12");
    msg_lacks("TOPSECRET");

    OK(BOTH, "properties.ssl.keystore.type", "PEM", "properties.ssl.keystore.certificate.chain",
       PEM, "properties.ssl.keystore.key",
       "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----");
    cr_assert_not_null(get("ssl.certificate.pem"));
    cr_assert_not_null(get("ssl.key.pem"));
    cr_assert_eq(is_secret("ssl.key.pem"), 1);
    FAILS(BOTH, "properties.ssl.keystore.certificate.chain", PEM);
    msg_has("needs 'properties.ssl.keystore.key'");

    FAILS(BOTH, "properties.ssl.keystore.location", "obs://bucket/client.p12");
    msg_has("OBS");
    FAILS(BOTH, "properties.ssl.keystore.location", "file:///etc/client.p12");
    msg_has("'/etc/client.p12'");
    FAILS(BOTH, "properties.ssl.keystore.location", "hdfs://nn/client.p12");
    msg_has("hdfs://");
}

/* ---- Kerberos: kinit command and DLI (Example 3 of the upsert-kafka page) -------------------- */

Test(kafka_props, dli_example_3_obs_paths_fail_at_create_table)
{
    FAILS(C, "properties.bootstrap.servers", "KafkaAddress1:9092,KafkAddress2:9092",
          "properties.sasl.mechanism", "GSSAPI", "properties.security.protocol", "SASL_PLAINTEXT",
          "properties.sasl.kerberos.service.name", "kafka", "properties.connector.auth.open",
          "true", "properties.connector.kerberos.principal", "username",
          "properties.connector.kerberos.krb5", "obs://xx/krb5.conf",
          "properties.connector.kerberos.keytab", "obs://xx/user.keytab");
    msg_has("'properties.connector.kerberos.krb5' is an OBS object ('obs://xx/krb5.conf')");
    msg_has("obsutil cp obs://xx/krb5.conf");
    cr_assert_eq(bad, 6);
    cr_assert_eq(E.offset, 6500);
    cr_assert_null(S.krb5_conf);
}

Test(kafka_props, dli_example_3_local_paths)
{
    OK(C, "properties.bootstrap.servers", "KafkaAddress1:9092,KafkAddress2:9092",
       "properties.sasl.mechanism", "GSSAPI", "properties.security.protocol", "SASL_PLAINTEXT",
       "properties.sasl.kerberos.service.name", "kafka", "properties.connector.auth.open", "true",
       "properties.connector.kerberos.principal", "username", "properties.connector.kerberos.krb5",
       "/etc/sluice/krb5.conf", "properties.connector.kerberos.keytab", "/etc/sluice/user.keytab");
    cr_assert_str_eq(get("sasl.mechanisms"), "GSSAPI");
    cr_assert_str_eq(get("security.protocol"), "SASL_PLAINTEXT");
    cr_assert_str_eq(get("sasl.kerberos.service.name"), "kafka");
    cr_assert_str_eq(get("sasl.kerberos.principal"), "username");
    cr_assert_str_eq(get("sasl.kerberos.keytab"), "/etc/sluice/user.keytab");
    cr_assert_str_eq(get("sasl.kerberos.kinit.cmd"),
                     "export KRB5_CONFIG='/etc/sluice/krb5.conf'; "
                     "kinit -R -t \"%{sasl.kerberos.keytab}\" -k %{sasl.kerberos.principal} || "
                     "kinit -t \"%{sasl.kerberos.keytab}\" -k %{sasl.kerberos.principal}");
    cr_assert_str_eq(S.krb5_conf, "/etc/sluice/krb5.conf");
    cr_assert_eq(S.n, 7);

    /* auth.open = false: DLI does not apply the connector.kerberos.* properties. */
    OK(C, "properties.connector.auth.open", "false", "properties.connector.kerberos.principal",
       "username", "properties.connector.kerberos.krb5", "obs://xx/krb5.conf",
       "properties.connector.kerberos.keytab", "obs://xx/user.keytab");
    cr_assert_eq(S.n, 0);
    cr_assert_null(S.krb5_conf);
    FAILS(C, "properties.connector.auth.open", "maybe");
    FAILS(C, "properties.connector.kerberos.principal", "user name@R");
    msg_has("cannot carry safely");
}

Test(kafka_props, kinit_command)
{
    /* Java's sasl.kerberos.kinit.cmd is the program. */
    OK(BOTH, "properties.sasl.kerberos.kinit.cmd", "/opt/krb5/bin/kinit");
    cr_assert_str_eq(get("sasl.kerberos.kinit.cmd"),
                     "'/opt/krb5/bin/kinit' -R -t \"%{sasl.kerberos.keytab}\" -k "
                     "%{sasl.kerberos.principal} || '/opt/krb5/bin/kinit' -t "
                     "\"%{sasl.kerberos.keytab}\" -k %{sasl.kerberos.principal}");
    /* A librdkafka template is kept, with KRB5_CONFIG in front; one setting for the pair. */
    OK(BOTH, "properties.sasl.kerberos.kinit.cmd", "kinit -k -t \"%{sasl.kerberos.keytab}\" u",
       "properties.connector.kerberos.krb5", "/tmp/it's/krb5.conf");
    cr_assert_str_eq(get("sasl.kerberos.kinit.cmd"),
                     "export KRB5_CONFIG='/tmp/it'\\''s/krb5.conf'; kinit -k -t "
                     "\"%{sasl.kerberos.keytab}\" u");
    cr_assert_eq(S.n, 1);
    cr_assert_eq(S.items[0].opt, 0);

    /* The generated command runs under sh -c as librdkafka runs it: the fake kinit sees the
    ** krb5.conf, the keytab and the principal. */
    char script[256], out[256];
    snprintf(out, sizeof out, "%s/args", (file_with("x", "", 0), tmpdir));
    char body[512];
    snprintf(body, sizeof body, "#!/bin/sh\necho \"$KRB5_CONFIG|$*\" >> '%s'\nexit 1\n", out);
    snprintf(script, sizeof script, "%s", file_with("kinit", body, strlen(body)));
    cr_assert_eq(chmod(script, 0755), 0);
    OK(BOTH, "properties.sasl.kerberos.kinit.cmd", script, "properties.connector.kerberos.krb5",
       "/etc/it's krb5.conf", "properties.connector.kerberos.keytab", "/etc/user.keytab",
       "properties.connector.kerberos.principal", "user@EXAMPLE.COM");
    sl_buf cmd = SL_BUF_INIT;
    for (const char *p = get("sasl.kerberos.kinit.cmd"); *p;) {
        if (!strncmp(p, "%{sasl.kerberos.keytab}", 23)) {
            sl_buf_puts(&cmd, "/etc/user.keytab");
            p += 23;
        } else if (!strncmp(p, "%{sasl.kerberos.principal}", 26)) {
            sl_buf_puts(&cmd, "user@EXAMPLE.COM");
            p += 26;
        } else {
            sl_buf_putc(&cmd, *p++);
        }
    }
    (void)!system(cmd.p);
    sl_buf_free(&cmd);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f);
    char line1[256] = "", line2[256] = "";
    cr_assert_not_null(fgets(line1, sizeof line1, f));
    cr_assert_not_null(fgets(line2, sizeof line2, f));
    fclose(f);
    cr_assert_str_eq(line1, "/etc/it's krb5.conf|-R -t /etc/user.keytab -k user@EXAMPLE.COM\n");
    cr_assert_str_eq(line2, "/etc/it's krb5.conf|-t /etc/user.keytab -k user@EXAMPLE.COM\n");
}

/* ---- documentation ------------------------------------------------------------------------ */

Test(kafka_props, every_row_is_documented)
{
    char path[512];
    snprintf(path, sizeof path, "%s/docs/kafka-properties.md", SL_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    sl_buf doc = SL_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sl_buf_append(&doc, chunk, n);
    fclose(f);
    for (int i = 0; i < sl_kafka_prop_count(); i++) {
        char row[160];
        snprintf(row, sizeof row, "| `%s` |", sl_kafka_prop_at(i)->name);
        cr_assert(strstr(doc.p, row), "docs/kafka-properties.md has no row for %s",
                  sl_kafka_prop_at(i)->name);
    }
    sl_buf_free(&doc);
}
