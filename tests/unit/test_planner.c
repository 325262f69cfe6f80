/*
** tests/unit/test_planner.c — changelog-mode inference, ChangelogNormalize insertion, sink
** checks and the planner's rejections.
**
** Besides the built-in connectors, the tests register two descriptors of their own, an
** append-only sink and an upsert sink, because the planner sees connectors only through
** descriptors and these exercise rules the issue-2 connectors do not reach.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <stdio.h>

#include "connectors/kafka/kafka.h"
#include "connectors/print/print.h"
#include "formats/csv.h"
#include "formats/json.h"
#include "parser/parse.h"
#include "planner/analyze.h"

static const sl_opt_def test_opts[] = {
    {"connector", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0, "test"},
};

static const sl_connector_desc append_sink = {
    .name = "append-sink", .opts = test_opts, .nopts = 1, .flags = SL_CONN_SINK,
    .sink_mode = SL_CL_INSERT_ONLY};

static const sl_connector_desc upsert_sink = {
    .name = "upsert-sink", .opts = test_opts, .nopts = 1,
    .flags = SL_CONN_SINK | SL_CONN_UPSERT_SINK, .sink_mode = SL_CL_UPSERT};

static sl_registry reg;
static sl_catalog cat;
static sl_err err;

static void setup(void)
{
    memset(&reg, 0, sizeof reg);
    sl_registry_add_format(&reg, &sl_format_json);
    sl_registry_add_format(&reg, &sl_format_csv);
    sl_registry_add_connector(&reg, &sl_conn_upsert_kafka);
    sl_registry_add_connector(&reg, &sl_conn_print);
    sl_registry_add_connector(&reg, &append_sink);
    sl_registry_add_connector(&reg, &upsert_sink);
    sl_catalog_init(&cat, &reg);
    sl_err_clear(&err);
}

static void teardown(void)
{
    sl_catalog_free(&cat);
}

TestSuite(planner, .init = setup, .fini = teardown);

/* Run catalog statements; plan the last statement, which must be an INSERT. */
static int plan_script(const char *sql, sl_plan **out)
{
    sl_parser *p = sl_parser_new();
    const char *s = sql;
    int rc = SL_OK;
    *out = NULL;
    while (*s && !rc) {
        sl_ast *ast;
        int consumed;
        rc = sl_parse(p, s, -1, &ast, &consumed, &err);
        if (rc || !ast) break;
        if (ast->kind == SL_STMT_CREATE_TABLE) {
            rc = sl_catalog_create(&cat, ast->create, &err);
        } else {
            sl_plan_config cfg = {0};
            const sl_ast *q = ast->kind == SL_STMT_EXPLAIN ? ast->explained : ast;
            rc = sl_plan_build(&cat, q, &cfg, out, &err);
        }
        s += consumed;
    }
    sl_parser_free(p);
    return rc;
}

#define UPSERT_SRC                                                                             \
    "CREATE TABLE src (id STRING, v DOUBLE, name STRING, PRIMARY KEY (id) NOT ENFORCED) "     \
    "WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = "    \
    "'h:1', 'key.format' = 'csv', 'value.format' = 'json');"

/* The operator kinds from the sink down, as a string: "Sink<Calc<Normalize<Scan". */
static const char *chain(const sl_plan *plan)
{
    static char buf[256];
    buf[0] = 0;
    for (const sl_pnode *n = plan->root; n; n = n->input) {
        if (buf[0]) strcat(buf, "<");
        strcat(buf, sl_pnode_name(n));
    }
    return buf;
}

