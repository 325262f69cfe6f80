/*
** tests/unit/test_mc_client.c — the MaxCompute client's parts that need no server: the XML
** scanner, reply parsers (tables, errors, sessions, AssumeRole), partition specs, the
** configuration checks, the primary-key hasher (pinned to the Java SDK's TypeHasherTest values),
** and the retry engine against a port nobody listens on. The calls against a service are in
** tests/integration/mc_client.sh.
**
** SPDX-License-Identifier: MIT
*/
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "connectors/maxcompute/client_int.h"
#include "connectors/maxcompute/http.h"

/* ---- XML scanner ------------------------------------------------------------------------- */

static int xml(const char *doc, const char *path, sl_buf *out, const char **why)
{
    sl_buf_reset(out);
    return sl_mc_xml_text(doc, strlen(doc), path, out, why);
}

Test(mc_xml, finds_text_cdata_and_entities)
{
    sl_buf b = SL_BUF_INIT;
    const char *doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n"
                      "<Error>\n  <Code>NoSuchObject</Code>\n"
                      "  <Message><![CDATA[ODPS-0130131:Table not found - 'p.t' <x>]]></Message>\n"
                      "  <RequestId>a&amp;b&lt;&#65;&#x42;&#x20AC;</RequestId>\n  <HostId/>\n"
                      "</Error>\n";
    cr_assert_eq(xml(doc, "Error/Code", &b, NULL), 1);
    cr_assert_str_eq(b.p, "NoSuchObject");
    cr_assert_eq(xml(doc, "Error/Message", &b, NULL), 1);
    cr_assert_str_eq(b.p, "ODPS-0130131:Table not found - 'p.t' <x>");
    cr_assert_eq(xml(doc, "Error/RequestId", &b, NULL), 1);
    cr_assert_str_eq(b.p, "a&b<AB\xE2\x82\xAC");
    cr_assert_eq(xml(doc, "Error/HostId", &b, NULL), 1);
    cr_assert_str_eq(b.p, "");
    cr_assert_eq(xml(doc, "Error/Nope", &b, NULL), 0);
    cr_assert_eq(xml(doc, "Code", &b, NULL), 0, "paths start at the root");
    sl_buf_free(&b);
}

Test(mc_xml, nested_paths_and_attributes)
{
    sl_buf b = SL_BUF_INIT;
    const char *doc = "<Instance><Status>Terminated</Status><Tasks>"
                      "<Task Type=\"SQL\" x='1'><Name>SQLAddPartitionTask</Name>"
                      "<Result Format=\"text\"><![CDATA[FAILED: ]]>more</Result>"
                      "<Status>Failed</Status></Task></Tasks></Instance>";
    cr_assert_eq(xml(doc, "Instance/Status", &b, NULL), 1);
    cr_assert_str_eq(b.p, "Terminated");
    cr_assert_eq(xml(doc, "Instance/Tasks/Task/Status", &b, NULL), 1);
    cr_assert_str_eq(b.p, "Failed");
    cr_assert_eq(xml(doc, "Instance/Tasks/Task/Result", &b, NULL), 1);
    cr_assert_str_eq(b.p, "FAILED: more");
    sl_buf_free(&b);
}

Test(mc_xml, rejects_malformed_documents)
{
    static const char *const bad[] = {
        "",
        "<a>",
        "<a></b>",
        "<a><b></a></b>",
        "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
        "<a>&bogus;</a>",
        "<a>&#0;</a>",
        "<a>&#xD800;</a>",
        "<a><![CDATA[unterminated</a>",
        "<a x=1></a>",
        "<a></a><b></b>",
        "text<a></a>",
        "<a><!-- unterminated </a>",
        "< a></a>",
    };
    sl_buf b = SL_BUF_INIT;
    for (size_t i = 0; i < SL_ARRAY_LEN(bad); i++) {
        const char *why = NULL;
        cr_assert_eq(xml(bad[i], "a/zz", &b, &why), -1, "accepted: %s", bad[i]);
        cr_assert_not_null(why);
    }
    /* Depth limit. */
    sl_buf deep = SL_BUF_INIT;
    for (int i = 0; i < 70; i++) sl_buf_puts(&deep, "<a>");
    for (int i = 0; i < 70; i++) sl_buf_puts(&deep, "</a>");
    cr_assert_eq(xml(deep.p, "a/b", &b, NULL), -1);
    sl_buf_free(&deep);
    sl_buf_free(&b);
}

