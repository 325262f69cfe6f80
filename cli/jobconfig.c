/*
** cli/jobconfig.c — JSON job configurations (see jobconfig.h).
**
** Detection lives here; the translation itself is not part of this build yet, so a JSON job is
** a configuration error that says so instead of a SQL syntax error at the first '{'.
**
** SPDX-License-Identifier: MIT
*/
#include "jobconfig.h"

#include <stdio.h>
#include <string.h>

#include "options.h"

int sl_cli_is_json_job(const char *path, const char *text, size_t len)
{
    size_t n = strlen(path);
    if (n >= 5 && strcmp(path + n - 5, ".json") == 0) return 1;
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) i = 3; /* UTF-8 BOM */
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    return i < len && text[i] == '{';
}

int sl_cli_json_job(const char *path, const char *text, size_t len, char **sql, size_t *sql_len,
                    char *msg, size_t msglen)
{
    (void)text;
    (void)len;
    *sql = NULL;
    *sql_len = 0;
    snprintf(msg, msglen,
             "%s is a JSON job configuration; this build of sluice runs SQL job scripts only "
             "(write the job as CREATE TABLE ... / INSERT INTO ... statements)",
             path);
    return SL_EXIT_CONFIG;
}
