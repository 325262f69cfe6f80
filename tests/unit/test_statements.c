/*
** tests/unit/test_statements.c — the public API's statements beyond DDL: SELECT through
** sl_step and sl_select, result columns, background INSERT jobs with SHOW JOBS and STOP JOB,
** settings read back with sl_config_get, and sl_input_state for the shell's prompts.
**
** Sources here are VALUES (bounded, no broker needed); the Kafka paths (an unbounded SELECT
** stopped by sl_interrupt, STOP JOB of a live job) are in tests/integration/repl_terminal.py.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sluice.h"

static sl_engine *eng;

static void setup(void)
{
    cr_assert_eq(sl_open(&eng), SL_OK);
}

static void teardown(void)
{
    sl_close(eng);
}

TestSuite(statements, .init = setup, .fini = teardown);

static sl_stmt *prepare(const char *sql)
{
    sl_stmt *stmt = NULL;
    int rc = sl_prepare(eng, sql, -1, &stmt, NULL);
    cr_assert_eq(rc, SL_OK, "%s: %s", sql, sl_errmsg(eng));
    cr_assert_not_null(stmt);
    return stmt;
}

static void exec_ok(const char *sql)
{
    int rc = sl_exec(eng, sql, NULL, NULL);
    cr_assert_eq(rc, SL_OK, "%s: %s", sql, sl_errmsg(eng));
}

Test(statements, select_returns_rows_with_kinds_and_nulls)
{
    sl_stmt *stmt = prepare("SELECT id, name FROM (VALUES (1, 'a'), (2, CAST(NULL AS STRING))) "
                            "AS t(id, name) WHERE id > 0");
    cr_assert_str_eq(sl_stmt_type(stmt), "SELECT");
    /* Columns are known before the first step. */
    cr_assert_eq(sl_column_count(stmt), 2);
    cr_assert_str_eq(sl_column_name(stmt, 0), "id");
    cr_assert_str_eq(sl_column_name(stmt, 1), "name");
    cr_assert_str_eq(sl_column_type(stmt, 0), "INT NOT NULL");
    cr_assert_null(sl_column_name(stmt, 2));
    cr_assert_null(sl_column_text(stmt, 0), "no current row yet");

    cr_assert_eq(sl_step(stmt), SL_ROW);
    cr_assert_eq(sl_row_kind(stmt), SL_INSERT);
    cr_assert_str_eq(sl_column_text(stmt, 0), "1");
    cr_assert_str_eq(sl_column_text(stmt, 1), "a");
    cr_assert_eq(sl_step(stmt), SL_ROW);
    cr_assert_str_eq(sl_column_text(stmt, 0), "2");
    cr_assert_null(sl_column_text(stmt, 1), "SQL NULL is a NULL pointer");
    cr_assert_eq(sl_step(stmt), SL_DONE);
    cr_assert_null(sl_column_text(stmt, 0));
    sl_finalize(stmt);
}

Test(statements, select_limit_and_max_rows)
{
    sl_stmt *stmt = prepare("SELECT * FROM (VALUES (1), (2), (3)) AS t(x) LIMIT 2");
    int n = 0;
    while (sl_step(stmt) == SL_ROW) n++;
    cr_assert_eq(n, 2);
    sl_finalize(stmt);

    cr_assert_eq(sl_config(eng, "client.preview.max-rows", "1"), SL_OK);
    cr_assert_str_eq(sl_config_get(eng, "client.preview.max-rows"), "1");
    stmt = prepare("SELECT * FROM (VALUES (1), (2), (3)) AS t(x)");
    n = 0;
    while (sl_step(stmt) == SL_ROW) n++;
    cr_assert_eq(n, 1);
    sl_finalize(stmt);
    cr_assert_eq(sl_config(eng, "client.preview.max-rows", NULL), SL_OK);
    cr_assert_str_eq(sl_config_get(eng, "client.preview.max-rows"), "0");
}

