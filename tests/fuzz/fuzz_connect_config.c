/*
** tests/fuzz/fuzz_connect_config.c — libFuzzer target for Kafka Connect configs to SQL.
**
** Translates arbitrary bytes as a config (and parses them as a worker .properties file).
** A translation either fails with a message whose position lies inside the input, or yields
** a script whose spans lie inside the script and the input.
**
** Build: clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. -Iinclude
**        base/[a-z]*.c connectors/maxcompute/options.c engine/connect_config.c
**        tests/fuzz/fuzz_connect_config.c -o /tmp/fuzz_connect_config -lm
** Run:   /tmp/fuzz_connect_config -max_total_time=60 tests/fuzz/corpus/connect_config
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "engine/connect_config.h"
#include "sluice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;

    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_props props;
    sl_props_parse(&ar, text, size, &props);
    sl_arena_free(&ar);

    sl_connect_opts opts = {.bootstrap_servers = size & 2 ? "k:1" : NULL, .worker_config = text,
                            .mask_secrets = (int)(size & 1)};
    sl_connect_result res;
    int rc = sl_connect_config_to_sql(text, size, &opts, &res);
    if (rc) {
        if (!res.errmsg || res.err_offset > (int)size ||
            (res.err_offset >= 0 && res.err_offset + res.err_len > (int)size))
            abort();
    } else {
        int n = (int)strlen(res.sql);
        for (int i = 0; i < res.nspans; i++) {
            const sl_connect_span *s = &res.spans[i];
            if (s->sql_offset < 0 || s->sql_offset + s->sql_len > n || s->src_offset < 0 ||
                s->src_offset + s->src_len > (int)size)
                abort();
        }
    }
    sl_connect_result_free(&res);
    free(text);
    return 0;
}
