/*
** tests/unit/test_connect_config.c — Kafka Connect configs to SQL (engine/connect_config.c) and
** the 'maxcompute' connector descriptor (connectors/maxcompute/options.c).
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/connect_config.h"
#include "sluice.h"

/* ---- the JSON reader ------------------------------------------------------------------ */

static sl_arena ar;
static sl_err err;

static void setup(void)
{
    sl_arena_init(&ar, 1024);
    sl_err_clear(&err);
}

static void teardown(void)
{
    sl_arena_free(&ar);
}

TestSuite(json, .init = setup, .fini = teardown);

Test(json, keeps_positions_and_decodes)
{
    const char *t = "{\"a\\u00e9\": \"x\\ty\\ud83d\\ude00\", \"n\": -12.5e3, \"b\": [true, null]}";
    sl_jvalue *v;
    cr_assert_eq(sl_json_parse(&ar, t, strlen(t), &v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v->kind, SL_J_OBJECT);
    cr_assert_eq(v->n, 3);
    cr_assert_str_eq(v->members[0].key, "a\xC3\xA9");
    cr_assert_eq(v->members[0].key_off, 1);
    cr_assert_eq(v->members[0].key_len, 9);
    cr_assert_str_eq(v->members[0].value->text, "x\ty\xF0\x9F\x98\x80");
    cr_assert_eq(v->members[0].value->off, 12);
    cr_assert_str_eq(v->members[1].value->text, "-12.5e3");
    cr_assert_eq(v->members[1].value->kind, SL_J_NUMBER);
    const sl_jvalue *arr = v->members[2].value;
    cr_assert_eq(arr->kind, SL_J_ARRAY);
    cr_assert_eq(arr->n, 2);
    cr_assert_eq(arr->items[0]->kind, SL_J_BOOL);
    cr_assert_eq(arr->items[1]->kind, SL_J_NULL);
    cr_assert_eq(arr->off + arr->len, (int)strlen(t) - 1);
}

static void bad_json(const char *t, int offset, const char *msg)
{
    sl_jvalue *v;
    sl_err_clear(&err);
    cr_assert_eq(sl_json_parse(&ar, t, strlen(t), &v, &err), SL_SYNTAX, "accepted: %s", t);
    cr_assert_eq(err.offset, offset, "%s: offset %d, message %s", t, err.offset, err.msg);
    cr_assert(strstr(err.msg, msg), "%s: %s", t, err.msg);
}

Test(json, errors_point_at_the_token)
{
    bad_json("{\"a\": 1,}", 8, "Expected a key");
    bad_json("{\"a\" 1}", 5, "':' after the key");
    bad_json("{\"a\": 1 \"b\": 2}", 8, "',' or '}'");
    bad_json("[1, 2", 5, "end of input");
    bad_json("{\"a\": \"x", 6, "Unterminated string");
    bad_json("{\"a\": \"x\ny\"}", 8, "Control character U+000A");
    bad_json("{\"a\": \"\\x\"}", 7, "Invalid escape");
    bad_json("{\"a\": \"\\ud800x\"}", 7, "low surrogate");
    bad_json("{\"a\": 01}", 7, "',' or '}'");
    bad_json("{\"a\": tru}", 6, "Expected a value");
    bad_json("{\"a\": 1} x", 9, "after the end");
    bad_json("{\"a\": 1, \"a\": 2}", 9, "Duplicate key");
    bad_json("", 0, "Expected a value");
}

Test(json, limits_nesting)
{
    char deep[200];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = 0;
    bad_json(deep, 64, "nested more than 64");
}

/* ---- Java properties ------------------------------------------------------------------ */

TestSuite(props, .init = setup, .fini = teardown);

Test(props, java_syntax)
{
    const char *t = "# comment\n"
                    "  ! another\n"
                    "a=1\n"
                    "b : two words \n"
                    "c   three\n"
                    "d\\=e = f\\\\g\n"
                    "list = x,\\\n"
                    "       y,\\\r\n"
                    "       z\n"
                    "uni=\\u0041\\tB\n"
                    "empty\n"
                    "a = again";
    sl_props p;
    sl_props_parse(&ar, t, strlen(t), &p);
    cr_assert_eq(p.n, 8);
    cr_assert_str_eq(sl_props_get(&p, "a"), "again");
    cr_assert_str_eq(sl_props_get(&p, "b"), "two words ");
    cr_assert_str_eq(sl_props_get(&p, "c"), "three");
    cr_assert_str_eq(sl_props_get(&p, "d=e"), "f\\g");
    cr_assert_str_eq(sl_props_get(&p, "list"), "x,y,z");
    cr_assert_str_eq(sl_props_get(&p, "uni"), "A\tB");
    cr_assert_str_eq(sl_props_get(&p, "empty"), "");
    cr_assert_null(sl_props_get(&p, "# comment"));
}

/* ---- topics.regex --------------------------------------------------------------------- */

TestSuite(regex, .init = setup, .fini = teardown);

static void regex_ok(const char *java, const char *posix)
{
    const char *out;
    sl_err_clear(&err);
    cr_assert_eq(sl_java_regex_to_posix(&ar, java, &out, &err), SL_OK, "%s: %s", java, err.msg);
    cr_assert_str_eq(out, posix);
}

static void regex_bad(const char *java, const char *why)
{
    const char *out;
    sl_err_clear(&err);
    cr_assert_eq(sl_java_regex_to_posix(&ar, java, &out, &err), SL_CONFIG, "accepted %s", java);
    cr_assert(strstr(err.msg, why), "%s: %s", java, err.msg);
}

Test(regex, translates_to_posix)
{
    regex_ok("orders-.*", "orders-.*");
    regex_ok("orders-\\d+", "orders-[0-9]+");
    regex_ok("\\w+\\.events", "[A-Za-z0-9_]+\\.events");
    regex_ok("a\\D\\W\\S", "a[^0-9][^A-Za-z0-9_][^[:space:]]");
    regex_ok("[\\w\\-.]+", "[A-Za-z0-9_.-]+");
    regex_ok("[^\\d]x", "[^0-9]x");
    regex_ok("(a|b){2,3}", "(a|b){2,3}");
    regex_bad("(?i)orders", "'(?' group");
    regex_bad("a.*?", "lazy or possessive");
    regex_bad("a++", "lazy or possessive");
    regex_bad("\\bword", "an escape other than");
    regex_bad("(a)\\1", "an escape other than");
    regex_bad("[a-z", "unterminated");
    regex_bad("[\\D]", "negated class");
    regex_bad("x\\", "trailing");
}

/* ---- the translation ------------------------------------------------------------------ */

static const char *const config =
    "{\n"
    "  \"name\": \"orders\",\n"
    "  \"config\": {\n"
    "    \"connector.class\": \"com.aliyun.odps.kafka.connect.MaxComputeSinkConnector\",\n"
    "    \"tasks.max\": \"3\",\n"
    "    \"topics\": \"a, b\",\n"
    "    \"endpoint\": \"http://127.0.0.1:1/api\",\n"
    "    \"project\": \"p\",\n"
    "    \"table\": \"t\",\n"
    "    \"access_id\": \"id\",\n"
    "    \"access_key\": \"s3cr'et\",\n"
    "    \"mode\": \"VALUE\",\n"
    "    \"buffer_size_kb\": 4096,\n"
    "    \"use_streaming\": true\n"
    "  }\n"
    "}\n";

static sl_connect_result res;

static void res_setup(void)
{
    memset(&res, 0, sizeof res);
}

static void res_teardown(void)
{
    sl_connect_result_free(&res);
}

TestSuite(connect, .init = res_setup, .fini = res_teardown);

Test(connect, generates_the_script)
{
    sl_connect_opts o = {.bootstrap_servers = "k1:9092,k2:9092"};
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &o, &res), SL_OK, "%s",
                 res.errmsg);
    cr_assert_null(res.errmsg);
    const char *want[] = {
        "SET 'pipeline.name' = 'orders';",
        "SET 'execution.checkpointing.interval' = '60000 ms';",
        "`partition` INT METADATA VIRTUAL,",
        "'topic' = 'a;b'",
        "'properties.bootstrap.servers' = 'k1:9092,k2:9092'",
        "'properties.group.id' = 'connect-orders'",
        "'access_key' = 's3cr''et'",
        "'buffer_size_kb' = '4096'",
        "'use_streaming' = 'true'",
        "'format' = 'TEXT'",
        "INSERT INTO `maxcompute_sink` SELECT * FROM `kafka_source`;",
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(want); i++)
        cr_assert(strstr(res.sql, want[i]), "missing %s in\n%s", want[i], res.sql);
    cr_assert_null(strstr(res.sql, "tasks.max"));
}

