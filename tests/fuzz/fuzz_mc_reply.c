/*
** tests/fuzz/fuzz_mc_reply.c — libFuzzer target for the MaxCompute client's reply parsers.
**
** Replies come from the network, so every parser must reject any byte string cleanly. Byte 0
** selects the parser, the rest is the reply body:
**   0  sl_mc_xml_text with several paths (and nothing may be appended on a malformed document)
**   1  sl_mc_parse_table_xml (XML around the JSON table schema)
**   2  sl_mc_parse_error (XML or JSON error documents)
**   3  sl_mc_parse_sts_reply (AssumeRole XML)
**   4  upload session JSON   5  stream session JSON   6  upsert session JSON
** Any sanitizer report, or a parser that returns an error code other than SL_DATA, aborts.
**
** Build (from the repository root) and run with the seed corpus:
**   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. -Iinclude \
**       base/[*].c connectors/maxcompute/[*].c tests/fuzz/fuzz_mc_reply.c -o /tmp/fuzz_mc_reply \
**       -lcrypto -lz -lm -ljansson -lcurl -lpthread
**   /tmp/fuzz_mc_reply -max_total_time=60 /tmp/mc_reply_corpus tests/fuzz/corpus/mc_reply
** (the [*] globs stand for slash-star, which a C comment cannot hold).
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "connectors/maxcompute/client_int.h"

static void check(int rc, const char *what)
{
    if (rc != SL_OK && rc != SL_DATA) {
        fprintf(stderr, "%s returned %d\n", what, rc);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    sl_arena ar;
    sl_err err = SL_ERR_INIT;
    sl_arena_init(&ar, 0);
    switch (data[0] % 7) {
    case 0: {
        static const char *const paths[] = {"Error/Code", "Table/Schema",
                                            "Instance/Tasks/Task/Status", "a", "a/b/c"};
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            sl_buf out = SL_BUF_INIT;
            const char *why = NULL;
            int rc = sl_mc_xml_text(body, n, paths[i], &out, &why);
            if (rc < 0 && (out.n != 0 || !why)) abort();
            if (rc > 1) abort();
            sl_buf_free(&out);
        }
        break;
    }
    case 1: {
        sl_mc_table t;
        check(sl_mc_parse_table_xml(body, n, &ar, &t, &err), "table");
        break;
    }
    case 2: {
        sl_buf c = SL_BUF_INIT, m = SL_BUF_INIT, r = SL_BUF_INIT;
        sl_mc_parse_error(body, n, &c, &m, &r);
        sl_buf_free(&c);
        sl_buf_free(&m);
        sl_buf_free(&r);
        break;
    }
    case 3: {
        mc_creds cr;
        int64_t exp;
        int rc = sl_mc_parse_sts_reply(body, n, &cr, &exp, &err);
        check(rc, "sts");
        if (rc == SL_OK) mc_creds_free(&cr);
        break;
    }
    default:
        check(sl_mc_parse_session_reply(data[0] % 7 - 4, body, n, &ar, &err), "session");
        break;
    }
    sl_arena_free(&ar);
    return 0;
}