Test(statements, step_timeout_and_early_finalize)
{
    sl_stmt *stmt = prepare("VALUES (1), (2)");
    int rc;
    int rows = 0;
    while ((rc = sl_step_timeout(stmt, 50)) == SL_ROW || rc == SL_IDLE) rows += rc == SL_ROW;
    cr_assert_eq(rc, SL_DONE);
    cr_assert_eq(rows, 2);
    sl_finalize(stmt);

    /* Finalizing a query before its end stops it. */
    stmt = prepare("VALUES (1), (2), (3)");
    cr_assert_eq(sl_step(stmt), SL_ROW);
    sl_finalize(stmt);
}

typedef struct seen {
    int n;
    char text[256];
} seen;

static int on_change(void *ud, int kind, int ncol, const char *const *texts)
{
    seen *s = ud;
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof s->text - len, "%s(%s,%s) ", sl_rowkind_str(kind),
             texts[0] ? texts[0] : "null", ncol > 1 && texts[1] ? texts[1] : "null");
    return ++s->n == 2; /* stop after two */
}

Test(statements, select_callback)
{
    seen s = {0, ""};
    int rc = sl_select(eng, "VALUES (1, 'x'), (2, NULL), (3, 'z')", on_change, &s);
    cr_assert_eq(rc, SL_OK, "%s", sl_errmsg(eng));
    cr_assert_str_eq(s.text, "+I(1,x) +I(2,null) ");
    cr_assert_eq(sl_select(eng, "SHOW TABLES", on_change, &s), SL_MISUSE);
}

static const char *job_status(const char *id, char *error, size_t errlen)
{
    static char status[32];
    sl_stmt *stmt = prepare("SHOW JOBS");
    cr_assert_eq(sl_column_count(stmt), 7);
    cr_assert_str_eq(sl_column_name(stmt, 2), "status");
    cr_assert_str_eq(sl_column_type(stmt, 3), "BIGINT");
    status[0] = 0;
    while (sl_step(stmt) == SL_ROW)
        if (strcmp(sl_column_text(stmt, 0), id) == 0) {
            snprintf(status, sizeof status, "%s", sl_column_text(stmt, 2));
            if (error) snprintf(error, errlen, "%s", sl_column_text(stmt, 6));
        }
    sl_finalize(stmt);
    return status;
}

Test(statements, background_insert_and_show_jobs)
{
    exec_ok("CREATE TABLE out (x INT) WITH ('connector' = 'print', 'standard-error' = 'true')");
    cr_assert_eq(sl_config(eng, "table.dml-sync", "false"), SL_OK);
    sl_stmt *stmt = prepare("INSERT INTO out VALUES (1), (2)");
    cr_assert_eq(sl_column_count(stmt), 1);
    cr_assert_str_eq(sl_column_name(stmt, 0), "job id");
    cr_assert_eq(sl_step(stmt), SL_ROW);
    cr_assert_str_eq(sl_column_text(stmt, 0), "1");
    cr_assert_eq(sl_step(stmt), SL_DONE);
    sl_finalize(stmt); /* the job outlives its statement */
    const char *st = "";
    for (int i = 0; i < 200; i++) {
        st = job_status("1", NULL, 0);
        if (strcmp(st, "RUNNING") != 0) break;
        usleep(10000);
    }
    cr_assert_str_eq(st, "FINISHED");

    /* A failing job keeps its error. */
    exec_ok("CREATE TABLE nn (x INT NOT NULL) WITH ('connector' = 'print')");
    stmt = prepare("INSERT INTO nn VALUES (CAST(NULL AS INT))");
    cr_assert_eq(sl_step(stmt), SL_ROW);
    sl_finalize(stmt);
    char error[256] = "";
    for (int i = 0; i < 200; i++) {
        st = job_status("2", error, sizeof error);
        if (strcmp(st, "RUNNING") != 0) break;
        usleep(10000);
    }
    cr_assert_str_eq(st, "FAILED");
    cr_assert(strstr(error, "Column 'x' is NOT NULL") != NULL, "%s", error);

    /* STOP JOB of a job that ended is an error with the job's status. */
    cr_assert_eq(sl_exec(eng, "STOP JOB '1'", NULL, NULL), SL_SEMANTIC);
    cr_assert(strstr(sl_errmsg(eng), "it is FINISHED") != NULL, "%s", sl_errmsg(eng));
}