Test(connect, spans_lead_back_to_the_config)
{
    sl_connect_opts o = {.bootstrap_servers = "k:1"};
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &o, &res), SL_OK);
    const char *lit = strstr(res.sql, "'4096'");
    cr_assert_not_null(lit);
    int len;
    int at = sl_connect_map(&res, (int)(lit - res.sql) + 2, &len);
    cr_assert_eq(at, (int)(strstr(config, "4096") - config));
    cr_assert_eq(len, 4);
    const char *key = strstr(res.sql, "'buffer_size_kb'");
    at = sl_connect_map(&res, (int)(key - res.sql), &len);
    cr_assert_eq(at, (int)(strstr(config, "\"buffer_size_kb\"") - config));
    cr_assert_eq(len, 16);
    const char *missing = strstr(res.sql, "'connector' = 'maxcompute'");
    at = sl_connect_map(&res, (int)(missing - res.sql), &len);
    cr_assert_eq(at, (int)(strchr(strstr(config, "\"config\""), '{') - config),
                 "the sink's WITH clause maps to the config object");
    cr_assert_eq(sl_connect_map(&res, 0, &len), -1, "the header comment comes from nowhere");
}

Test(connect, masks_secrets_when_asked)
{
    sl_connect_opts o = {.bootstrap_servers = "k:1", .mask_secrets = 1};
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &o, &res), SL_OK);
    cr_assert(strstr(res.sql, "'access_key' = '******'"));
    cr_assert_null(strstr(res.sql, "s3cr"));
}

