/*
** tests/unit/test_parser.c — the lexer and the grammar: valid scripts, ASTs, error positions.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <string.h>

#include "parser/parse.h"

typedef struct parsed {
    sl_parser *p;
    sl_ast *ast;
    sl_err err;
    int rc;
    int consumed;
} parsed;

static parsed parse(const char *sql)
{
    parsed r;
    r.p = sl_parser_new();
    sl_err_clear(&r.err);
    r.rc = sl_parse(r.p, sql, -1, &r.ast, &r.consumed, &r.err);
    return r;
}

static void done(parsed *r)
{
    sl_parser_free(r->p);
}

static const char seed_source[] =
    "CREATE TABLE upsertKafkaSource (\n"
    "  order_id string,\n"
    "  order_channel string,\n"
    "  order_time string,\n"
    "  pay_amount double,\n"
    "  real_pay double,\n"
    "  pay_time string,\n"
    "  user_id string,\n"
    "  user_name string,  \n"
    "  area_id string,\n"
    "  PRIMARY KEY (order_id) NOT ENFORCED\n"
    ") WITH (\n"
    "  'connector' = 'upsert-kafka',\n"
    "  'topic' = 'KafkaTopic',\n"
    "  'properties.bootstrap.servers' =  'KafkaAddress1:KafkaPort,KafkAddress2:KafkaPort',\n"
    "  'key.format' = 'csv',\n"
    "  'value.format' = 'json'\n"
    ");";

Test(parser, seed_create_table)
{
    parsed r = parse(seed_source);
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    cr_assert_eq(r.ast->kind, SL_STMT_CREATE_TABLE);
    const sl_create_table *ct = r.ast->create;
    cr_assert_str_eq(ct->name.part[0].z, "upsertKafkaSource");
    cr_assert_eq(ct->cols.n, 9);
    const sl_coldef *c3 = ct->cols.items[3];
    cr_assert_str_eq(c3->name.z, "pay_amount");
    cr_assert_eq(c3->type.id, SL_TYPE_DOUBLE);
    cr_assert(ct->has_pk);
    cr_assert_not(ct->pk_enforced);
    cr_assert_eq(ct->pk.n, 1);
    cr_assert_eq(ct->opts.n, 5);
    const sl_opt *o = ct->opts.items[2];
    cr_assert_str_eq(o->key, "properties.bootstrap.servers");
    cr_assert_str_eq(o->val, "KafkaAddress1:KafkaPort,KafkAddress2:KafkaPort");
    cr_assert_eq(r.consumed, (int)strlen(seed_source));
    done(&r);
}

Test(parser, types_in_any_case)
{
    parsed r = parse("create table t (a Boolean, b TinyInt, c smallint, d INT, e integer, "
                     "f BIGINT, g float, h DOUBLE, i decimal(10, 2), j STRING, k varchar(5), "
                     "l char(3), m bytes, n varbinary(4), o date, p TIME, q timestamp(3), "
                     "r TIMESTAMP_LTZ(3), s timestamp(6) with local time zone, t2 DECIMAL) "
                     "with ('connector'='print')");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    const sl_create_table *ct = r.ast->create;
    int want[] = {SL_TYPE_BOOLEAN, SL_TYPE_TINYINT, SL_TYPE_SMALLINT, SL_TYPE_INT, SL_TYPE_INT,
                  SL_TYPE_BIGINT, SL_TYPE_FLOAT, SL_TYPE_DOUBLE, SL_TYPE_DECIMAL,
                  SL_TYPE_VARCHAR, SL_TYPE_VARCHAR, SL_TYPE_CHAR, SL_TYPE_VARBINARY,
                  SL_TYPE_VARBINARY, SL_TYPE_DATE, SL_TYPE_TIME, SL_TYPE_TIMESTAMP,
                  SL_TYPE_TIMESTAMP_LTZ, SL_TYPE_TIMESTAMP_LTZ, SL_TYPE_DECIMAL};
    cr_assert_eq(ct->cols.n, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < ct->cols.n; i++) {
        const sl_coldef *c = ct->cols.items[i];
        cr_assert_eq(c->type.id, want[i], "column %d", i);
    }
    const sl_coldef *dec = ct->cols.items[8];
    cr_assert_eq(dec->type.precision, 10);
    cr_assert_eq(dec->type.scale, 2);
    const sl_coldef *vc = ct->cols.items[10];
    cr_assert_eq(vc->type.length, 5);
    const sl_coldef *str = ct->cols.items[9];
    cr_assert_eq(str->type.length, SL_MAX_LENGTH);
    const sl_coldef *ts = ct->cols.items[16];
    cr_assert_eq(ts->type.precision, 3);
    done(&r);
}

Test(parser, nonreserved_keywords_as_names)
{
    parsed r = parse("CREATE TABLE t (key STRING, value STRING, `offset` BIGINT, partition INT, "
                     "topic STRING, `timestamp` TIMESTAMP(3), comment STRING, metadata INT) "
                     "WITH ('connector' = 'print')");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    const sl_coldef *c = r.ast->create->cols.items[0];
    cr_assert_str_eq(c->name.z, "key");
    c = r.ast->create->cols.items[5];
    cr_assert_str_eq(c->name.z, "timestamp");
    cr_assert(c->name.quoted);
    done(&r);
    r = parse("SELECT key, value, timestamp, date FROM t WHERE key = 'a'");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    cr_assert_eq(r.ast->query->items.n, 4);
    done(&r);
}

Test(parser, comments_strings_and_quotes)
{
    parsed r = parse("-- leading comment\n/* block ; comment */ INSERT INTO `my table` "
                     "SELECT 'it''s; fine', `a``b` FROM s -- trailing\n;");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    cr_assert_eq(r.ast->kind, SL_STMT_INSERT);
    cr_assert_str_eq(r.ast->insert->table.part[0].z, "my table");
    const sl_select_item *it = r.ast->insert->query->items.items[0];
    cr_assert_str_eq(it->expr->text, "it's; fine");
    it = r.ast->insert->query->items.items[1];
    cr_assert_str_eq(it->expr->name.z, "a`b");
    done(&r);
}

