/*
** cli/connect.h — the sluice command's side of Kafka Connect JSON configs: telling them from
** SQL scripts, reading the worker config, translating (include/sluice.h) and --print-sql.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_CONNECT_H
#define SL_CLI_CONNECT_H

#include <stddef.h>

#include "sluice.h"

/* 1 when the file is a JSON document: its first byte after blanks (and a UTF-8 byte order
** mark) is '{' (or '[', to say that a config is an object). A SQL script cannot start so. */
int sl_cli_is_json(const char *src, size_t len);

/*
** Translate the (substituted) config json[0..len) into *res. Returns -1 when res->sql is to be
** run; otherwise the exit code: 0 when print_sql printed the SQL (secrets masked), 1 on an
** error, whose message res->errmsg (at res->err_offset in json) the caller reports.
*/
int sl_cli_translate(int print_sql, sl_connect_opts *opts, const char *json, size_t len,
                     sl_connect_result *res);

#endif