Test(connect, worker_config)
{
    const char *worker = "bootstrap.servers=w1:9092\n"
                         "offset.flush.interval.ms = 5000\n"
                         "consumer.auto.offset.reset=latest\n"
                         "consumer.session.timeout.ms=30000\n"
                         "value.converter=org.apache.kafka.connect.json.JsonConverter\n";
    sl_connect_opts o = {.worker_config = worker, .worker_config_name = "w.properties"};
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &o, &res), SL_CONFIG);
    cr_assert(strstr(res.errmsg, "JsonConverter' for 'value.converter' in w.properties"), "%s",
              res.errmsg);
    cr_assert_eq(res.err_offset, -1);
    sl_connect_result_free(&res);

    worker = "bootstrap.servers=w1:9092\n"
             "offset.flush.interval.ms = 5000\n"
             "consumer.auto.offset.reset=latest\n"
             "consumer.session.timeout.ms=30000\n";
    o.worker_config = worker;
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &o, &res), SL_OK, "%s",
                 res.errmsg);
    cr_assert(strstr(res.sql, "'properties.bootstrap.servers' = 'w1:9092'"));
    cr_assert(strstr(res.sql, "'5000 ms'"));
    cr_assert(strstr(res.sql, "'properties.auto.offset.reset' = 'latest'"));
    cr_assert(strstr(res.sql, "'properties.session.timeout.ms' = '30000'"));
    sl_connect_result_free(&res);

    o.bootstrap_servers = "flag:1";
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &o, &res), SL_OK);
    cr_assert(strstr(res.sql, "'properties.bootstrap.servers' = 'flag:1'"));
}

static void bad_config(const char *find, const char *replace, int rc, const char *at,
                       const char *msg)
{
    char text[4096];
    const char *p = strstr(config, find);
    cr_assert_not_null(p, "%s", find);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(p - config), config, replace,
             p + strlen(find));
    sl_connect_opts o = {.bootstrap_servers = "k:1"};
    sl_connect_result r;
    cr_assert_eq(sl_connect_config_to_sql(text, strlen(text), &o, &r), rc, "%s: %s", replace,
                 r.errmsg ? r.errmsg : "(accepted)");
    cr_assert_null(r.sql);
    cr_assert(strstr(r.errmsg, msg), "%s: %s", replace, r.errmsg);
    if (at) cr_assert_eq(r.err_offset, (int)(strstr(text, at) - text), "%s: at %d", r.errmsg,
                         r.err_offset);
    else cr_assert_eq(r.err_offset, -1);
    sl_connect_result_free(&r);
}