/* ---- replies ------------------------------------------------------------------------------ */

Test(mc_reply, error_documents_xml_and_json)
{
    sl_buf c = SL_BUF_INIT, m = SL_BUF_INIT, r = SL_BUF_INIT;
    const char *x = "<?xml version=\"1.0\"?><Error><Code>SignatureNotMatch</Code>"
                    "<Message>bad</Message><RequestId>R1</RequestId><HostId>h</HostId></Error>";
    cr_assert_eq(sl_mc_parse_error(x, strlen(x), &c, &m, &r), 1);
    cr_assert_str_eq(c.p, "SignatureNotMatch");
    cr_assert_str_eq(m.p, "bad");
    cr_assert_str_eq(r.p, "R1");
    sl_buf_reset(&c);
    sl_buf_reset(&m);
    sl_buf_reset(&r);
    const char *j = "{\"Code\":\"StatusConflict\",\"Message\":\"expired\",\"HoldClientMillis\":\"0\"}";
    cr_assert_eq(sl_mc_parse_error(j, strlen(j), &c, &m, &r), 1);
    cr_assert_str_eq(c.p, "StatusConflict");
    cr_assert_str_eq(m.p, "expired");
    cr_assert_eq(sl_mc_parse_error("oops", 4, &c, &m, &r), 0);
    cr_assert_eq(sl_mc_parse_error("{\"Code\":", 8, &c, &m, &r), 0);
    sl_buf_free(&c);
    sl_buf_free(&m);
    sl_buf_free(&r);
}

#define TABLE_XML(schema)                                                                          \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Table>\n  <Name>pk_tab</Name>\n"                 \
    "  <Schema><![CDATA[" schema "]]></Schema>\n  <Type>MANAGED_TABLE</Type>\n</Table>\n"