Test(parser, one_statement_at_a_time)
{
    const char *sql = "SET 'a' = 'b';\n  SET 'c' = 'd';";
    parsed r = parse(sql);
    cr_assert_eq(r.rc, SL_OK);
    cr_assert_str_eq(r.ast->key, "a");
    cr_assert_eq(r.consumed, 14);
    done(&r);
    r = parse(sql + 14);
    cr_assert_eq(r.rc, SL_OK);
    cr_assert_str_eq(r.ast->value, "d");
    done(&r);
}

Test(parser, empty_text_has_no_statement)
{
    parsed r = parse("  -- nothing here\n ; ; /* x */ ");
    cr_assert_eq(r.rc, SL_OK);
    cr_assert_null(r.ast);
    done(&r);
}

Test(parser, last_statement_without_semicolon)
{
    parsed r = parse("SHOW TABLES");
    cr_assert_eq(r.rc, SL_OK);
    cr_assert_eq(r.ast->kind, SL_STMT_SHOW_TABLES);
    done(&r);
}

Test(parser, expressions_and_precedence)
{
    parsed r = parse("SELECT a + b * 2, NOT x AND y OR z, CAST(p AS DECIMAL(5,2)), "
                     "CASE WHEN a > 1 THEN 'x' ELSE 'y' END, c IS NOT NULL, UPPER(n) || '!', "
                     "TRIM(LEADING 'x' FROM s), SUBSTRING(s FROM 2 FOR 3), a BETWEEN 1 AND 2, "
                     "a NOT IN (1, 2), s LIKE 'a%', -a, COALESCE(a, b, 0) FROM t WHERE a <> b");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    const sl_query *q = r.ast->query;
    cr_assert_eq(q->items.n, 13);
    const sl_select_item *it = q->items.items[0];
    cr_assert_eq(it->expr->kind, SL_E_BINARY);
    cr_assert_eq(it->expr->op, SL_OP_ADD); /* multiplication binds tighter */
    cr_assert_eq(it->expr->b->op, SL_OP_MUL);
    it = q->items.items[1];
    cr_assert_eq(it->expr->op, SL_OP_OR);
    cr_assert_eq(it->expr->a->op, SL_OP_AND);
    it = q->items.items[2];
    cr_assert_eq(it->expr->kind, SL_E_CAST);
    cr_assert_eq(it->expr->type.precision, 5);
    it = q->items.items[6];
    cr_assert_eq(it->expr->kind, SL_E_CALL);
    cr_assert_eq(it->expr->trim_mode, 1);
    it = q->items.items[9];
    cr_assert_eq(it->expr->kind, SL_E_IN);
    cr_assert_eq(it->expr->op, 1);
    cr_assert_not_null(q->where);
    done(&r);
}