Test(connect, rejects_bad_configs)
{
    bad_config("\"tasks.max\": \"3\"", "\"tasks.max\": \"three\"", SL_CONFIG, "\"three\"",
               "Invalid value 'three' for 'tasks.max'");
    bad_config("\"mode\"", "\"mdoe\"", SL_CONFIG, "\"mdoe\"", "Did you mean 'mode'?");
    bad_config("\"topics\": \"a, b\"", "\"topics\": \"a, a\"", SL_CONFIG, "\"a, a\"",
               "listed twice");
    bad_config("\"topics\": \"a, b\"", "\"topics\": \"a b\"", SL_CONFIG, "\"a b\"",
               "not a legal Kafka topic name");
    bad_config("\"name\": \"orders\"", "\"name\": \"\"", SL_CONFIG, "\"\"", "non-empty");
    bad_config("\"name\": \"orders\"", "\"name\": \"a\\nb\"", SL_CONFIG, "\"a\\nb\"",
               "control characters");
    bad_config("\"name\": \"orders\",", "", SL_CONFIG, "{\n    \"connector.class", "no 'name'");
    bad_config("\"connector.class\": \"com.aliyun.odps.kafka.connect.MaxComputeSinkConnector\",",
               "", SL_CONFIG, "{\n    \n    \"tasks.max", "no 'connector.class'");
    bad_config("\"use_streaming\": true", "\"use_streaming\": {}", SL_CONFIG, "{}",
               "must be a string (or a number or boolean), not an object");
    bad_config("\"use_streaming\": true", "\"key.converter.encoding\": \"UTF-8\"", SL_CONFIG,
               "\"key.converter.encoding\"", "converter settings are not supported");
    bad_config("\"use_streaming\": true", "\"use_streaming\": tru", SL_SYNTAX, "tru",
               "Expected a value");
    sl_connect_opts none = {0};
    sl_connect_result r;
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &none, &r), SL_CONFIG);
    cr_assert(strstr(r.errmsg, "No Kafka cluster is given"));
    sl_connect_result_free(&r);
    cr_assert_eq(sl_connect_config_to_sql(NULL, 0, &none, &r), SL_MISUSE);
    sl_connect_result_free(&r);
}

Test(connect, flat_form_and_aliases)
{
    const char *flat = "{\"name\": \"f\", \"connector.class\": \"MaxComputeSink\", "
                       "\"topics.regex\": \"t-\\\\d+\", \"endpoint\": \"https://e/api\", "
                       "\"project\": \"p\", \"table\": \"t\", \"access_id\": \"i\", "
                       "\"access_key\": \"k\", \"format\": \"FLATTEN\", \"mode\": \"VALUE\"}";
    sl_connect_opts o = {.bootstrap_servers = "k:1"};
    cr_assert_eq(sl_connect_config_to_sql(flat, strlen(flat), &o, &res), SL_OK, "%s",
                 res.errmsg);
    cr_assert(strstr(res.sql, "'topic-pattern' = 't-[0-9]+'"), "%s", res.sql);
    cr_assert(strstr(res.sql, "'format' = 'FLATTEN'"));
}

/* ---- the generated scripts validate and plan ------------------------------------------- */

static int exec_script(const char *sql, char *msg, size_t cap)
{
    sl_engine *eng;
    cr_assert_eq(sl_open(&eng), SL_OK);
    int rc = sl_exec(eng, sql, NULL, NULL);
    snprintf(msg, cap, "%s", sl_errmsg(eng));
    sl_close(eng);
    return rc;
}

Test(connect, generated_script_plans)
{
    sl_connect_opts o = {.bootstrap_servers = "127.0.0.1:1"};
    cr_assert_eq(sl_connect_config_to_sql(config, strlen(config), &o, &res), SL_OK);
    /* EXPLAIN the INSERT: every CREATE TABLE validates and the job plans, nothing connects. */
    const char *ins = strstr(res.sql, "INSERT INTO");
    cr_assert(ins, "%s", res.sql);
    char script[8192], msg[1024];
    snprintf(script, sizeof script, "%.*sEXPLAIN %s", (int)(ins - res.sql), res.sql, ins);
    cr_assert_eq(exec_script(script, msg, sizeof msg), SL_OK, "%s", msg);
}

#define MC_OPTS                                                                                \
    "'connector' = 'maxcompute', 'endpoint' = 'http://h/api', 'project' = 'p', 'table' = 't', " \
    "'access_id' = 'i', 'access_key' = 'k'"

static void table_ok(const char *cols, const char *opts)
{
    char sql[2048], msg[1024];
    snprintf(sql, sizeof sql, "CREATE TABLE mc (%s) WITH (" MC_OPTS "%s);", cols, opts);
    cr_assert_eq(exec_script(sql, msg, sizeof msg), SL_OK, "%s: %s", opts, msg);
}

static void table_bad(const char *cols, const char *opts, const char *why)
{
    char sql[2048], msg[1024];
    snprintf(sql, sizeof sql, "CREATE TABLE mc (%s) WITH (" MC_OPTS "%s);", cols, opts);
    int rc = exec_script(sql, msg, sizeof msg);
    cr_assert_neq(rc, SL_OK, "%s: accepted", sql);
    cr_assert(rc == SL_CONFIG || !*why, "%s: %s", sql, msg);
    cr_assert(strstr(msg, why), "%s: %s", opts, msg);
}

