/*
** tests/fuzz/fuzz_sql.c — libFuzzer target for the SQL front end.
**
** Arbitrary bytes are run as a script through the public API: each statement is prepared
** (lexer, grammar, planner) and stepped unless it is an INSERT or a SELECT, which would start
** a job (and a SELECT over Kafka would wait for rows).
** CREATE TABLE thus reaches catalog resolution and option validation, EXPLAIN the changelog
** pass. Anything may fail with an error; nothing may crash, leak or trip a sanitizer.
**
** SPDX-License-Identifier: MIT
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sluice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_engine *eng;
    if (sl_open(&eng) != SL_OK) return 0;
    const char *p = (const char *)data, *end = p + size;
    sl_complete(NULL);
    char *copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = 0;
    sl_complete(copy);
    (void)sl_input_state(copy);
    free(copy);
    for (int guard = 0; p < end && guard < 64; guard++) {
        sl_stmt *stmt = NULL;
        const char *tail = p;
        int rc = sl_prepare(eng, p, (int)(end - p), &stmt, &tail);
        (void)sl_errmsg(eng);
        (void)sl_error_offset(eng);
        if (tail <= p) break;
        p = tail;
        if (rc || !stmt) continue;
        const char *kind = sl_stmt_type(stmt);
        if (strcmp(kind, "INSERT") == 0 || strcmp(kind, "SELECT") == 0) {
            for (int i = 0; i < sl_column_count(stmt); i++) {
                (void)sl_column_name(stmt, i);
                (void)sl_column_type(stmt, i);
            }
            sl_finalize(stmt);
            continue;
        }
        while ((rc = sl_step(stmt)) == SL_ROW)
            for (int i = 0; i < sl_column_count(stmt); i++) (void)sl_column_text(stmt, i);
        sl_finalize(stmt);
    }
    sl_close(eng);
    return 0;
}
