/*
** cli/jobconfig.h — the hook for job files that are not SQL.
**
** `sluice run FILE` accepts a SQL script. A file named *.json, or whose first non-blank
** character is '{', is a JSON job configuration (the MaxCompute Kafka connector's format, see
** tests/data/seeds/); sl_cli_json_job translates it into the SQL script that runs the same job,
** and everything after that (variables, --validate, exit codes) treats the result like any
** script. Error positions then refer to the generated SQL, which the runner names
** "FILE (generated SQL)".
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_JOBCONFIG_H
#define SL_CLI_JOBCONFIG_H

#include <stddef.h>

/* 1 when the job file at path with contents text is a JSON configuration, not SQL. */
int sl_cli_is_json_job(const char *path, const char *text, size_t len);

/*
** Translate a JSON job configuration into SQL. Returns 0 with *sql (malloc'd, NUL-terminated)
** and *sql_len, or an exit code (options.h; SL_EXIT_CONFIG for a bad configuration) with msg set.
*/
int sl_cli_json_job(const char *path, const char *text, size_t len, char **sql, size_t *sql_len,
                    char *msg, size_t msglen);

#endif