#define RECORD "`topic` STRING, `partition` INT, `offset` BIGINT, `key` BYTES, `value` BYTES"

Test(descriptor, options)
{
    table_ok("id BIGINT, name STRING", "");
    table_ok("id BIGINT, PRIMARY KEY (id) NOT ENFORCED", ", 'use_streaming' = 'TRUE'");
    table_ok(RECORD, ", 'format' = 'text', 'mode' = 'key', 'partition_window_type' = 'day'");
    table_ok("`topic` VARCHAR(100), `partition` BIGINT, `offset` BIGINT, `key` STRING, "
             "`value` VARBINARY(10), `timestamp` TIMESTAMP_LTZ(3), doubled AS `offset` * 2",
             ", 'format' = 'CSV', 'mode' = 'VALUE'");
    table_ok(RECORD, ", 'format' = 'BINARY', 'account_type' = 'sts', 'account_id' = '1', "
                     "'region_id' = 'cn-shanghai', 'role_name' = 'r', 'sts.endpoint' = 'sts.x'");
    table_ok(RECORD, ", 'format' = 'json', 'mode' = 'VALUE', 'runtime.error.topic.name' = 'e', "
                     "'runtime.error.topic.bootstrap.servers' = 'k:1', 'skip_error' = 'true'");
    table_ok("id BIGINT", ", 'retry_times' = '-1', 'client_timeout_ms' = '1000', "
                          "'sink_pool_size' = '4', 'record_batch_size' = '1', "
                          "'buffer_size_kb' = '1024', 'schema' = 's', 'tunnel_endpoint' = "
                          "'https://dt.x', 'use_new_partition_format' = 'true'");
    table_bad("id BIGINT", ", 'buffer_size_kb' = '1024001'", "from 1024 to 1024000");
    table_bad("id BIGINT", ", 'sink_pool_size' = '0'", "Invalid value '0'");
    table_bad("id BIGINT", ", 'account_type' = 'RAM'", "Valid values are: ALIYUN, STS");
    table_bad("id BIGINT", ", 'account_type' = 'STS', 'role_name' = 'r'",
              "missing or empty: 'account_id', 'region_id'");
    table_bad("id BIGINT", ", 'runtime.error.topic.bootstrap.servers' = 'k:1'",
              "only 'runtime.error.topic.bootstrap.servers' is set");
    table_bad("id BIGINT", ", 'tunnel_endpoint' = 'dt.x'", "'tunnel_endpoint'");
    table_bad("id BIGINT", ", 'table' = ''", "Option 'table' must not be empty");
    table_bad("id BIGINT", ", 'acess_key' = 'x'", "Did you mean 'access_key'?");
    table_bad(RECORD, ", 'format' = 'FLATTEN'", "set 'mode' to 'KEY' or 'VALUE'");
    table_bad(RECORD, ", 'format' = 'JSON', 'mode' = 'default'", "set 'mode' to 'KEY'");
    table_bad(RECORD ", `Key` STRING", ", 'format' = 'TEXT'", "Did you mean 'key'?");
    table_bad("`topic` STRING, `partition` SMALLINT, `offset` BIGINT, `key` BYTES, `value` BYTES",
              ", 'format' = 'TEXT'", "must be INT or BIGINT");
    table_bad(RECORD ", `timestamp` TIMESTAMP(3)", ", 'format' = 'TEXT'",
              "must be TIMESTAMP_LTZ(3)");
    table_bad("`topic` STRING, `topic` STRING", ", 'format' = 'TEXT'", ""); /* the parser's */
}

Test(descriptor, time_zones)
{
    static const char *const good[] = {"UTC", "Z", "GMT", "UT", "+08:00", "-8", "UTC+8",
                                       "GMT-03:30", "UTC+14:00", "+0530", "Asia/Shanghai",
                                       "America/Argentina/Buenos_Aires"};
    static const char *const bad[] = {"", "+19:00", "UTC+", "utc", "+08:60", "+8:00",
                                      "../../etc/passwd", "Asia", "Mars/Olympus", "/etc/passwd"};
    char opt[128];
    for (size_t i = 0; i < SL_ARRAY_LEN(good); i++) {
        snprintf(opt, sizeof opt, ", 'time_zone' = '%s'", good[i]);
        table_ok("id BIGINT", opt);
    }
    for (size_t i = 0; i < SL_ARRAY_LEN(bad); i++) {
        snprintf(opt, sizeof opt, ", 'time_zone' = '%s'", bad[i]);
        table_bad("id BIGINT", opt, "for option 'time_zone'");
    }
}