Test(statements, sync_insert_is_listed)
{
    exec_ok("CREATE TABLE out (x INT) WITH ('connector' = 'print', 'standard-error' = 'true');"
            "SET 'pipeline.name' = 'nightly';"
            "INSERT INTO out VALUES (1), (2), (3)");
    sl_stmt *stmt = prepare("SHOW JOBS");
    cr_assert_eq(sl_step(stmt), SL_ROW);
    cr_assert_str_eq(sl_column_text(stmt, 1), "nightly");
    cr_assert_str_eq(sl_column_text(stmt, 2), "FINISHED");
    cr_assert_str_eq(sl_column_text(stmt, 3), "3");
    cr_assert_str_eq(sl_column_text(stmt, 4), "3");
    cr_assert_str_eq(sl_column_text(stmt, 5), "INSERT INTO out VALUES (1), (2), (3)");
    cr_assert_eq(sl_step(stmt), SL_DONE);
    sl_finalize(stmt);
}

Test(statements, config_get)
{
    cr_assert_str_eq(sl_config_get(eng, "table.dml-sync"), "true");
    cr_assert_str_eq(sl_config_get(eng, "sql-client.execution.result-mode"), "table");
    cr_assert_null(sl_config_get(eng, "sql-client.execution.result-mod"));
    cr_assert(strstr(sl_errmsg(eng), "Did you mean 'sql-client.execution.result-mode'") != NULL,
              "%s", sl_errmsg(eng));
    cr_assert_eq(sl_config(eng, "sql-client.execution.result-mode", "tableau"), SL_OK);
    cr_assert_str_eq(sl_config_get(eng, "sql-client.execution.result-mode"), "tableau");
}

Test(statements, input_state)
{
    cr_assert_eq(sl_input_state(""), SL_INPUT_EMPTY);
    cr_assert_eq(sl_input_state("  -- a comment\n"), SL_INPUT_EMPTY);
    cr_assert_eq(sl_input_state("/* c */"), SL_INPUT_EMPTY);
    cr_assert_eq(sl_input_state("SELECT 1;"), SL_INPUT_COMPLETE);
    cr_assert_eq(sl_input_state("SELECT 1; -- done\n"), SL_INPUT_COMPLETE);
    cr_assert_eq(sl_input_state("SELECT\n"), SL_INPUT_MORE);
    cr_assert_eq(sl_input_state("SELECT 1 -- ;\n"), SL_INPUT_MORE);
    cr_assert_eq(sl_input_state("SELECT 'a;\n"), SL_INPUT_STRING);
    cr_assert_eq(sl_input_state("SELECT 'it''s;\n"), SL_INPUT_STRING);
    cr_assert_eq(sl_input_state("SELECT `x;\n"), SL_INPUT_NAME);
    cr_assert_eq(sl_input_state("SELECT /* ; \n"), SL_INPUT_COMMENT);
    cr_assert_eq(sl_input_state("INSERT INTO t VALUES (1,\n"), SL_INPUT_PAREN);
    cr_assert_eq(sl_input_state("VALUES (1, 'a;b'),\n (2, 'c');"), SL_INPUT_COMPLETE);
    cr_assert_eq(sl_input_state("SELECT 1;\r\n"), SL_INPUT_COMPLETE);
    cr_assert_eq(sl_input_state(NULL), SL_INPUT_EMPTY);
}

Test(statements, drop_of_table_in_use_is_refused_only_while_running)
{
    exec_ok("CREATE TABLE out (x INT) WITH ('connector' = 'print', 'standard-error' = 'true');"
            "INSERT INTO out VALUES (1)");
    /* The job finished, so the table may go. */
    exec_ok("DROP TABLE out");
}