Test(parser, insert_with_columns_and_values)
{
    parsed r = parse("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    cr_assert_eq(r.ast->insert->cols.n, 2);
    cr_assert(r.ast->insert->query->is_values);
    cr_assert_eq(r.ast->insert->query->values.n, 2);
    done(&r);
}

Test(parser, explain_insert)
{
    parsed r = parse("EXPLAIN INSERT INTO t SELECT * FROM s");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    cr_assert_eq(r.ast->kind, SL_STMT_EXPLAIN);
    cr_assert_eq(r.ast->explained->kind, SL_STMT_INSERT);
    done(&r);
}

Test(parser, metadata_and_computed_columns)
{
    parsed r = parse("CREATE TABLE t (a INT, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' "
                     "VIRTUAL, `partition` INT METADATA, c AS a + 1, WATERMARK FOR ts AS ts) "
                     "WITH ('connector' = 'kafka')");
    cr_assert_eq(r.rc, SL_OK, "%s", r.err.msg);
    const sl_coldef *c = r.ast->create->cols.items[1];
    cr_assert_eq(c->kind, SL_COL_METADATA);
    cr_assert_str_eq(c->meta_key, "timestamp");
    cr_assert(c->is_virtual);
    c = r.ast->create->cols.items[2];
    cr_assert_null(c->meta_key);
    c = r.ast->create->cols.items[3];
    cr_assert_eq(c->kind, SL_COL_COMPUTED);
    cr_assert_not_null(r.ast->create->watermark);
    done(&r);
}

/* ---- errors and their positions ----------------------------------------------------- */

Test(parser, syntax_error_names_expected_tokens)
{
    parsed r = parse("SELECT a FORM t");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert_eq(r.err.offset, 14, "offset %d: %s", r.err.offset, r.err.msg);
    cr_assert(strstr(r.err.msg, "syntax error at 't'"), "%s", r.err.msg);
    done(&r);
    r = parse("CREATE TABLE t (a INT) WITH ('connector' 'print')");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert_eq(r.err.offset, 41, "%d %s", r.err.offset, r.err.msg);
    cr_assert(strstr(r.err.msg, "expected '='"), "%s", r.err.msg);
    done(&r);
}

Test(parser, unexpected_end_of_input)
{
    parsed r = parse("CREATE TABLE t (a INT");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert(strstr(r.err.msg, "unexpected end of input"), "%s", r.err.msg);
    cr_assert(strstr(r.err.msg, "')'"), "%s", r.err.msg);
    done(&r);
}

Test(parser, unterminated_string_and_comment)
{
    parsed r = parse("SELECT 'abc FROM t");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert_eq(r.err.offset, 7);
    cr_assert(strstr(r.err.msg, "unterminated string"), "%s", r.err.msg);
    done(&r);
    r = parse("SELECT a /* never closed");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert_eq(r.err.offset, 9);
    done(&r);
    r = parse("SELECT `abc FROM t");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert(strstr(r.err.msg, "backtick"), "%s", r.err.msg);
    done(&r);
}

Test(parser, stray_characters)
{
    parsed r = parse("SELECT a ? b FROM t");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert_eq(r.err.offset, 9);
    cr_assert(strstr(r.err.msg, "'?'"), "%s", r.err.msg);
    done(&r);
    r = parse("SELECT \"a\" FROM t");
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert(strstr(r.err.msg, "double quotes"), "%s", r.err.msg);
    done(&r);
}

Test(parser, nul_byte_is_an_error)
{
    const char sql[] = "SELECT a\0 FROM t";
    sl_parser *p = sl_parser_new();
    sl_err err = SL_ERR_INIT;
    sl_ast *ast;
    int consumed;
    int rc = sl_parse(p, sql, (int)sizeof sql - 1, &ast, &consumed, &err);
    cr_assert_eq(rc, SL_SYNTAX);
    cr_assert_eq(err.offset, 8);
    sl_parser_free(p);
}

Test(parser, deep_nesting_does_not_crash)
{
    size_t n = 20000;
    char *sql = malloc(n * 2 + 32);
    strcpy(sql, "SELECT ");
    size_t k = strlen(sql);
    for (size_t i = 0; i < n; i++) sql[k++] = '(';
    sql[k++] = '1';
    for (size_t i = 0; i < n; i++) sql[k++] = ')';
    strcpy(sql + k, " FROM t");
    parsed r = parse(sql);
    cr_assert_eq(r.rc, SL_SYNTAX);
    cr_assert(strstr(r.err.msg, "nested too deeply"), "%s", r.err.msg);
    done(&r);
    free(sql);
}

Test(parser, duplicate_primary_key)
{
    parsed r = parse("CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, b INT, "
                     "PRIMARY KEY (b) NOT ENFORCED) WITH ('connector'='print')");
    cr_assert_eq(r.rc, SL_SEMANTIC);
    cr_assert(strstr(r.err.msg, "Duplicate primary key"), "%s", r.err.msg);
    done(&r);
}

Test(parser, complete_statements)
{
    cr_assert(sl_sql_complete("SELECT 1;", -1));
    cr_assert(sl_sql_complete("SELECT 1; -- done\n", -1));
    cr_assert_not(sl_sql_complete("SELECT 'a;", -1));
    cr_assert_not(sl_sql_complete("SELECT 1 -- ;", -1));
    cr_assert_not(sl_sql_complete("SELECT /* ; */ 1", -1));
    cr_assert_not(sl_sql_complete("SELECT `x;", -1));
    cr_assert(sl_sql_complete("SELECT 'a;'\r\n;\r\n", -1));
    cr_assert_not(sl_sql_complete("", -1));
}

Test(parser, complete_survives_bad_bytes_at_the_end)
{
    /* found by fuzz_sql: a stray byte right before the end made the scan run past it */
    const char sql[] = "-- explain\n\x02";
    cr_assert_not(sl_sql_complete(sql, (int)sizeof sql - 1));
    const char with_nul[] = "SELECT 1;\0";
    cr_assert(sl_sql_complete(with_nul, (int)sizeof with_nul - 1) == 0 ||
              sl_sql_complete(with_nul, (int)sizeof with_nul - 1) == 1);
}
