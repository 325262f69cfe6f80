/*
** cli/connect.c — Kafka Connect JSON configs in the sluice command (see connect.h).
**
** SPDX-License-Identifier: MIT
*/
#include "connect.h"

#include <stdio.h>
#include <string.h>

int sl_cli_is_json(const char *src, size_t len)
{
    size_t i = len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && strchr(" \t\r\n", src[i]) && src[i]) i++;
    return i < len && (src[i] == '{' || src[i] == '[');
}

int sl_cli_translate(int print_sql, sl_connect_opts *opts, const char *json, size_t len,
                     sl_connect_result *res)
{
    opts->mask_secrets = print_sql;
    if (sl_connect_config_to_sql(json, len, opts, res) != SL_OK) return 1;
    if (!print_sql) return -1;
    fputs(res->sql, stdout);
    fflush(stdout);
    return 0;
}