Test(mc_reply, table_schema)
{
    static const char doc[] = TABLE_XML(
        "{\"tableName\":\"pk_tab\",\"columns\":[{\"name\":\"id\",\"type\":\"bigint\","
        "\"isNullable\":false},{\"name\":\"price\",\"type\":\"DECIMAL(18,3)\"},"
        "{\"name\":\"m\",\"type\":\"map<string,array<bigint>>\",\"isNullable\":true}],"
        "\"partitionKeys\":[{\"name\":\"pt\",\"type\":\"string\"}],"
        "\"Reserved\":\"{\\\"Transactional\\\":\\\"true\\\",\\\"PrimaryKey\\\":[\\\"ID\\\"]}\"}");
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_mc_table t;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_parse_table_xml(doc, strlen(doc), &ar, &t, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(t.name, "pk_tab");
    cr_assert_eq(t.columns.ncol, 3);
    cr_assert_eq(t.columns.cols[1].type->id, SL_MC_DECIMAL);
    cr_assert_eq(t.columns.cols[1].type->scale, 3);
    cr_assert_eq(t.columns.cols[2].type->id, SL_MC_MAP);
    cr_assert_eq(t.not_null[0], 1);
    cr_assert_eq(t.not_null[1], 0);
    cr_assert_eq(t.partition_keys.ncol, 1);
    cr_assert_str_eq(t.partition_keys.cols[0].name, "pt");
    cr_assert_eq(t.transactional, 1);
    cr_assert_eq(t.npk, 1);
    cr_assert_eq(t.pk_index[0], 0);
    sl_arena_free(&ar);
}

Test(mc_reply, table_schema_errors)
{
    static const char *const bad[][2] = {
        {"<Table><Name>x</Name></Table>", "no <Table><Schema>"},
        {"<Table><Schema>", "not well-formed"},
        {TABLE_XML("not json"), "not a JSON object"},
        {TABLE_XML("{\"columns\":[{\"name\":\"a\",\"type\":\"bigintx\"}]}"), "column a"},
        {TABLE_XML("{\"columns\":[{\"name\":\"a\"}]}"), "no string 'name' and 'type'"},
        {TABLE_XML("{\"columns\":{}}"), "not an array"},
        {TABLE_XML("{\"columns\":[{\"name\":\"a\",\"type\":\"int\"}],\"Reserved\":"
                   "\"{\\\"PrimaryKey\\\":[\\\"b\\\"]}\"}"),
         "primary-key column b"},
        {TABLE_XML("{\"columns\":[],\"Reserved\":\"[\"}"), "Reserved"},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(bad); i++) {
        sl_arena ar;
        sl_arena_init(&ar, 0);
        sl_mc_table t;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(sl_mc_parse_table_xml(bad[i][0], strlen(bad[i][0]), &ar, &t, &err), SL_DATA,
                     "accepted %s", bad[i][0]);
        cr_assert(strstr(err.msg, bad[i][1]), "message '%s' lacks '%s'", err.msg, bad[i][1]);
        sl_arena_free(&ar);
    }
}

static int session(int kind, const char *json, sl_err *err)
{
    sl_arena ar;
    sl_arena_init(&ar, 0);
    int rc = sl_mc_parse_session_reply(kind, json, strlen(json), &ar, err);
    sl_arena_free(&ar);
    return rc;
}

Test(mc_reply, session_replies)
{
    sl_err err = SL_ERR_INIT;
    const char *up = "{\"UploadID\":\"2023\",\"Status\":\"NORMAL\",\"UploadedBlockList\":"
                     "[{\"BlockID\":3},{\"BlockID\":0}],\"Schema\":{\"columns\":[{\"name\":\"a\","
                     "\"type\":\"bigint\"}]},\"MaxFieldSize\":8388608}";
    cr_assert_eq(session(0, up, &err), SL_OK, "%s", err.msg);
    static const char *const bad_up[][2] = {
        {"{\"UploadID\":\"1\",\"Status\":\"bogus_status\",\"Schema\":{}}", "unknown session status"},
        {"{\"Status\":\"normal\"}", "UploadID"},
        {"{\"UploadID\":\"1\",\"Status\":\"normal\",\"UploadedBlockList\":[{\"BlockID\":20000}]}",
         "BlockID"},
        {"{\"UploadID\":\"1\",\"Status\":\"normal\"}", "no schema"},
        {"garbage", "not a JSON object"},
        {"{\"UploadID\":\"a b\",\"Status\":\"normal\"}", "malformed"},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(bad_up); i++) {
        sl_err_clear(&err);
        cr_assert_eq(session(0, bad_up[i][0], &err), SL_DATA, "accepted %s", bad_up[i][0]);
        cr_assert(strstr(err.msg, bad_up[i][1]), "'%s' lacks '%s'", err.msg, bad_up[i][1]);
    }
    sl_err_clear(&err);
    const char *st = "{\"session_name\":\"s1\",\"schema\":{\"columns\":[]},\"schema_version\":\"0\","
                     "\"slots\":[[\"1\",\"10.0.0.5:8080\"],[2,\"10.0.0.6:8080\"]],\"status\":\"normal\"}";
    cr_assert_eq(session(1, st, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(session(1, "{\"session_name\":\"s1\",\"status\":\"init\",\"slots\":[]}", &err),
                 SL_DATA);
    sl_err_clear(&err);
    cr_assert_eq(session(1, "{\"session_name\":\"s1\",\"status\":\"normal\",\"slots\":[[1]]}",
                         &err),
                 SL_DATA);
    sl_err_clear(&err);
    const char *us = "{\"id\":\"u1\",\"status\":\"normal\",\"schema\":{\"columns\":[]},"
                     "\"hash_key\":[\"id\"],\"slots\":[{\"slot_id\":\"0\",\"buckets\":[0,1],"
                     "\"worker_addr\":\"127.0.0.1:1\"}]}";
    cr_assert_eq(session(2, us, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(session(2, "{\"id\":\"u1\",\"status\":\"normal\",\"slots\":[{\"slot_id\":\"0\","
                            "\"buckets\":[-1],\"worker_addr\":\"a\"}]}",
                         &err),
                 SL_DATA);
}

Test(mc_reply, assume_role)
{
    const char *ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AssumeRoleResponse>"
                     "<RequestId>6894</RequestId><Credentials><AccessKeyId>STS.N1</AccessKeyId>"
                     "<AccessKeySecret>sec</AccessKeySecret>"
                     "<SecurityToken>CAIS+/=</SecurityToken>"
                     "<Expiration>2023-07-13T14:13:00Z</Expiration></Credentials>"
                     "</AssumeRoleResponse>";
    mc_creds cr;
    int64_t exp;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_parse_sts_reply(ok, strlen(ok), &cr, &exp, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(cr.id, "STS.N1");
    cr_assert_str_eq(cr.secret, "sec");
    cr_assert_str_eq(cr.token, "CAIS+/=");
    cr_assert_eq(exp, 1689257580);
    mc_creds_free(&cr);
    const char *missing = "<AssumeRoleResponse><Credentials><AccessKeyId>STS.N1</AccessKeyId>"
                          "</Credentials></AssumeRoleResponse>";
    cr_assert_eq(sl_mc_parse_sts_reply(missing, strlen(missing), &cr, &exp, &err), SL_DATA);
    cr_assert(strstr(err.msg, "AccessKeySecret"), "%s", err.msg);
}

/* ---- partition specs ------------------------------------------------------------------------ */

Test(mc_spec, forms)
{
    static const char *const ok[][3] = {
        {"pt='07-13-2023 21'", "pt='07-13-2023 21'", "pt=07-13-2023 21"},
        {"pt=07-13-2023 21", "pt='07-13-2023 21'", "pt=07-13-2023 21"},
        {"a=1, b='x:y'", "a='1',b='x:y'", "a=1,b=x:y"},
        {"", "", ""},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(ok); i++) {
        sl_buf rest = SL_BUF_INIT, tun = SL_BUF_INIT;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(mc_spec_parse(ok[i][0], &rest, &tun, &err), SL_OK, "%s", err.msg);
        cr_assert_str_eq(rest.p, ok[i][1]);
        cr_assert_str_eq(tun.p, ok[i][2]);
        sl_buf_free(&rest);
        sl_buf_free(&tun);
    }
    static const char *const bad[] = {"pt", "pt=", "=1", "pt='a", "pt='a,b'", "pt=a\\b",
                                      "pt='a' x", "pt=1,", "p t=1", "pt=a\nb"};
    for (size_t i = 0; i < SL_ARRAY_LEN(bad); i++) {
        sl_buf rest = SL_BUF_INIT;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(mc_spec_parse(bad[i], &rest, NULL, &err), SL_DATA, "accepted %s", bad[i]);
        cr_assert(strstr(err.msg, "partition spec"), "%s", err.msg);
        sl_buf_free(&rest);
    }
}

/* ---- configuration ------------------------------------------------------------------------- */

Test(mc_conf, validation)
{
    struct {
        const char *endpoint, *project, *id, *key;
        int account;
        const char *want;
    } cases[] = {
        {NULL, "p", "i", "k", SL_MC_ACCOUNT_ALIYUN, "'endpoint' is required"},
        {"ftp://x", "p", "i", "k", SL_MC_ACCOUNT_ALIYUN, "http:// or https://"},
        {"http://x/api", NULL, "i", "k", SL_MC_ACCOUNT_ALIYUN, "'project' is required"},
        {"http://x/api", "p", NULL, "k", SL_MC_ACCOUNT_ALIYUN, "'access_id' and 'access_key'"},
        {"http://x/api", "p", "i", "k", 7, "neither ALIYUN nor STS"},
        {"http://x/api", "p", "i", "k", SL_MC_ACCOUNT_STS, "'account_id' and 'role_name'"},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        sl_mc_client_conf conf;
        sl_mc_client_conf_init(&conf);
        conf.endpoint = cases[i].endpoint;
        conf.project = cases[i].project;
        conf.access_id = cases[i].id;
        conf.access_key = cases[i].key;
        conf.account_type = cases[i].account;
        sl_mc_client *c = NULL;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(sl_mc_client_open(&conf, &c, &err), SL_CONFIG, "case %zu", i);
        cr_assert_null(c);
        cr_assert(strstr(err.msg, cases[i].want), "'%s' lacks '%s'", err.msg, cases[i].want);
    }
    sl_mc_client_conf conf;
    sl_mc_client_conf_init(&conf);
    conf.endpoint = "http://x/api";
    conf.project = "p";
    conf.access_id = "i";
    conf.access_key = "k";
    conf.read_timeout_ms = 0;
    sl_mc_client *c = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_client_open(&conf, &c, &err), SL_CONFIG);
    cr_assert(strstr(err.msg, "'read_timeout_ms' must be positive"), "%s", err.msg);
}

/* ---- the retry engine on a refused connection ------------------------------------------------ */

static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &n), 0);
    close(fd); /* nobody listens there now */
    return ntohs(a.sin_port);
}

Test(mc_client, refused_connection_is_retried_and_reported_without_secrets)
{
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d/api", closed_port());
    sl_mc_client_conf conf;
    sl_mc_client_conf_init(&conf);
    conf.endpoint = endpoint;
    conf.project = "p";
    conf.access_id = "LTAIid";
    conf.access_key = "SuperSecretKey123";
    conf.retry_times = 2;
    conf.retry_backoff_ms = 1;
    sl_mc_client *c;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_client_open(&conf, &c, &err), SL_OK, "%s", err.msg);
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_mc_table t;
    cr_assert_eq(sl_mc_table_get(c, "t", &ar, &t, &err), SL_UNAVAILABLE);
    cr_assert(err.retriable);
    cr_assert(strstr(err.msg, "read the schema of table p.t"), "%s", err.msg);
    cr_assert(strstr(err.msg, "gave up after 3 attempts"), "%s", err.msg);
    cr_assert(strstr(err.msg, "GET /api/projects/p/tables/t"), "%s", err.msg);
    cr_assert_null(strstr(err.msg, "SuperSecretKey123"));
    sl_mc_client_stats st;
    sl_mc_client_stats_get(c, &st);
    cr_assert_eq(st.requests, 3);
    cr_assert_eq(st.retries_transport, 2);
    sl_arena_free(&ar);
    sl_mc_client_close(c);
}

/* ---- primary-key hashing (values from the Java SDK's TypeHasherTest) ------------------------- */

static int32_t h(int id, sl_value v)
{
    const sl_mc_type *t = sl_mc_type_simple(id);
    int32_t out;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_hash_value(t, &v, &out, &err), SL_OK, "%s", err.msg);
    return out;
}