Test(planner, print_of_upsert_source_gets_normalize_with_update_before)
{
    sl_plan *plan;
    int rc = plan_script(UPSERT_SRC "CREATE TABLE p (id STRING, v DOUBLE, name STRING) WITH "
                                    "('connector' = 'print'); INSERT INTO p SELECT * FROM src;",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    cr_assert_str_eq(chain(plan), "Sink<ChangelogNormalize<TableSourceScan");
    const sl_pnode *norm = plan->root->input;
    cr_assert(norm->gen_ub);
    cr_assert_eq(norm->mode, SL_CL_RETRACT);
    cr_assert_eq(norm->nukey, 1);
    const sl_pnode *scan = norm->input;
    cr_assert_eq(scan->mode, SL_CL_UPSERT);
    /* Normalize compares whole rows: every physical column is decoded. */
    for (int i = 0; i < 3; i++) cr_assert(scan->needed[i]);
    sl_plan_free(plan);
}

Test(planner, upsert_sink_with_same_key_passes_upserts_through)
{
    sl_plan *plan;
    int rc = plan_script(UPSERT_SRC "CREATE TABLE u (id STRING, v DOUBLE, PRIMARY KEY (id) NOT "
                                    "ENFORCED) WITH ('connector' = 'upsert-sink');"
                                    "INSERT INTO u SELECT id, v * 2 FROM src;",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    cr_assert_str_eq(chain(plan), "Sink<Calc<TableSourceScan");
    const sl_pnode *calc = plan->root->input;
    cr_assert_eq(calc->mode, SL_CL_UPSERT);
    cr_assert_eq(calc->nukey, 1);
    cr_assert_not(calc->needs_ub);
    /* Without a normalize, only the columns read are decoded (and the key). */
    const sl_pnode *scan = calc->input;
    cr_assert(scan->needed[0]);
    cr_assert(scan->needed[1]);
    cr_assert_not(scan->needed[2]);
    sl_plan_free(plan);
}

Test(planner, filter_over_upserts_forces_update_before)
{
    sl_plan *plan;
    int rc = plan_script(UPSERT_SRC "CREATE TABLE u (id STRING, v DOUBLE, PRIMARY KEY (id) NOT "
                                    "ENFORCED) WITH ('connector' = 'upsert-sink');"
                                    "INSERT INTO u SELECT id, v FROM src WHERE v > 1;",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    cr_assert_str_eq(chain(plan), "Sink<Calc<ChangelogNormalize<TableSourceScan");
    cr_assert(plan->root->input->input->gen_ub);
    sl_plan_free(plan);
}

Test(planner, append_sink_rejects_updates_naming_the_producer)
{
    sl_plan *plan;
    int rc = plan_script(UPSERT_SRC "CREATE TABLE a (id STRING, v DOUBLE) WITH ('connector' = "
                                    "'append-sink'); INSERT INTO a SELECT id, v FROM src;",
                         &plan);
    cr_assert_eq(rc, SL_SEMANTIC);
    cr_assert_str_eq(err.msg,
                     "Table sink 'default_catalog.default_database.a' doesn't support consuming "
                     "update and delete changes which is produced by node "
                     "TableSourceScan(table=[default_catalog.default_database.src])");
}

Test(planner, append_sink_takes_insert_only_input)
{
    sl_plan *plan;
    int rc = plan_script("CREATE TABLE a (x INT) WITH ('connector' = 'append-sink');"
                         "INSERT INTO a VALUES (1), (2);",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    cr_assert_str_eq(chain(plan), "Sink<Values");
    cr_assert_eq(plan->root->input->mode, SL_CL_INSERT_ONLY);
    sl_plan_free(plan);
}

Test(planner, upsert_sink_with_other_key_is_a_clear_error)
{
    sl_plan *plan;
    int rc = plan_script(UPSERT_SRC "CREATE TABLE u (name STRING, v DOUBLE, PRIMARY KEY (name) "
                                    "NOT ENFORCED) WITH ('connector' = 'upsert-sink');"
                                    "INSERT INTO u SELECT name, v FROM src;",
                         &plan);
    cr_assert_eq(rc, SL_UNSUPPORTED);
    cr_assert(strstr(err.msg, "is not a key of its input"), "%s", err.msg);
    teardown();
    setup();
    rc = plan_script(UPSERT_SRC "CREATE TABLE u (name STRING, id STRING, PRIMARY KEY (name) "
                                "NOT ENFORCED) WITH ('connector' = 'upsert-sink');"
                                "INSERT INTO u SELECT name, id FROM src;",
                     &plan);
    cr_assert_eq(rc, SL_UNSUPPORTED);
    cr_assert(strstr(err.msg, "differs from the upsert key [id] of its input"), "%s", err.msg);
}

Test(planner, key_lost_by_projection)
{
    sl_plan *plan;
    int rc = plan_script(UPSERT_SRC "CREATE TABLE p (v DOUBLE) WITH ('connector' = 'print');"
                                    "INSERT INTO p SELECT v FROM src;",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    const sl_pnode *calc = plan->root->input;
    cr_assert_eq(calc->kind, SL_PN_CALC);
    cr_assert_eq(calc->nukey, 0);
    cr_assert_eq(calc->mode, SL_CL_RETRACT);
    sl_plan_free(plan);
}

Test(planner, insert_column_list_fills_nulls_and_casts)
{
    sl_plan *plan;
    int rc = plan_script("CREATE TABLE p (a BIGINT, b STRING, c DOUBLE) WITH ('connector' = "
                         "'print'); INSERT INTO p (c, a) VALUES (1, 2);",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    const sl_pnode *calc = plan->root->input;
    cr_assert_eq(calc->kind, SL_PN_CALC);
    cr_assert_eq(calc->cols[0].type.id, SL_TYPE_BIGINT);
    cr_assert_eq(calc->proj[1]->kind, SL_CX_CONST);
    cr_assert_eq(calc->proj[1]->val.tag, SL_V_NULL);
    cr_assert_eq(calc->cols[2].type.id, SL_TYPE_DOUBLE);
    sl_plan_free(plan);
}

Test(planner, insert_into_not_null_column_without_value)
{
    sl_plan *plan;
    int rc = plan_script("CREATE TABLE p (a INT NOT NULL, b INT) WITH ('connector' = 'print');"
                         "INSERT INTO p (b) VALUES (1);",
                         &plan);
    cr_assert_eq(rc, SL_SEMANTIC);
    cr_assert(strstr(err.msg, "Column 'a' has no default value"), "%s", err.msg);
}

Test(planner, computed_columns_are_inlined)
{
    sl_plan *plan;
    int rc = plan_script("CREATE TABLE src (id STRING, v DOUBLE, twice AS v * 2, PRIMARY KEY "
                         "(id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = "
                         "'t', 'properties.bootstrap.servers' = 'h:1', 'key.format' = 'csv', "
                         "'value.format' = 'json');"
                         "CREATE TABLE p (id STRING, twice DOUBLE) WITH ('connector' = 'print');"
                         "INSERT INTO p SELECT id, twice FROM src;",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    const sl_pnode *calc = plan->root->input;
    cr_assert_eq(calc->proj[1]->kind, SL_CX_ARITH);
    sl_plan_free(plan);
}

Test(planner, unsupported_clauses_are_errors)
{
    sl_plan *plan;
    const char *base = UPSERT_SRC "CREATE TABLE p (id STRING) WITH ('connector'='print');";
    const char *tails[] = {"INSERT INTO p SELECT id FROM src GROUP BY id;",
                           "INSERT INTO p SELECT DISTINCT id FROM src;",
                           "INSERT INTO p SELECT a.id FROM src a JOIN src b ON a.id = b.id;",
                           "INSERT INTO p SELECT COUNT(*) FROM src;"};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        teardown();
        setup();
        char sql[2048];
        snprintf(sql, sizeof sql, "%s%s", base, tails[i]);
        int rc = plan_script(sql, &plan);
        cr_assert(rc == SL_UNSUPPORTED || rc == SL_SEMANTIC, "%s", tails[i]);
        cr_assert(strstr(err.msg, "not supported yet"), "%s: %s", tails[i], err.msg);
    }
}

Test(planner, explain_names_modes_keys_and_state)
{
    sl_plan *plan;
    int rc = plan_script(UPSERT_SRC "CREATE TABLE p (id STRING, v DOUBLE, name STRING) WITH "
                                    "('connector' = 'print'); INSERT INTO p SELECT * FROM src;",
                         &plan);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    sl_buf b = SL_BUF_INIT;
    sl_plan_explain(plan, &reg, &b);
    cr_assert(strstr(b.p, "ChangelogNormalize(key=[id], changelogMode=[I,UB,UA,D], "
                          "upsertKey=[id], state=[last row per key"),
              "%s", b.p);
    cr_assert(strstr(b.p, "changelogMode=[I,UA,D]"), "%s", b.p);
    sl_buf_free(&b);
    sl_plan_free(plan);
}