Test(mc_hash, java_sdk_vectors)
{
    cr_assert_eq(h(SL_MC_BIGINT, sl_int(0)), 0);
    cr_assert_eq(h(SL_MC_BIGINT, sl_null()), 0);
    cr_assert_eq(h(SL_MC_INT, sl_int(1)), 357654460);
    cr_assert_eq(h(SL_MC_INT, sl_int(-1)), 357653185);
    cr_assert_eq(h(SL_MC_INT, sl_int(10)), -718433742);
    cr_assert_eq(h(SL_MC_INT, sl_int(-128)), -1465040036);
    cr_assert_eq(h(SL_MC_INT, sl_int(0x7FFFFFFF)), 2011537724);
    cr_assert_eq(h(SL_MC_BIGINT, sl_int(INT64_MAX)), -1977349188);
    cr_assert_eq(h(SL_MC_BIGINT, sl_int(INT64_MIN)), -1787473579);
    cr_assert_eq(h(SL_MC_DATETIME, sl_int(-10)), -718434491);
    cr_assert_eq(h(SL_MC_BOOLEAN, sl_bool(1)), 388737479);
    cr_assert_eq(h(SL_MC_BOOLEAN, sl_bool(0)), -978963218);
    cr_assert_eq(h(SL_MC_FLOAT, sl_double((double)1.99f)), -567953753);
    cr_assert_eq(h(SL_MC_FLOAT, sl_double((double)-1.99f)), 405646127);
    cr_assert_eq(h(SL_MC_DOUBLE, sl_double(1.99)), -670340059);
    cr_assert_eq(h(SL_MC_DOUBLE, sl_double(-12.3456)), -282296198);
    cr_assert_eq(h(SL_MC_STRING, sl_string("", 0)), 0);
    cr_assert_eq(h(SL_MC_STRING, sl_string("1", 1)), -2140438327);
    cr_assert_eq(h(SL_MC_STRING, sl_string("a1b()2c3", 8)), -866984865);
    const char *cn = "\xE9\x98\xBF\xE9\x87\x8C\xE5\xB7\xB4\xE5\xB7\xB4\xE4\xBA\x91\xE8\xAE\xA1"
                     "\xE7\xAE\x97"; /* 阿里巴巴云计算 */
    cr_assert_eq(h(SL_MC_STRING, sl_string(cn, strlen(cn))), 1623550194);
    cr_assert_eq(h(SL_MC_STRING, sl_string("+_+ = ++", 8)), 966471106);
    cr_assert_eq(h(SL_MC_TIMESTAMP, sl_timestamp(1, 2)), 1508957768);
    cr_assert_eq(h(SL_MC_TIMESTAMP, sl_timestamp(36925, 147258369)), 1469401250);
    cr_assert_eq(h(SL_MC_INTERVAL_DAY_TIME, sl_timestamp(123456, 654321)), 75516668);
    cr_assert_eq(h(SL_MC_INTERVAL_DAY_TIME, sl_timestamp(100002, 2000001)), -1088782317);

    int32_t v1[] = {0, 0, 0, 0, 0, 0, 0, -978963218, 0, 0, 0, 0, 0};
    cr_assert_eq(sl_mc_hash_combine(v1, 13), 979604186);
    int32_t v2[] = {357654460, 715307540,  1072960876, 357654460,   357654460,
                    357654460, 357654460,  388737479,  -567953753,  -670340059,
                    -2140438327, 1469401250, -1088782317};
    cr_assert_eq(sl_mc_hash_combine(v2, 13), 966550009);
    int32_t v3[] = {357653185, 715306435, 1072959681, 357653185,  357653185,
                    357653185, 357653185, 388737479,  405646127,  -818909319,
                    -866984865, -64049556, -2054932282};
    cr_assert_eq(sl_mc_hash_combine(v3, 13), 563915101);
}

static int32_t hdec(int p, int s, int64_t unscaled, int scale)
{
    sl_arena ar;
    sl_arena_init(&ar, 0);
    const sl_mc_type *t;
    char text[32];
    snprintf(text, sizeof text, "decimal(%d,%d)", p, s);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_type_parse(&ar, text, (size_t)-1, &t, &err), SL_OK);
    sl_value v = {0};
    v.tag = SL_V_DECIMAL;
    v.u.i = unscaled;
    v.scale = (uint16_t)scale;
    int32_t out;
    cr_assert_eq(sl_mc_hash_value(t, &v, &out, &err), SL_OK, "%s", err.msg);
    sl_arena_free(&ar);
    return out;
}

Test(mc_hash, decimal_java_sdk_vectors)
{
    cr_assert_eq(hdec(4, 2, 1, 0), 1405592006);
    cr_assert_eq(hdec(4, 2, -1, 0), 1405574141);
    cr_assert_eq(hdec(9, 2, 322, 2), -731948052);
    cr_assert_eq(hdec(18, 2, -1234, 2), -904460195);
    cr_assert_eq(hdec(18, 2, 25, 1), -713505855);
    cr_assert_eq(hdec(38, 18, 1, 0), -419049619);
    cr_assert_eq(hdec(38, 18, -1, 0), 845713778);
    cr_assert_eq(hdec(38, 18, -64, 1), -692413333);
    cr_assert_eq(hdec(38, 18, 1234, 2), -476504367);
}

Test(mc_hash, unsupported_types_are_errors)
{
    sl_arena ar;
    sl_arena_init(&ar, 0);
    const sl_mc_type *t;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_type_parse(&ar, "array<bigint>", (size_t)-1, &t, &err), SL_OK);
    sl_value v = {0};
    v.tag = SL_V_ARRAY;
    int32_t out;
    cr_assert_eq(sl_mc_hash_value(t, &v, &out, &err), SL_DATA);
    cr_assert(strstr(err.msg, "cannot be hashed"), "%s", err.msg);
    sl_err_clear(&err);
    v = sl_string("x", 1);
    cr_assert_eq(sl_mc_hash_value(sl_mc_type_simple(SL_MC_BIGINT), &v, &out, &err), SL_DATA);
    sl_arena_free(&ar);
}
